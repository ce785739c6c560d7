"""Automated item-writing checks (Haladyna, Downing & Rodriguez 2002) on the master files.

``python -m item_bank.lint [--today YYYY-MM-DD] [ROOT]`` prints one problem per line,
``file: item: rule: message``, and exits 1 when there is any. Tests and the ``boussole bank``
CLI call :func:`lint` / :func:`lint_bank` and get :class:`Problem` objects.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from item_bank.lint_cues import RULES as CUE_RULES
from item_bank.lint_cues import cue_problems
from item_bank.lint_enemies import RULES as ENEMY_RULES
from item_bank.lint_enemies import enemy_problems
from item_bank.lint_sources import RULES as SOURCE_RULES
from item_bank.lint_sources import source_problems
from item_bank.loader import read_bank
from item_bank.problems import Problem, item_file
from item_bank.problems import letter as _letter
from item_bank.problems import letters as _letters
from item_bank.problems import problem_of as _problem
from item_bank.schema import Bank, Item, ItemType, Status
from item_bank.similarity import near_duplicates
from item_bank.stats import Stats, stats

__all__ = [
    "RULES",
    "Problem",
    "Stats",
    "bare_verdict",
    "item_file",
    "item_problems",
    "lint",
    "lint_bank",
    "main",
    "stats",
]

RULES: dict[str, str] = {
    "schema": "the master file or item does not follow docs/item-format.md",
    "id-format": "ids look like Txx-NNN, with the topic of their file",
    "id-duplicate": "an id appears once per language",
    "options-count": "3 to 5 options (exactly 2 for truefalse)",
    "key-count": "exactly one key for single and truefalse, at least one for multiple",
    "all-none-of-the-above": "no 'all / none of the above' option, in either language",
    "feedback-missing": "every option has feedback",
    "feedback-verdict": (
        "option feedback opens with a verdict on the option (Exact/Inexact, Right/Not quite), "
        "never a bare Oui/Non/Yes/No"
    ),
    "source-missing": "at least one source, each with a title and a publisher",
    **SOURCE_RULES,
    "objective-missing": "every item states its objective",
    "pairing": "French and English hold the same ids, level, topic, type, options and keys",
    **ENEMY_RULES,
    "near-duplicate": "no two items of a language with near-identical stems",
    "recheck-passed": "recheck_by dates are not in the past",
    "recheck-missing": "items about law or policy (T10, or citing a regulation) have recheck_by",
    **CUE_RULES,
}

LEGAL_TOPICS = frozenset({"T10"})

_ID = re.compile(r"^T(\d{2})-(\d{3})$")
_LEGAL = re.compile(
    r"\b(r[èe]glement|regulation|ai act|rgpd|gdpr|code|loi|law|directive|d[ée]cret|decree)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[\w'-]+")
# Unambiguous wherever they appear in an option.
_ANYWHERE = re.compile(
    r"tout ce qui pr[ée]c[èe]de|rien de ce qui pr[ée]c[èe]de"
    r"|\b(toute?s?|aucune?)\b[^.;]{0,30}\b(ci-dessus|pr[ée]c[ée]dent(e|s|es)?)\b"
    r"|\b(all|none|both|neither)\s+(of\s+)?the\s+(above|previous|preceding)\b",
)
# Ambiguous phrases: flagged only when the option is the phrase itself ("Toutes ces réponses
# sont exactes."), not a sentence using it ("Il relit toutes les réponses du chatbot").
_WHOLE_OPTION = (
    "toutes les réponses", "toutes ces réponses", "aucune des réponses", "aucune de ces réponses",
    "aucune réponse", "toutes les propositions", "toutes ces propositions",
    "aucune des propositions", "aucune de ces propositions", "toutes les affirmations",
    "toutes ces affirmations", "aucune des affirmations", "aucune de ces affirmations",
    "toutes les options", "aucune des options", "toutes", "aucune",
    "all of these", "none of these", "all of them", "none of them", "all the answers",
    "all of the answers", "none of the answers", "all answers", "all of the options",
    "none of the options", "all", "none",
)  # fmt: skip
_FILLER = frozenset(
    "ci-dessus ci dessus précédentes précédents proposées proposés sont est n'est ne pas "
    "correctes correcte exactes exacte justes juste bonnes bonne vraies vraie fausses fausse "
    "valables valable ces les de des réponses propositions affirmations options "
    "above are is correct true right wrong false listed mentioned previous answers statements "
    "of the these apply applies valid".split()
)
# A bare yes/no opening a feedback ("Non : il peut…"): read after a yes/no option, it contradicts
# it. "Non seulement…", "No contract binds…" are sentences, not verdicts.
_BARE_VERDICT = re.compile(r"^\W{0,2}(oui|non|yes|no)\s*(?:$|[,.:;!?…—–]|-\s)", re.IGNORECASE)


# -- one item -------------------------------------------------------------------------------
def item_problems(item: Item, *, today: date | None = None) -> list[Problem]:
    """Rules that look at one item alone."""
    today = today or date.today()
    found: list[Problem] = []

    def add(rule: str, message: str) -> None:
        found.append(_problem(item, rule, message))

    match = _ID.match(item.id)
    if not match:
        add("id-format", f"id {item.id!r} should look like {item.topic}-001")
    elif f"T{match.group(1)}" != item.topic:
        add("id-format", f"id {item.id} belongs in {item.topic}, the topic of its file")

    n = len(item.options)
    if item.type is ItemType.TRUEFALSE and n != 2:
        add("options-count", f"a truefalse item has exactly 2 options, not {n}")
    elif item.type is not ItemType.TRUEFALSE and not 3 <= n <= 5:
        add("options-count", f"{n} options: write 3 to 5")

    keys = len(item.key_indices)
    if item.type is ItemType.MULTIPLE and keys < 1:
        add("key-count", "a multiple item needs at least one correct option")
    elif item.type is not ItemType.MULTIPLE and keys != 1:
        add("key-count", f"a {item.type.value} item has exactly one correct option, not {keys}")

    for index, option in enumerate(item.options):
        if is_all_or_none(option.text):
            add("all-none-of-the-above", f"option {_letter(index)}: {option.text!r}")
        if not option.feedback:
            add("feedback-missing", f"option {_letter(index)} has no feedback")
        elif verdict := bare_verdict(option.feedback):
            add(
                "feedback-verdict",
                f"option {_letter(index)}'s feedback opens with a bare {verdict!r}: open with "
                "the verdict on the option ("
                + ("Exact/Inexact" if item.language == "fr" else "Right/Not quite")
                + ")",
            )

    if not item.sources:
        add("source-missing", "cite at least one checkable source (title, publisher)")
    for index, source in enumerate(item.sources):
        missing = [name for name in ("title", "publisher") if not getattr(source, name)]
        if missing:
            add("source-missing", f"sources[{index}] has no {' and no '.join(missing)}")
    found.extend(source_problems(item))
    if not item.objective:
        add("objective-missing", "state the item's objective")

    if item.status is not Status.RETIRED:
        if item.recheck_by is not None and item.recheck_by < today:
            add(
                "recheck-passed",
                f"recheck_by {item.recheck_by.isoformat()} has passed: check the item against "
                "its sources, then move the date",
            )
        if item.recheck_by is None and is_legal(item):
            add("recheck-missing", "an item about law or policy needs a recheck_by date")
    return found


def is_all_or_none(text: str) -> bool:
    """Whether an option is an 'all of the above' / 'none of the above' option."""
    lowered = text.casefold().replace("’", "'")
    if _ANYWHERE.search(lowered):
        return True
    tokens = " ".join(_TOKEN.findall(lowered))
    for phrase in _WHOLE_OPTION:
        if tokens == phrase or tokens.startswith(phrase + " "):
            rest = tokens[len(phrase) :].split()
            if all(word in _FILLER for word in rest):
                return True
    return False


def bare_verdict(feedback: str) -> str | None:
    """The bare "Oui"/"Non"/"Yes"/"No" a feedback opens with, if it does."""
    match = _BARE_VERDICT.match(feedback)
    return match.group(1) if match else None


def is_legal(item: Item) -> bool:
    """Items about law or policy: topic T10, or a source citing a regulation or a law."""
    if item.topic in LEGAL_TOPICS:
        return True
    return any(
        _LEGAL.search(" ".join((source.title, source.publisher, source.section)))
        for source in item.sources
    )


# -- the whole bank -------------------------------------------------------------------------
def lint_bank(bank: Bank, *, today: date | None = None, pairing: bool = True) -> list[Problem]:
    """Every rule on a loaded bank, sorted by file and item."""
    found: list[Problem] = []
    for item in bank:
        found.extend(item_problems(item, today=today))
    found.extend(_duplicate_ids(bank))
    if pairing:
        found.extend(_pairing(bank))
    found.extend(enemy_problems(bank, pairing=pairing))
    for language in bank.languages:
        live = [item for item in bank.in_language(language) if item.status is not Status.RETIRED]
        for first, second, score in near_duplicates(live):
            found.append(
                _problem(
                    second,
                    "near-duplicate",
                    f"stem {score:.0%} similar to {first.id} ({item_file(first)})",
                )
            )
        found.extend(cue_problems(live, language))
    return sorted(found)


def lint(root: Path | None = None, *, today: date | None = None) -> list[Problem]:
    """Load the master files under ``root`` (default: the shipped bank) and lint them."""
    result = read_bank(root)
    found = [
        Problem(
            error.file or "-", error.item or "-", "schema", f"{error.field or '-'}: {error.message}"
        )
        for error in result.errors
    ]
    return sorted(found + lint_bank(result.bank, today=today))


def _duplicate_ids(bank: Bank) -> Iterable[Problem]:
    counts = Counter((item.id, item.language) for item in bank)
    seen: set[tuple[str, str]] = set()
    for item in bank:
        key = (item.id, item.language)
        if counts[key] > 1:
            if key in seen:
                yield _problem(item, "id-duplicate", f"id {item.id} is used {counts[key]} times")
            seen.add(key)


def _pairing(bank: Bank) -> Iterable[Problem]:
    names = {"fr": "French", "en": "English"}
    for item in bank:
        other = "en" if item.language == "fr" else "fr"
        if bank.get(item.id, other) is None:
            yield _problem(item, "pairing", f"no {names[other]} version of {item.id}")
    for french, english in bank.pairs():
        differences = []
        for name in ("level", "topic", "type"):
            a, b = getattr(french, name), getattr(english, name)
            if a != b:
                differences.append(f"{name} {_show(a)} (fr) ≠ {_show(b)} (en)")
        if len(french.options) != len(english.options):
            differences.append(f"{len(french.options)} options (fr) ≠ {len(english.options)} (en)")
        elif french.key_indices != english.key_indices:
            differences.append(
                f"keys {_letters(french.key_indices)} (fr) ≠ {_letters(english.key_indices)} (en)"
            )
        if differences:
            yield _problem(english, "pairing", "; ".join(differences))


def _show(value: object) -> str:
    return str(getattr(value, "value", value))


# -- command line ---------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m item_bank.lint", description=__doc__)
    parser.add_argument("root", nargs="?", type=Path, help="content folder (default: shipped)")
    parser.add_argument("--today", type=date.fromisoformat, help="reference date, YYYY-MM-DD")
    args = parser.parse_args(argv)
    problems = lint(args.root, today=args.today)
    for problem in problems:
        print(problem)
    rules = Counter(problem.rule for problem in problems)
    summary = ", ".join(f"{rule} {count}" for rule, count in sorted(rules.items()))
    print(f"{len(problems)} problem(s){': ' + summary if summary else ''}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
