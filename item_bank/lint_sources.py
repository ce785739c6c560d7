"""Lint rules on an item's sources: each can be checked, and legal texts are one click away.

- ``source-locator``: every source gives its ``section`` (article, section or page), so that a
  reader finds the passage, not only the document;
- ``source-url``: a source that cites EU or French law (the AI Act, the GDPR, a directive, a
  CJEU judgment, a code, a *loi* or *décret*, EUR-Lex, Légifrance, an Official Journal) has a
  ``url``: these texts all have a stable official address.

The URL itself (https only, a web host) is checked when the file is read (``schema``).
"""

from __future__ import annotations

import re

from item_bank.problems import Problem, problem_of
from item_bank.schema import Item, Source

__all__ = ["RULES", "cites_law", "source_problems"]

RULES: dict[str, str] = {
    "source-locator": "every source gives its article, section or page (section)",
    "source-url": "a source citing EU or French law (AI Act, GDPR, Légifrance...) has a url",
}

_LAW = re.compile(
    r"r[èe]glement \((ue|ce)\)|regulation \((eu|ec)\)|directive \((ue|eu|ce|ec)\)|\bai act\b"
    r"|\brgpd\b|\bgdpr\b|eur-lex|l[ée]gifrance|journal officiel|official journal"
    r"|\bcode (de la|de l'|de l’|du|des|civil|p[ée]nal)\b|\bloi n\s?[°o]|\bd[ée]cret n\s?[°o]"
    r"|cour de justice de l'union|court of justice of the european",
    re.IGNORECASE,
)


def cites_law(source: Source) -> bool:
    """Whether ``source`` is a text of EU or French law (or its official publication)."""
    return bool(_LAW.search(f"{source.title} {source.publisher}"))


def source_problems(item: Item) -> list[Problem]:
    found = []
    for index, source in enumerate(item.sources):
        name = f"sources[{index}] ({_short(source.title)})"
        if not source.section:
            found.append(
                problem_of(
                    item,
                    "source-locator",
                    f"{name} has no section: give the article, section or page",
                )
            )
        if not source.url and cites_law(source):
            found.append(
                problem_of(
                    item,
                    "source-url",
                    f"{name} cites the law but has no url: give its EUR-Lex or Légifrance "
                    "address (https)",
                )
            )
    return found


def _short(title: str, width: int = 40) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"
