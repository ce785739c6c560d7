"""Forms of the item bank and calibration pages (CSRF on every form that changes something)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from item_bank.formats import FORMATS

FORMAT_NAMES = {"gift": "GIFT", "moodle-xml": "Moodle XML", "qti": "QTI 3.0 (zip)", "json": "JSON"}
assert set(FORMAT_NAMES) == set(FORMATS)


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms wants them."""
    return [SelectChoice(value, label) for value, label in pairs]


class _SearchForm(FlaskForm):
    """A GET form: reading only, so no CSRF token (it would land in the URL)."""

    class Meta:
        csrf = False


class ItemFilterForm(_SearchForm):
    q = StringField(
        _l("Text or id"),
        description=_l("Searched in the question's wording and its id."),
        validators=[Optional(), Length(max=200)],
    )
    topic = SelectField(_l("Topic"), validators=[Optional()], validate_choice=False)
    level = SelectField(_l("Level"), validators=[Optional()], validate_choice=False)
    language = SelectField(_l("Language"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)


class ExportForm(_SearchForm):
    format = SelectField(_l("Format"), choices=choices(FORMAT_NAMES.items()), default="gift")
    language = SelectField(_l("Language"), validators=[Optional()], validate_choice=False)
    topic = SelectField(_l("Topic"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)


class ReviewForm(FlaskForm):
    to_status = SelectField(_l("New status"), validators=[DataRequired()], validate_choice=False)
    from_status = HiddenField()
    note = TextAreaField(
        _l("Note (optional)"),
        description=_l("What was checked, or why the item moves."),
        validators=[Optional(), Length(max=2000)],
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("File to import"),
        validators=[FileRequired(message=_l("Choose a file."))],
    )
    keep_status = BooleanField(
        _l("Keep the statuses written in the file"),
        description=_l(
            "Off: new and edited items start as drafts and reach learners only after a review. "
            "On: the file's statuses (reviewed, calibrated...) apply at once; only for a file "
            "whose items were already reviewed."
        ),
        default=False,
    )


class CalibrationForm(FlaskForm):
    model = SelectField(
        _l("Model"),
        choices=choices((m, m) for m in ("2PL", "1PL", "3PL")),
        default="2PL",
        description=_l("2PL is the engine's default: a difficulty and a discrimination per item."),
    )
    min_pilot_responses = IntegerField(
        _l("Responses needed to promote a pilot item"),
        default=100,
        validators=[DataRequired(), NumberRange(min=10, max=100000)],
    )
    max_se = FloatField(
        _l("Largest standard error accepted for a promoted pilot item (a and b)"),
        default=0.5,
        validators=[DataRequired(), NumberRange(min=0.05, max=5.0)],
    )
