"""Admin forms (Flask-WTF: CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import URL, DataRequired, EqualTo, Length, Optional

from lti_tool.admin.accounts.passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=100)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l(
            "At least %(num)s characters; not a common password, not your account name. "
            "A few words of your own make a good one.",
            num=MIN_LENGTH,
        ),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PlatformForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    issuer = StringField(
        _l("Issuer"),
        description=_l("Moodle: the site's address, e.g. https://moodle.example.fr"),
        validators=[DataRequired(), URL(require_tld=False), Length(max=500)],
    )
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)])
    auth_login_url = StringField(
        _l("Authentication request URL"),
        description=_l("Moodle: …/mod/lti/auth.php"),
        validators=[DataRequired(), URL(require_tld=False), Length(max=1000)],
    )
    auth_token_url = StringField(
        _l("Access token URL"),
        description=_l("Moodle: …/mod/lti/token.php"),
        validators=[DataRequired(), URL(require_tld=False), Length(max=1000)],
    )
    key_set_url = StringField(
        _l("Public keyset URL"),
        description=_l("Moodle: …/mod/lti/certs.php"),
        validators=[DataRequired(), URL(require_tld=False), Length(max=1000)],
    )
    active = BooleanField(_l("Active"), default=True)
    trusted_for_calibration = BooleanField(
        _l("Trusted for calibration"),
        description=_l(
            "Its learners' answers feed the calibration of the item bank and the item statistics "
            "shared across platforms. Trust only a platform whose learners are real."
        ),
        default=True,
    )


class DeploymentForm(FlaskForm):
    deployment_id = StringField(_l("Deployment ID"), validators=[DataRequired(), Length(max=255)])


class ConfirmForm(FlaskForm):
    """An empty form: just the CSRF token, for buttons that change something."""
