"""The item bank pages: browse and search, an item with its versions and previews, the review
workflow, export and import in every exchange format."""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from item_bank import formats
from lti_tool.quiz import pool as pool_cache
from models import ItemRecord, ItemReview, ItemVersion
from tests.admin_bank.conftest import csrf, session_of


def french_version(db, item_id: str) -> ItemVersion:
    query = select(ItemVersion).where(ItemVersion.item_id == item_id, ItemVersion.language == "fr")
    return db.scalars(query).one()


def item_ids(html: str) -> list[str]:
    return re.findall(r'href="/admin/bank/items/(T\d\d-\d{3})"', html)


# -- browse ---------------------------------------------------------------------------------
def test_the_list_is_paginated(admin_client, bank):
    first = admin_client.get("/admin/bank/?lang=en")
    assert first.status_code == 200
    assert "36 items found." in first.text
    assert len(item_ids(first.text)) == 25
    second = admin_client.get("/admin/bank/?page=2&lang=en")
    assert len(item_ids(second.text)) == 11
    assert set(item_ids(first.text)).isdisjoint(item_ids(second.text))


FILTERS = [
    ("topic=T02", 12),
    ("level=1", 12),
    ("topic=T01&level=3", 4),
    ("language=en", 36),
    ("status=retired", 0),
    ("q=T03-01", 3),  # by id: T03-010, 011, 012
    ("q=zanzibar", 1),  # by the stem, whatever the case
    ("q=%25", 0),  # a literal %, not a wildcard
    ("q=zanzibar&language=en", 0),  # the edited stem is the French one
]


def test_filters(admin_client, tool, bank):
    with session_of(tool) as db:
        version = french_version(db, "T02-004")
        version.content = {**version.content, "stem": "Une question sur ZANZIBAR et l'IA"}
    for query, expected in FILTERS:
        page = admin_client.get(f"/admin/bank/?{query}&lang=en")
        assert page.status_code == 200, query
        assert int(re.search(r"(\d+) items? found", page.text).group(1)) == expected, query
        assert len(item_ids(page.text)) == min(expected, 25), query
    assert item_ids(admin_client.get("/admin/bank/?q=zanzibar").text) == ["T02-004"]


def test_the_item_page_shows_versions_parameters_history_and_previews(admin_client, tool, bank):
    with session_of(tool) as db:
        record = db.get(ItemRecord, "T01-005")
        record.irt_model, record.irt_a, record.irt_b, record.irt_se_b, record.irt_n = (
            "2PL",
            1.3,
            0.42,
            0.11,
            250,
        )
    page = admin_client.get("/admin/bank/items/T01-005?lang=en")
    assert page.status_code == 200
    text = page.text
    assert "0.42" in text and "1.30" in text and "250" in text
    # Both languages are previewed, each marked with its language.
    assert '<div lang="fr">' in text and '<div lang="en">' in text
    assert text.count('class="item-form item-preview"') == 2
    # The learner's markup (a multiple-answer item: checkboxes), with no way to submit.
    assert 'type="checkbox"' in text and "Select all the correct answers." in text
    assert "Submit my answer" not in text and "/answer" not in text
    # Item text is escaped; only **bold** becomes markup.
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "<strong>pas</strong>" in text
    # The feedback view: per-option feedback, general feedback, sources.
    assert "FEEDBACK-T01-005-0-fr" in text and "GENERAL-T01-005-en" in text
    assert "correct answer" in text and "Publisher" in text


def test_an_older_version_can_be_previewed(admin_client, tool, bank):
    with session_of(tool) as db:
        old = db.scalars(
            select(ItemVersion).where(
                ItemVersion.item_id == "T01-002", ItemVersion.language == "fr"
            )
        ).one()
        old.current = False
        db.add(
            ItemVersion(
                item_id="T01-002",
                language="fr",
                version=2,
                current=True,
                content_hash="x",
                content={**old.content, "stem": "Nouvelle formulation"},
            )
        )
        db.flush()
        old_id = old.id
    page = admin_client.get("/admin/bank/items/T01-002?lang=en")
    assert "Nouvelle formulation" in page.text and "older version" in page.text
    page = admin_client.get(f"/admin/bank/items/T01-002?version={old_id}&lang=en")
    assert "Question T01-002 [fr]" in page.text


def test_an_unknown_item_is_a_404_page(admin_client, bank):
    assert admin_client.get("/admin/bank/items/NOPE").status_code == 404


# -- review workflow --------------------------------------------------------------------------
def review(admin_client, item_id, to_status, note="", from_status=None):
    page = admin_client.get(f"/admin/bank/items/{item_id}")
    data = {"csrf_token": csrf(page.text), "to_status": to_status, "note": note}
    data["from_status"] = from_status or re.search(
        r'name="from_status" type="hidden" value="(\w+)"', page.text
    ).group(1)
    return admin_client.post(f"/admin/bank/items/{item_id}/review?lang=en", data=data)


def test_moving_an_item_records_reviewer_and_date(admin_client, tool, bank):
    resp = review(admin_client, "T01-001", "piloted", note="relu par deux formateurs")
    assert resp.status_code == 303
    page = admin_client.get(resp.headers["Location"] + "?lang=en")
    assert "relu par deux formateurs" in page.text and "ada" in page.text
    with session_of(tool) as db:
        record = db.get(ItemRecord, "T01-001")
        assert record.status == "piloted" and record.reviewed_by == "ada" and record.reviewed_at
        step = db.scalars(select(ItemReview)).one()
        assert (step.from_status, step.to_status, step.reviewer) == ("reviewed", "piloted", "ada")


@pytest.mark.parametrize(
    ("to_status", "from_status", "message"),
    [
        ("calibrated", None, "cannot go from this status"),  # reviewed -> calibrated: skipped steps
        ("nonsense", None, "cannot go from this status"),
        ("piloted", "draft", "changed meanwhile"),  # someone moved it since the page was shown
    ],
)
def test_refused_moves_change_nothing(admin_client, tool, bank, to_status, from_status, message):
    resp = review(admin_client, "T01-001", to_status, from_status=from_status)
    assert resp.status_code == 409
    assert message in admin_client.get("/admin/bank/items/T01-001?lang=en").text or message in (
        resp.text
    )
    with session_of(tool) as db:
        assert db.get(ItemRecord, "T01-001").status == "reviewed"
        assert db.scalar(select(func.count(ItemReview.id))) == 0


def test_a_piloted_item_needs_parameters_to_be_calibrated(admin_client, tool, bank):
    assert review(admin_client, "T01-001", "piloted").status_code == 303
    resp = review(admin_client, "T01-001", "calibrated")
    assert resp.status_code == 409 and "IRT parameters" in resp.text


def test_a_retired_item_is_never_served_but_stays_readable(admin_client, tool, bank):
    assert review(admin_client, "T01-003", "retired").status_code == 303
    pool_cache.clear()
    with session_of(tool) as db:
        assert "T01-003" not in pool_cache.pool_for(db, "fr").pool.ids
        assert "T01-004" in pool_cache.pool_for(db, "fr").pool.ids
    page = admin_client.get("/admin/bank/items/T01-003?lang=en")
    assert page.status_code == 200 and "never served again" in page.text
    assert "T01-003" in admin_client.get("/admin/bank/?status=retired").text


def test_a_review_without_csrf_token_is_refused(admin_client, tool, bank):
    resp = admin_client.post("/admin/bank/items/T01-001/review", data={"to_status": "piloted"})
    assert resp.status_code == 400
    with session_of(tool) as db:
        assert db.get(ItemRecord, "T01-001").status == "reviewed"


# -- export ------------------------------------------------------------------------------------
def read_back(body: bytes, fmt: str) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("export" + formats.FORMATS[fmt].extension)
        path.write_bytes(body)
        return formats.read(path)


@pytest.mark.parametrize("fmt", list(formats.FORMATS))
def test_export_in_every_format_reads_back(admin_client, bank, fmt):
    resp = admin_client.get(f"/admin/bank/export?format={fmt}&language=en&topic=T01")
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "boussole-items-en-T01" in disposition
    items = read_back(resp.data, fmt)
    assert sorted(i.id for i in items) == [f"T01-{n:03d}" for n in range(1, 13)]
    assert {i.language for i in items} == {"en"}


def test_export_follows_the_stored_status_and_leaves_retired_items_out(admin_client, tool, bank):
    with session_of(tool) as db:
        db.get(ItemRecord, "T02-001").status = "retired"
        db.get(ItemRecord, "T02-002").status = "piloted"
    items = read_back(admin_client.get("/admin/bank/export?format=json&topic=T02").data, "json")
    assert len(items) == 22 and "T02-001" not in {i.id for i in items}
    assert {i.status.value for i in items if i.id == "T02-002"} == {"piloted"}
    retired = read_back(
        admin_client.get("/admin/bank/export?format=json&status=retired").data, "json"
    )
    assert {i.id for i in retired} == {"T02-001"}


def test_an_export_that_matches_nothing_says_so(admin_client, bank):
    resp = admin_client.get("/admin/bank/export?format=gift&status=retired&lang=en")
    assert resp.status_code == 404 and "nothing to export" in resp.text


def test_an_item_a_format_cannot_hold_is_named(admin_client, tool, bank):
    with session_of(tool) as db:
        version = french_version(db, "T01-001")
        options = [dict(o, correct=False) for o in version.content["options"]]
        version.content = {**version.content, "options": options}
    resp = admin_client.get("/admin/bank/export?format=gift&topic=T01&language=fr&lang=en")
    assert resp.status_code == 422
    assert "cannot be written in this format" in resp.text and "T01-001" in resp.text


def test_the_export_form(admin_client, bank):
    page = admin_client.get("/admin/bank/export?lang=en")
    form = re.search(r'<form method="get" action="/admin/bank/export".*?</form>', page.text, re.S)
    assert page.status_code == 200 and 'name="format"' in form.group(0)
    assert "csrf_token" not in form.group(0)  # a download: nothing changes, nothing to forge


# -- import -------------------------------------------------------------------------------------
def upload(admin_client, body: bytes, name: str, lang: str = "en"):
    page = admin_client.get("/admin/bank/import")
    return admin_client.post(
        f"/admin/bank/import?lang={lang}",
        data={"csrf_token": csrf(page.text), "file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def versions_count(tool) -> int:
    with session_of(tool) as db:
        return db.scalar(select(func.count(ItemVersion.id)))


@pytest.mark.parametrize("fmt", list(formats.FORMATS))
def test_import_in_every_format_reports_what_changed(admin_client, tool, bank, fmt):
    exported = admin_client.get(f"/admin/bank/export?format={fmt}&topic=T03&language=fr").data
    resp = upload(admin_client, exported, "bank" + formats.FORMATS[fmt].extension)
    assert resp.status_code == 200, resp.text[-2000:]
    assert "12 items unchanged." in resp.text
    assert versions_count(tool) == 72


def test_import_creates_items_and_new_versions(admin_client, tool, bank):
    document = json.loads(admin_client.get("/admin/bank/export?format=json&topic=T01").data)
    edited = document["items"][0]
    edited["stem"] = "Une formulation revue"
    created = dict(document["items"][1], id="T01-900")
    document["items"] = [edited, created]
    resp = upload(admin_client, json.dumps(document).encode(), "edit.json")
    assert resp.status_code == 200
    assert "1 new item version created." in resp.text
    assert "1 item edited" in resp.text
    with session_of(tool) as db:
        versions = db.scalars(
            select(ItemVersion).where(
                ItemVersion.item_id == edited["id"], ItemVersion.language == edited["language"]
            )
        ).all()
        assert sorted((v.version, v.current) for v in versions) == [(1, False), (2, True)]
        assert db.get(ItemRecord, "T01-900") is not None


@pytest.mark.parametrize(
    ("body", "name", "where"),
    [
        (b'{"format": "boussole-items", "items": [\n  {"id": 1,\n', "broken.json", "line 3"),
        (b"::T01-001:: Une question {=bon ~mauvais\n", "broken.txt", "line 1"),
        (
            b'<quiz><question type="essay"><name><text>x</text></name></question></quiz>',
            "q.xml",
            "question",
        ),
    ],
)
def test_a_file_with_an_error_imports_nothing_and_says_where(
    admin_client, tool, bank, body, name, where
):
    resp = upload(admin_client, body, name)
    assert resp.status_code == 422
    assert "Nothing was imported" in resp.text and where in resp.text
    assert name in resp.text and "boussole-import-" not in resp.text  # the upload's name, not ours
    assert versions_count(tool) == 72


def test_one_bad_item_stops_the_whole_import(admin_client, tool, bank):
    document = json.loads(admin_client.get("/admin/bank/export?format=json&topic=T01").data)
    good = dict(document["items"][0], id="T01-901")
    bad = dict(document["items"][1], id="T01-902", level=7)
    document["items"] = [good, bad]
    resp = upload(admin_client, json.dumps(document, indent=2).encode(), "two.json")
    assert resp.status_code == 422 and "level" in resp.text
    with session_of(tool) as db:
        assert db.get(ItemRecord, "T01-901") is None


def test_uploads_over_the_size_limit_are_refused(admin_client, tool, bank, monkeypatch):
    monkeypatch.setitem(tool.config, "BANK_IMPORT_MAX_BYTES", 1024)
    resp = upload(admin_client, b"// " + b"x" * 200_000, "big.txt")
    assert resp.status_code == 413 and "too large" in resp.text
    assert versions_count(tool) == 72


def test_a_large_anonymous_upload_gets_no_admin_page(client, tool, monkeypatch):
    monkeypatch.setitem(tool.config, "BANK_IMPORT_MAX_BYTES", 1024)
    resp = client.post(
        "/admin/bank/import",
        data={"file": (io.BytesIO(b"x" * 200_000), "big.txt")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 413 and 'name="file"' not in resp.text


def test_import_needs_a_file_and_a_csrf_token(admin_client, tool, bank):
    page = admin_client.get("/admin/bank/import?lang=en")
    assert 'enctype="multipart/form-data"' in page.text and "At most 5 MB" in page.text
    resp = admin_client.post("/admin/bank/import?lang=en", data={"csrf_token": csrf(page.text)})
    assert resp.status_code == 400 and "Choose a file." in resp.text
    resp = admin_client.post(
        "/admin/bank/import",
        data={"file": (io.BytesIO(b"x"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
