"""CSV export of an activity's results: one row per attempt.

Choices, for the spreadsheet most instructors open it with (Excel, often in French):

- UTF-8 with a byte order mark, so Excel reads accents right;
- ``;`` as the separator (French Excel expects it, since ``,`` is its decimal mark), with decimal
  commas in a French export and decimal points in an English one;
- dates in UTC as ``YYYY-MM-DD HH:MM:SS``, durations in whole seconds;
- CSV (formula) injection neutralised: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return gets a leading ``'`` so that no spreadsheet evaluates it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask_babel import gettext as _

from lti_tool.instructor.dashboard import LearnerRow
from lti_tool.instructor.nrps import Roster

BOM = "\ufeff"
SEPARATOR = ";"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_DANGEROUS) else text


def _number(value: float | None, language: str) -> str:
    if value is None:
        return ""
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "fr" else text


def _date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def header() -> list[str]:
    return [
        _("Pseudonymous id"),
        _("Name"),
        _("Attempt"),
        _("Status"),
        _("Counts in the gradebook"),
        _("Score (/100)"),
        _("Level"),
        _("Questions"),
        _("Duration (s)"),
        _("Started (UTC)"),
        _("Finished (UTC)"),
    ]


def rows(learners: Iterable[LearnerRow], roster: Roster, language: str) -> list[list[str]]:
    out = []
    for learner in learners:
        name = roster.name(learner.subject) or ""
        for row in learner.attempts:
            a = row.attempt
            duration = row.duration
            out.append(
                [
                    learner.subject,
                    name,
                    str(a.number),
                    _("completed") if a.status == "completed" else _("in progress"),
                    _("yes") if row.counts else _("no"),
                    _number(a.score, language),
                    str(a.level) if a.level is not None else "",
                    str(row.items),
                    str(int(duration.total_seconds())) if duration is not None else "",
                    _date(a.created_at),
                    _date(a.finished_at),
                ]
            )
    return out


def to_csv(head: Sequence[str], body: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in head])
    for line in body:
        writer.writerow([neutralise(c) for c in line])
    return (BOM + buffer.getvalue()).encode("utf-8")
