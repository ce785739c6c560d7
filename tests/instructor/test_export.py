"""CSV export: one row per attempt, for Excel, without formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from lti_tool import db as database
from lti_tool.instructor import exports
from models import Attempt
from tests.instructor.helpers import dashboard, token_of


def download(platform, link, locale="fr"):
    browser, page = dashboard(platform, link=link, locale=locale)
    resp = browser.http.get(
        platform.tool_url + "/instructor/export.csv?lt=" + token_of(page), timeout=30
    )
    assert resp.status_code == 200
    return resp


def parse(resp):
    assert resp.content.startswith("\ufeff".encode())  # a byte order mark, for Excel
    return list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig")), delimiter=";"))


def test_the_export_has_one_row_per_attempt_with_names_from_nrps(platform, group):
    resp = download(platform, group)
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in resp.headers["Content-Disposition"]
    head, *rows = parse(resp)
    assert head[0] == "Identifiant pseudonyme" and head[2] == "Tentative" and len(head) == 11
    by_id = {r[0]: r for r in rows}
    assert set(by_id) == {"3", "5"} and by_id["3"][1] == "Sam Student"
    with platform.app.app_context():
        attempt = database.session().scalars(select(Attempt).where(Attempt.subject == "5")).one()
        row = by_id["5"]
        assert row[2] == "1" and row[3] == "terminée" and row[4] == "oui"
        assert row[5] == f"{attempt.score:.1f}".replace(".", ",")  # decimal comma in French
        assert row[6] == str(attempt.level) and row[7] in ("2", "3")
        assert row[9] == attempt.created_at.strftime("%Y-%m-%d %H:%M:%S")


def test_the_english_export_uses_decimal_points(platform, group):
    head, *rows = parse(download(platform, group, locale="en"))
    assert head[0] == "Pseudonymous id" and rows[0][3] == "completed"
    assert "," not in rows[0][5] and "." in rows[0][5]


def test_a_name_that_looks_like_a_formula_is_neutralised(platform, group):
    platform.state.users["3"].name = '=HYPERLINK("https://evil.example","x")'
    _head, *rows = parse(download(platform, group))
    name = {r[0]: r[1] for r in rows}["3"]
    assert name == "'" + platform.state.users["3"].name


@pytest.mark.parametrize("cell", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_dangerous_cells_get_a_leading_quote(cell):
    assert exports.neutralise(cell) == "'" + cell
    assert (
        exports.to_csv(["h"], [[cell]]).decode("utf-8-sig").splitlines()[1].startswith(("'", "\"'"))
    )


@pytest.mark.parametrize("cell", ["Sam", "12,5", "", None, "a=b"])
def test_harmless_cells_are_kept(cell):
    assert exports.neutralise(cell) == ("" if cell is None else cell)
