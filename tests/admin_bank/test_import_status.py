"""An imported item reaches learners only after a review, unless the admin keeps the file's
status (checkbox on the page, ``--keep-status`` on the command line)."""

from __future__ import annotations

import io
import json

import pytest

from lti_tool.quiz import pool as pool_cache
from lti_tool.quiz.pool import pool_for
from models import ItemRecord
from tests.admin_bank.conftest import csrf, session_of


def _upload(client, body: bytes, name: str, keep: bool = False):
    page = client.get("/admin/bank/import?lang=en")
    assert (
        'name="keep_status"' in page.text
        and "checked" not in page.text.split("keep_status")[1][:80]
    )
    data = {"csrf_token": csrf(page.text), "file": (io.BytesIO(body), name)}
    if keep:
        data["keep_status"] = "y"
    return client.post("/admin/bank/import?lang=en", data=data, content_type="multipart/form-data")


def _document(client, **changes):
    document = json.loads(client.get("/admin/bank/export?format=json&topic=T01").data)
    new = dict(document["items"][1], id="T01-900", status="piloted")
    edited = dict(document["items"][0], stem="Une formulation revue", status="reviewed")
    document["items"] = [edited, new]
    return json.dumps(document).encode(), edited["id"]


def _status(tool, item_id):
    with session_of(tool) as db:
        return db.get(ItemRecord, item_id).status


def test_an_upload_makes_new_and_edited_items_drafts(admin_client, tool, bank):
    body, edited = _document(admin_client)
    before = _status(tool, "T01-003")
    resp = _upload(admin_client, body, "items.json")
    assert resp.status_code == 200 and "Set to draft, to review" in resp.text
    assert _status(tool, "T01-900") == "draft" and _status(tool, edited) == "draft"
    assert _status(tool, "T01-003") == before  # not in the file: untouched
    pool_cache.clear()
    with session_of(tool) as db:
        served = pool_for(db, "fr").pool.index
    assert "T01-900" not in served and edited not in served


def test_an_admin_may_keep_the_files_statuses(admin_client, tool, bank):
    body, edited = _document(admin_client)
    assert _upload(admin_client, body, "items.json", keep=True).status_code == 200
    assert _status(tool, "T01-900") == "piloted" and _status(tool, edited) == "reviewed"


def test_an_unchanged_item_keeps_its_status(admin_client, tool, bank):
    exported = admin_client.get("/admin/bank/export?format=json&topic=T02").data
    statuses = {i["id"]: i["status"] for i in json.loads(exported)["items"]}
    assert _upload(admin_client, exported, "same.json").status_code == 200
    assert {i: _status(tool, i) for i in statuses} == statuses


@pytest.mark.parametrize(("flag", "expected"), [([], "draft"), (["--keep-status"], "piloted")])
def test_the_command_line_drafts_unless_keep_status(
    admin_client, tool, bank, runner, tmp_path, flag, expected
):
    body, _edited = _document(admin_client)
    path = tmp_path / "items.json"
    path.write_bytes(body)
    result = runner.invoke(args=["bank", "import", str(path), *flag])
    assert result.exit_code == 0, result.output
    assert _status(tool, "T01-900") == expected
    assert ("set to draft" in result.output) == (not flag)
