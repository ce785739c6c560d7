"""Admin pages for the item bank: browse, review, preview, import/export, calibration."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from item_bank import formats
from item_bank.errors import FormatError, ItemBankError, SchemaError
from item_bank.loader import load_topics
from lti_tool import bank_store
from lti_tool import db as database
from lti_tool.admin import bank_admin, labels
from lti_tool.admin.auth import admin_required, current_admin
from lti_tool.admin.bank_forms import ExportForm, ImportForm, ItemFilterForm, ReviewForm, choices
from lti_tool.errors import BadRequest, NotFound, render_error
from lti_tool.i18n import normalise_locale
from models import ItemRecord, ParameterHistory

bp = Blueprint("admin_bank", __name__, url_prefix="/admin/bank")

#: Uploads larger than this are refused before they are parsed (``BANK_IMPORT_MAX_BYTES``).
DEFAULT_IMPORT_MAX_BYTES = 5 * 1024 * 1024
_UPLOAD_SUFFIXES = {".txt", ".gift", ".xml", ".zip", ".json", ".yaml", ".yml"}
_MIMETYPES = {
    "gift": "text/plain; charset=utf-8",
    "moodle-xml": "application/xml; charset=utf-8",
    "qti": "application/zip",
    "json": "application/json; charset=utf-8",
}


@bp.before_request
def _remember_language() -> None:
    # The admin's choice of language (``?lang=``) holds for the next pages (a first-party cookie).
    lang = normalise_locale(request.args.get("lang"))
    if lang:
        session["lang"] = lang


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"labels": labels, "label": labels.label, "topic_name": _topic_name}


def _topic_name(topic: str) -> str:
    try:
        names = load_topics()
    except (ItemBankError, OSError):
        return topic
    found = names.get(topic)
    return f"{topic} — {found.name(_ui_language())}" if found else topic


def _ui_language() -> str:
    return str(get_locale() or "fr")


def _admin_name() -> str:
    admin = current_admin()
    assert admin is not None  # behind @admin_required
    return admin.username


def _any(label: str) -> tuple[str, str]:
    return ("", label)


def _status_choices(all_label: str) -> list[SelectChoice]:
    return choices(
        [_any(all_label)] + [(s, str(labels.ITEM_STATUS[s])) for s in bank_admin.STATUSES]
    )


def _language_choices() -> list[SelectChoice]:
    return choices([_any(_("All languages"))] + list(labels.LANGUAGES.items()))


def _topic_choices(db: Any) -> list[SelectChoice]:
    return choices([_any(_("All topics"))] + [(t, _topic_name(t)) for t in bank_admin.topics(db)])


# -- browse -------------------------------------------------------------------------------------
@bp.get("/")
@admin_required
def items() -> str:
    db = database.session()
    form = ItemFilterForm(formdata=request.args)
    form.topic.choices = _topic_choices(db)
    form.level.choices = choices([_any(_("All levels"))] + [(str(n), str(n)) for n in (1, 2, 3)])
    form.language.choices = _language_choices()
    form.status.choices = _status_choices(_("All statuses"))
    form.validate()
    level = form.level.data if form.level.data in ("1", "2", "3") else None
    filters = bank_admin.ItemFilters(
        q=(form.q.data or "").strip() if not form.q.errors else "",
        topic=form.topic.data or "",
        level=int(level) if level else None,
        language=form.language.data if form.language.data in labels.LANGUAGES else "",
        status=form.status.data if form.status.data in bank_admin.STATUSES else "",
    )
    page = bank_admin.search(db, filters, request.args.get("page", 1, type=int), _ui_language())
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    return render_template("admin/bank/items.html", form=form, page=page, args=args)


def _record(item_id: str) -> ItemRecord:
    record = database.session().get(ItemRecord, item_id)
    if record is None:
        raise NotFound()
    return record


def _review_form(record: ItemRecord, formdata: Any = None) -> ReviewForm:
    form = ReviewForm(formdata=formdata) if formdata is not None else ReviewForm()
    form.to_status.choices = choices(
        (s, str(labels.ITEM_STATUS[s])) for s in bank_admin.TRANSITIONS.get(record.status, ())
    )
    if formdata is None:
        form.from_status.data = record.status
    return form


def _item_page(record: ItemRecord, form: ReviewForm, status: int = 200) -> tuple[str, int]:
    db = database.session()
    versions = bank_admin.versions_of(db, record.id)
    wanted = request.args.get("version", type=int)
    previews = [v for v in versions if v.current]
    chosen = next((v for v in versions if v.id == wanted), None)
    if chosen is not None:
        previews = [chosen] + [v for v in previews if v.language != chosen.language]
    ui = _ui_language()
    previews.sort(key=lambda v: (v.language != ui, v.language))
    history = db.scalars(
        select(ParameterHistory)
        .where(ParameterHistory.item_id == record.id)
        .order_by(ParameterHistory.id.desc())
    ).all()
    return (
        render_template(
            "admin/bank/item.html",
            record=record,
            versions=versions,
            previews=previews,
            reviews=bank_admin.reviews_of(db, record.id),
            history=history,
            form=form,
        ),
        status,
    )


@bp.get("/items/<item_id>")
@admin_required
def item(item_id: str) -> tuple[str, int]:
    record = _record(item_id)
    return _item_page(record, _review_form(record))


@bp.post("/items/<item_id>/review")
@admin_required
def review(item_id: str) -> Any:
    db = database.session()
    record = _record(item_id)
    form = _review_form(record, request.form)
    if not form.validate():
        return _item_page(record, form, 400)
    try:
        bank_admin.move(
            db,
            record,
            form.to_status.data,
            _admin_name(),
            form.note.data,
            expected_from=form.from_status.data or None,
        )
    except bank_admin.ReviewError as refused:
        db.rollback()
        form = _review_form(_record(item_id), request.form)
        form.to_status.errors = [str(refused.message)]
        return _item_page(_record(item_id), form, refused.status)
    db.commit()
    flash(
        _(
            "Item %(id)s is now %(status)s.",
            id=record.id,
            status=labels.label(labels.ITEM_STATUS, record.status),
        )
    )
    return redirect(url_for("admin_bank.item", item_id=record.id), 303)


# -- import and export --------------------------------------------------------------------------
def _max_bytes() -> int:
    from flask import current_app

    return int(current_app.config.get("BANK_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


def _import_hint() -> str:
    return _(
        "GIFT (.txt), Moodle XML (.xml), QTI 3.0 (.zip), JSON (.json) or a master YAML file: "
        "the format is recognised from the content. At most %(size)s MB.",
        size=f"{_max_bytes() / (1024 * 1024):g}",
    )


@bp.url_value_preprocessor
def _limit_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Runs before the CSRF check reads the form: large bodies are refused before Werkzeug
    # spools them to disk.
    if endpoint == "admin_bank.import_items" and request.method == "POST":
        request.max_content_length = _max_bytes() + 64 * 1024


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    # The body is refused unread: the page must not try to parse it again (locale, forms).
    request.form = ImmutableMultiDict()
    request.files = ImmutableMultiDict()
    if current_admin() is None:  # the admin check comes after the refused body: no form here
        return render_error(BadRequest(code="too_large", status=413))
    form = ImportForm(formdata=None)
    form.file.description = _import_hint()
    form.file.errors = [_("The file is too large.")]
    return render_template("admin/bank/import.html", form=form, errors=[], report=None), 413


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_items() -> Any:
    form = ImportForm()
    form.file.description = _import_hint()
    errors: list[str] = []
    report = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            errors, report = _import_upload(form)
            status = 422 if errors else 200
        else:
            status = 400
    page = render_template("admin/bank/import.html", form=form, errors=errors, report=report)
    return page, status


def _import_upload(form: ImportForm) -> tuple[list[str], bank_store.ImportReport | None]:
    upload = form.file.data
    name = os.path.basename(upload.filename or "upload")
    data = upload.stream.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        return [_("The file is too large.")], None
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix in _UPLOAD_SUFFIXES else ".txt"
    with tempfile.TemporaryDirectory(prefix="boussole-import-") as folder:
        path = Path(folder) / ("upload" + suffix)
        path.write_bytes(data)
        try:
            items = formats.read(path)
        except FormatError as error:
            return [str(error.located(name))], None
        except SchemaError as error:
            return [
                f"{name}: {e.item or '-'}: {e.field or '-'}: {e.message}" for e in error.errors
            ], None
        except ItemBankError as error:
            return [f"{name}: {error}"], None
    if not items:
        return [_("%(name)s: no item found in this file.", name=name)], None
    db = database.session()
    report = bank_store.import_items(db, items, keep_status=bool(form.keep_status.data))
    db.commit()
    return [], report


@bp.get("/export")
@admin_required
def export() -> Any:
    db = database.session()
    form = ExportForm(formdata=request.args if request.args.get("format") else None)
    form.language.choices = _language_choices()
    form.topic.choices = _topic_choices(db)
    form.status.choices = _status_choices(_("All except retired"))
    if not request.args.get("format"):
        return render_template("admin/bank/export.html", form=form, empty=False)
    if not form.validate():
        return render_template("admin/bank/export.html", form=form, empty=False), 400
    language = form.language.data if form.language.data in labels.LANGUAGES else ""
    status = form.status.data if form.status.data in bank_admin.STATUSES else ""
    chosen = bank_admin.items_for_export(
        db, language=language, topic=form.topic.data or "", status=status
    )
    if not chosen:
        return render_template("admin/bank/export.html", form=form, empty=True), 404
    fmt = form.format.data
    try:
        body = formats.export(chosen, fmt)
    except FormatError as error:  # an item the format cannot hold: say which
        page = render_template("admin/bank/export.html", form=form, empty=False, error=str(error))
        return page, 422
    parts = ["boussole-items"] + [p for p in (language, form.topic.data, status) if p]
    filename = "-".join(parts) + formats.FORMATS[fmt].extension
    return Response(
        body,
        mimetype=_MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# The calibration pages live in their own module on this blueprint.
from lti_tool.admin import calibration_views  # noqa: E402, F401
