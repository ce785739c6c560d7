"""What the CAIRE levels mean, in plain language, in both languages."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

LEVEL_NAMES = {
    1: _l("Level 1 — aware professional (professionnel sensibilisé)"),
    2: _l("Level 2 — informed professional (professionnel éclairé)"),
    3: _l("Level 3 — responsible professional (professionnel responsable)"),
}
LEVEL_SHORT = {1: _l("aware"), 2: _l("informed"), 3: _l("responsible")}
LEVEL_MEANING = {
    1: _l(
        "You know what generative AI is and the main precautions: what not to put in a prompt, "
        "why an answer must be checked. Next step: practise checking and judging what AI produces."
    ),
    2: _l(
        "You interact with AI tools with method: you write precise instructions, check sources and "
        "judge outputs before using them. Next step: decide and frame uses for others, within the "
        "rules (GDPR, AI Act, your institution's charter)."
    ),
    3: _l(
        "You master the use of AI: you design uses, weigh their risks and frame them for others, "
        "applying the rules to real cases. Keep up to date: the rules and the tools change fast."
    ),
}


def level_comment(level: int, score: float, language: str) -> str:
    """The gradebook comment (Moodle shows it to the learner as feedback)."""
    with force_locale(language):
        return _(
            "%(level)s — score %(score)s/100", level=str(LEVEL_NAMES[level]), score=f"{score:.0f}"
        )
