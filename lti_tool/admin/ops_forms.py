"""Forms of the operations and privacy pages (CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length


class LearnerForm(FlaskForm):
    """Posted, not in the URL: a learner's id stays out of access logs and browser history."""

    platform = SelectField(_l("Platform"), coerce=int, validators=[InputRequired()])
    subject = StringField(
        _l("LTI user id (sub)"),
        description=_l(
            "The opaque identifier the platform sends for this person. In Moodle, it is the user's "
            "numeric id (Site administration › Users › the user's profile: id= in the address)."
        ),
        validators=[DataRequired(), Length(max=255)],
    )


class LearnerActionForm(FlaskForm):
    platform = HiddenField(validators=[DataRequired()])
    subject = HiddenField(validators=[DataRequired(), Length(max=255)])


class EraseForm(LearnerActionForm):
    confirm = BooleanField(
        _l(
            "I understand that this learner's attempts, answers and launches will be deleted "
            "for good."
        ),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
