"""The shipped master copy: lint-clean and large enough (fails until the content is complete)."""

from __future__ import annotations

from item_bank.lint import lint
from item_bank.loader import load_topics, read_bank
from item_bank.stats import TARGET_PER_LANGUAGE, stats


def test_the_shipped_bank_is_lint_clean():
    problems = lint()
    shown = "\n".join(str(p) for p in problems[:60])
    assert not problems, f"{len(problems)} problem(s):\n{shown}"


def test_the_shipped_bank_meets_the_counts():
    counts = stats(read_bank().bank, topics=list(load_topics()))
    assert TARGET_PER_LANGUAGE == 360
    shortfalls = counts.shortfalls()
    assert not shortfalls, "\n".join(shortfalls)
