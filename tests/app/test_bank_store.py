"""The bank in the database: versions, responses pointing at them, retired items still readable."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from item_bank.loader import CONTENT_ROOT, load_bank
from item_bank.schema import Status
from lti_tool import db as database
from lti_tool.bank_store import import_items
from lti_tool.quiz.pool import pool_for
from models import ItemRecord, ItemVersion
from tests.bank_fixture import build_items


def test_the_shipped_bank_loads_into_the_database(tool, runner):
    shipped = load_bank()
    per_language = {lang: len(shipped.in_language(lang)) for lang in ("fr", "en")}
    assert per_language["fr"] == per_language["en"] >= 360
    result = runner.invoke(args=["bank", "import"])
    assert result.exit_code == 0, result.output
    assert f"{len(shipped)} new item versions" in result.output
    again = runner.invoke(args=["bank", "import"])
    assert f"{len(shipped)} unchanged" in again.output
    operational = {
        lang: len(shipped.filter(language=lang, operational=True)) for lang in per_language
    }
    with tool.app_context():
        db = database.session()
        assert db.scalar(select(func.count()).select_from(ItemRecord)) == per_language["fr"]
        assert len(pool_for(db, "fr").pool) == operational["fr"]
        assert len(pool_for(db, "en").pool) == operational["en"]


def test_editing_an_item_makes_a_new_version_and_keeps_the_old_one(tool):
    items = build_items(per_topic=2)
    with tool.app_context():
        db = database.session()
        import_items(db, items, keep_status=True)
        db.commit()
        old_id = db.scalars(
            select(ItemVersion.id).where(
                ItemVersion.item_id == "T01-001", ItemVersion.language == "fr"
            )
        ).one()
        edited = [
            dataclasses.replace(i, stem=i.stem + " (reformulée)")
            if (i.id, i.language) == ("T01-001", "fr")
            else i
            for i in items
        ]
        report = import_items(db, edited, keep_status=True)
        db.commit()
        assert report.new_versions == ["T01-001/fr"] and report.unchanged == len(items) - 1
        versions = db.scalars(
            select(ItemVersion)
            .where(ItemVersion.item_id == "T01-001", ItemVersion.language == "fr")
            .order_by(ItemVersion.version)
        ).all()
        assert [(v.version, v.current) for v in versions] == [(1, False), (2, True)]
        assert (
            db.get(ItemVersion, old_id)
            .content["stem"]
            .endswith("[fr] : **pas** <script>alert(1)</script>")
        )


def test_a_retired_item_is_never_served_but_stays_readable(tool):
    items = build_items(per_topic=2)
    retired = [
        dataclasses.replace(i, status=Status.RETIRED) if i.id == "T02-001" else i for i in items
    ]
    with tool.app_context():
        db = database.session()
        import_items(db, items, keep_status=True)
        db.commit()
        version_id = pool_for(db, "fr").version_ids["T02-001"]
        import_items(db, retired, keep_status=True)
        db.commit()
        assert "T02-001" not in pool_for(db, "fr").pool.index
        assert db.get(ItemVersion, version_id).content["id"] == "T02-001"


def test_a_file_with_an_error_imports_nothing(tool, runner, tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text("::T01-001:: Question {=a ~b\n", encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(bad)])
    assert result.exit_code != 0 and "line" in result.output.lower()
    with tool.app_context():
        assert database.session().scalar(select(func.count()).select_from(ItemRecord)) == 0


def test_the_shipped_master_copy_is_the_default(tool):
    shipped = load_bank(CONTENT_ROOT)
    assert len(shipped) >= 720
    assert [(i.id, i.language) for i in load_bank()] == [(i.id, i.language) for i in shipped]
