"""The activity settings form, for deep linking and for editing an activity already placed.

These pages live in the LMS iframe and get no cookie: the signed launch token in the form is the
anti-forgery token, so the form itself has no CSRF field (``csrf = False``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from item_bank.loader import load_topics
from lti_tool.quiz.settings import PRECISIONS, TOPIC_IDS, ActivitySettings

LEVELS = (1, 2, 3)
MAX_ITEMS = 60


class WholeNumberField(IntegerField):
    """An integer field whose parse error speaks plainly (and in the page's language)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(_("Enter a whole number.")) from exc


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def topic_choices(language: str) -> list[SelectChoice]:
    """Topic ids and names in ``language`` (ids alone if the names cannot be read)."""
    try:
        topics = load_topics()
    except Exception:  # noqa: BLE001 - the names are a nicety; the ids still work
        topics = {}
    ids = [t for t in topics if t in TOPIC_IDS] or list(TOPIC_IDS)
    return [SelectChoice(t, f"{t} — {topics[t].name(language)}" if t in topics else t) for t in ids]


def precision_of(se_target: float) -> str:
    """The plain-language precision nearest to a standard error target."""
    return min(PRECISIONS, key=lambda name: abs(PRECISIONS[name] - se_target))


class SettingsForm(FlaskForm):
    class Meta:
        csrf = False

    title = StringField(
        _l("Title"),
        description=_l("The name of the activity in your course."),
        validators=[DataRequired(_l("Give the activity a title.")), Length(max=200)],
    )
    topics = MultiCheckboxField(
        _l("Topics"), description=_l("The questions come from the topics you tick.")
    )
    levels = MultiCheckboxField(
        _l("Question levels"),
        description=_l("Keep all three so that the test can find every learner's level."),
        coerce=int,
        choices=[
            SelectChoice(1, _l("Level 1 — aware")),
            SelectChoice(2, _l("Level 2 — informed")),
            SelectChoice(3, _l("Level 3 — responsible")),
        ],
    )
    min_items = WholeNumberField(
        _l("Minimum number of questions"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(1, MAX_ITEMS, _l("Enter a number between %(min)s and %(max)s.")),
        ],
    )
    max_items = WholeNumberField(
        _l("Maximum number of questions"),
        description=_l("The test stops earlier once the learner's level is precise enough."),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(1, MAX_ITEMS, _l("Enter a number between %(min)s and %(max)s.")),
        ],
    )
    precision = RadioField(
        _l("Precision of the result"),
        choices=[
            SelectChoice("quick", _l("Quick: a rough level, fewer questions")),
            SelectChoice("standard", _l("Standard: a reliable level (recommended)")),
            SelectChoice("precise", _l("Precise: a finer score, more questions")),
        ],
    )
    language = RadioField(
        _l("Language of the questions"),
        choices=[
            SelectChoice("launch", _l("Each learner's language, as set in the course")),
            SelectChoice("fr", _l("French")),
            SelectChoice("en", _l("English")),
        ],
    )
    feedback = RadioField(
        _l("Explanations"),
        choices=[
            SelectChoice("each", _l("After each answer")),
            SelectChoice("end", _l("At the end of the test only")),
        ],
    )
    attempts = WholeNumberField(
        _l("Attempts allowed"),
        description=_l("0 for unlimited attempts."),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(0, 100, _l("Enter a number between %(min)s and %(max)s.")),
        ],
    )
    counts = RadioField(
        _l("Grade kept in the gradebook"),
        choices=[
            SelectChoice("best", _l("The best attempt")),
            SelectChoice("last", _l("The last attempt")),
        ],
    )
    pilot = BooleanField(
        _l("Include a few trial questions (not scored)"),
        description=_l(
            "Up to two new questions per test, not counted in the score, help calibrate the bank."
        ),
    )

    def __init__(self, *args: Any, language: str = "fr", with_title: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.topics.choices = topic_choices(language)
        if not with_title:
            del self.title

    def fill(self, settings: ActivitySettings, default_title: str = "") -> None:
        """Show ``settings`` (on a GET: nothing was submitted)."""
        if "title" in self:
            self.title.data = settings.title or default_title
        all_topics = [c.value for c in self.topics.choices]
        self.topics.data = [t for t in settings.topics if t in all_topics] or all_topics
        self.levels.data = list(settings.levels or LEVELS)
        self.min_items.data = settings.min_items
        self.max_items.data = settings.max_items
        self.precision.data = precision_of(settings.se_target)
        self.language.data = settings.language
        self.feedback.data = settings.feedback
        self.attempts.data = settings.attempts
        self.counts.data = settings.counts
        self.pilot.data = settings.pilot

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not self.topics.data:
            self.topics.errors = [*self.topics.errors, _("Choose at least one topic.")]
            ok = False
        if not self.levels.data:
            self.levels.errors = [*self.levels.errors, _("Choose at least one level.")]
            ok = False
        low, high = self.min_items.data, self.max_items.data
        if not self.min_items.errors and not self.max_items.errors and low is not None:
            if high is not None and low > high:
                self.max_items.errors = [
                    *self.max_items.errors,
                    _("The maximum must be at least the minimum (%(min)s).", min=low),
                ]
                ok = False
        return ok

    def settings(self) -> ActivitySettings:
        """The submitted settings (call after :meth:`validate`); all topics or levels ticked
        means "all", so topics added to the bank later are included."""
        ticked = set(self.topics.data or [])
        all_topics = [c.value for c in self.topics.choices]
        topics = tuple(t for t in all_topics if t in ticked)
        levels = tuple(sorted(set(self.levels.data or [])))
        return ActivitySettings(
            title=(self.title.data or "").strip() if "title" in self else "",
            topics=() if set(topics) == set(all_topics) else topics,
            levels=() if set(levels) == set(LEVELS) else levels,
            min_items=int(self.min_items.data or 1),
            max_items=int(self.max_items.data or 1),
            se_target=PRECISIONS.get(self.precision.data or "", PRECISIONS["standard"]),
            language=self.language.data or "launch",
            feedback=self.feedback.data or "each",
            attempts=int(self.attempts.data or 0),
            counts=self.counts.data or "best",
            pilot=bool(self.pilot.data),
        )

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary at the top of the page."""
        return [(f.id, str(e)) for f in self for e in f.errors]
