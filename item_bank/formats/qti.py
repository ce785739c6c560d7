"""QTI 3.0 packages: a zip with ``imsmanifest.xml`` and one ``qti-assessment-item`` per item.

Each item is a ``qti-choice-interaction`` (``max-choices`` 1, or 0 for multiple-answer items),
with a ``qti-feedback-inline`` per option, the general feedback as ``qti-modal-feedback``, and
``qti-response-processing`` naming the ``match_correct`` template while spelling out the same
rules (plus the two feedback outcomes), as 1EdTech's own examples do. Level, topic, status,
sources, IRT parameters... sit in the manifest, in each resource's ``<metadata>``: a LOM general
section and a ``bsl:item`` element (namespace :data:`BSL`).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import Any

from item_bank.errors import FormatError
from item_bank.formats._common import build_item, check_exportable, sort_for_export, text_to_html
from item_bank.formats._xml import ET, attr, escape, is_comment, local, parse
from item_bank.schema import Item, ItemType

NAME = "qti"
EXTENSION = ".zip"

QTI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/LOM"
BSL = "urn:boussole:item-bank:1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MATCH_CORRECT = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"
ITEM_TYPE = "imsqti_item_xmlv3p0"
MANIFEST = "imsmanifest.xml"
_ITEM_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
_CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
_LOM_XSD = "https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd"
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed, so that the same bank gives the same bytes
_MAX_MEMBER = 5 * 1024 * 1024
_MAX_MEMBERS = 20_000
#: What a package may expand to, all members read together: a small zip whose manifest lists
#: one member thousands of times must not become megabytes of items.
MAX_EXPANDED_BYTES = 32 * 1024 * 1024
_BLOCKS = frozenset({"p", "div", "li"})
_SKIP = frozenset({"qti-feedback-inline"})


# -- export ---------------------------------------------------------------------------------
def choice_id(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else f"C{index + 1}"


def item_path(item: Item) -> str:
    return f"items/{item.language}/{item.id}.xml"


def export(items: Sequence[Item]) -> bytes:
    ordered = sort_for_export(items)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(archive, MANIFEST, manifest(ordered))
        for item in ordered:
            check_exportable(item)
            _write(archive, item_path(item), item_xml(item))
    return buffer.getvalue()


def _write(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text.encode("utf-8"))


def item_xml(item: Item) -> str:
    multiple = item.type is ItemType.MULTIPLE
    cardinality = "multiple" if multiple else "single"
    correct = "".join(f"<qti-value>{choice_id(i)}</qti-value>" for i in item.key_indices)
    choices = []
    for index, option in enumerate(item.options):
        feedback = ""
        if option.feedback:
            feedback = (
                f'<qti-feedback-inline outcome-identifier="FEEDBACK" '
                f'identifier="{choice_id(index)}" show-hide="show">'
                f"{text_to_html(option.feedback)}</qti-feedback-inline>"
            )
        choices.append(
            f'      <qti-simple-choice identifier="{choice_id(index)}">'
            f"{text_to_html(option.text)}{feedback}</qti-simple-choice>\n"
        )
    general = bool(item.general_feedback)
    return "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<qti-assessment-item xmlns="{QTI}" xmlns:xsi="{XSI}"\n',
            f'    xsi:schemaLocation="{QTI} {_ITEM_XSD}"\n',
            f"    identifier={attr(qti_identifier(item))} title={attr(item.id)}",
            f" label={attr(item.id)}\n",
            f'    adaptive="false" time-dependent="false" xml:lang="{item.language}">\n',
            f'  <qti-response-declaration identifier="RESPONSE" cardinality="{cardinality}"',
            ' base-type="identifier">\n',
            f"    <qti-correct-response>{correct}</qti-correct-response>\n",
            "  </qti-response-declaration>\n",
            '  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"'
            ' normal-maximum="1">\n',
            "    <qti-default-value><qti-value>0</qti-value></qti-default-value>\n",
            "  </qti-outcome-declaration>\n",
            f'  <qti-outcome-declaration identifier="FEEDBACK" cardinality="{cardinality}"'
            ' base-type="identifier"/>\n',
            '  <qti-outcome-declaration identifier="GENERAL_FEEDBACK" cardinality="single"'
            ' base-type="identifier"/>\n'
            if general
            else "",
            "  <qti-item-body>\n",
            '    <qti-choice-interaction response-identifier="RESPONSE"',
            f' shuffle="{"false" if item.type is ItemType.TRUEFALSE else "true"}"',
            f' max-choices="{0 if multiple else 1}">\n',
            f"      <qti-prompt>{text_to_html(item.stem)}</qti-prompt>\n",
            *choices,
            "    </qti-choice-interaction>\n",
            "  </qti-item-body>\n",
            _response_processing(general),
            '  <qti-modal-feedback outcome-identifier="GENERAL_FEEDBACK" identifier="GENERAL"'
            ' show-hide="show">\n'
            f"    <qti-content-body><p>{text_to_html(item.general_feedback)}</p>"
            "</qti-content-body>\n  </qti-modal-feedback>\n"
            if general
            else "",
            "</qti-assessment-item>\n",
        ]
    )


def _response_processing(general: bool) -> str:
    def score(value: str) -> str:
        return (
            '        <qti-set-outcome-value identifier="SCORE">'
            f'<qti-base-value base-type="float">{value}</qti-base-value>'
            "</qti-set-outcome-value>\n"
        )

    general_rule = (
        '    <qti-set-outcome-value identifier="GENERAL_FEEDBACK">'
        '<qti-base-value base-type="identifier">GENERAL</qti-base-value>'
        "</qti-set-outcome-value>\n"
        if general
        else ""
    )
    return (
        f'  <qti-response-processing template="{MATCH_CORRECT}">\n'
        "    <qti-response-condition>\n"
        "      <qti-response-if>\n"
        '        <qti-match><qti-variable identifier="RESPONSE"/>'
        '<qti-correct identifier="RESPONSE"/></qti-match>\n'
        f"{score('1')}"
        "      </qti-response-if>\n"
        "      <qti-response-else>\n"
        f"{score('0')}"
        "      </qti-response-else>\n"
        "    </qti-response-condition>\n"
        '    <qti-set-outcome-value identifier="FEEDBACK">'
        '<qti-variable identifier="RESPONSE"/></qti-set-outcome-value>\n'
        f"{general_rule}"
        "  </qti-response-processing>\n"
    )


def qti_identifier(item: Item) -> str:
    return f"{item.id}-{item.language}"


def manifest(items: Sequence[Item]) -> str:
    resources = "".join(_resource(item) for item in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest xmlns="{CP}" xmlns:imsmd="{LOM}" xmlns:bsl="{BSL}" xmlns:xsi="{XSI}"\n'
        f'    xsi:schemaLocation="{CP} {_CP_XSD} {LOM} {_LOM_XSD}"\n'
        '    identifier="boussole-item-bank">\n'
        "  <metadata>\n    <schema>QTI Package</schema>\n"
        "    <schemaversion>3.0.0</schemaversion>\n  </metadata>\n"
        "  <organizations/>\n"
        f"  <resources>\n{resources}  </resources>\n"
        "</manifest>\n"
    )


def _resource(item: Item) -> str:
    path = item_path(item)
    return (
        f'    <resource identifier={attr(qti_identifier(item))} type="{ITEM_TYPE}"'
        f" href={attr(path)}>\n"
        "      <metadata>\n"
        "        <imsmd:lom><imsmd:general>"
        "<imsmd:identifier><imsmd:catalog>boussole</imsmd:catalog>"
        f"<imsmd:entry>{escape(item.id)}</imsmd:entry></imsmd:identifier>"
        f'<imsmd:title><imsmd:string language="{item.language}">{escape(item.id)}'
        "</imsmd:string></imsmd:title>"
        f"<imsmd:language>{item.language}</imsmd:language>"
        "</imsmd:general></imsmd:lom>\n"
        f"{_bsl(item)}"
        "      </metadata>\n"
        f"      <file href={attr(path)}/>\n"
        "    </resource>\n"
    )


def _bsl(item: Item) -> str:
    attributes = {
        "id": item.id,
        "language": item.language,
        "topic": item.topic,
        "level": str(item.level),
        "type": item.type.value,
        "version": str(item.version),
        "status": item.status.value,
        "difficulty-prior": repr(item.difficulty_prior),
    }
    if item.recheck_by is not None:
        attributes["recheck-by"] = item.recheck_by.isoformat()
    head = " ".join(f"{key}={attr(value)}" for key, value in attributes.items())
    body = [f"<bsl:objective>{escape(item.objective)}</bsl:objective>"]
    body.append(f"<bsl:author>{escape(item.author)}</bsl:author>")
    body += [f"<bsl:reviewer>{escape(name)}</bsl:reviewer>" for name in item.reviewers]
    for review in item.reviews:
        fields = " ".join(f"{key}={attr(str(value))}" for key, value in review.to_dict().items())
        body.append(f"<bsl:review {fields}/>")
    body += [f"<bsl:enemy>{escape(enemy)}</bsl:enemy>" for enemy in item.enemies]
    body += [f"<bsl:tag>{escape(tag)}</bsl:tag>" for tag in item.tags]
    for source in item.sources:
        fields = "".join(
            f"<bsl:{key}>{escape(value)}</bsl:{key}>" for key, value in source.to_dict().items()
        )
        body.append(f"<bsl:source>{fields}</bsl:source>")
    if item.irt is not None:
        irt = " ".join(
            f"{key.replace('_', '-')}={attr(value if isinstance(value, str) else repr(value))}"
            for key, value in item.irt.to_dict().items()
        )
        body.append(f"<bsl:irt {irt}/>")
    inner = "".join(f"          {line}\n" for line in body)
    return f"        <bsl:item {head}>\n{inner}        </bsl:item>\n"


# -- import ---------------------------------------------------------------------------------
def import_(data: str | bytes) -> list[Item]:
    """Items of a QTI 3.0 package; :class:`FormatError` naming the element where it stopped."""
    if isinstance(data, str) or not data.startswith(b"PK"):
        raise FormatError("a QTI package is a zip file", element=MANIFEST)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise FormatError(f"not a readable zip file: {error}", element=MANIFEST) from None
    with archive:
        budget = _Budget()
        root = parse(budget.read(archive, MANIFEST), source=MANIFEST)
        if local(root.tag) != "manifest":
            raise FormatError("the root element is not <manifest>", element=MANIFEST)
        resources = list(_resources(root))
        seen: set[str] = set()
        for index, resource in enumerate(resources, start=1):
            where = f"{MANIFEST}: resources/resource[{index}]"
            href = resource.get("href", "")
            if not href:
                raise FormatError("resource without href", element=where)
            if href in seen:  # one member read many times would multiply the items
                raise FormatError(f"{href} is listed twice", element=where)
            seen.add(href)
        items = []
        for index, resource in enumerate(resources, start=1):
            where = f"{MANIFEST}: resources/resource[{index}]"
            href = resource.get("href", "")
            meta = _read_bsl(resource, where)
            item_root = parse(budget.read(archive, href), source=href)
            items.append(_read_item(item_root, meta, href))
        return items


class _Budget:
    """Counts the bytes a package expands to, refusing past :data:`MAX_EXPANDED_BYTES`."""

    def __init__(self) -> None:
        self.used = 0

    def read(self, archive: zipfile.ZipFile, name: str) -> bytes:
        data = _member(archive, name)
        self.used += len(data)
        if self.used > MAX_EXPANDED_BYTES:
            raise FormatError("the package expands to too much data", element=name)
        return data


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise FormatError(f"refused path {name!r}", element=MANIFEST)
    if len(archive.infolist()) > _MAX_MEMBERS:
        raise FormatError("too many files in the package", element=MANIFEST)
    try:
        info = archive.getinfo(str(path))
    except KeyError:
        raise FormatError(f"{name} is missing from the package", element=name) from None
    if info.file_size > _MAX_MEMBER:
        raise FormatError(f"{name} is too large", element=name)
    try:
        with archive.open(info) as member:
            # file_size is what the zip claims: read no more than the cap, whatever it says.
            data = member.read(_MAX_MEMBER + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as error:
        raise FormatError(f"{name} cannot be read: {error}", element=name) from None
    except (ValueError, EOFError, zlib.error) as error:  # corrupt compressed data
        raise FormatError(f"{name} is corrupt: {error}", element=name) from None
    if len(data) > _MAX_MEMBER:
        raise FormatError(f"{name} is too large", element=name)
    return data


def _resources(root: ET.Element) -> Iterator[ET.Element]:
    for resource in root.iter(f"{{{CP}}}resource"):
        if resource.get("type", "").startswith(ITEM_TYPE):
            yield resource


def _read_bsl(resource: ET.Element, where: str) -> dict[str, Any]:
    """The item's metadata from the manifest (empty if the package is not Boussole's)."""
    node = resource.find(f"{{{CP}}}metadata/{{{BSL}}}item")
    if node is None:
        return {}
    meta: dict[str, Any] = {}
    for key in ("id", "language", "topic", "type", "status"):
        if node.get(key) is not None:
            meta[key] = node.get(key)
    numbers = {"level": int, "version": int, "difficulty-prior": float}
    for key, parse_number in numbers.items():
        raw = node.get(key)
        if raw is not None:
            meta[key.replace("-", "_")] = _number(parse_number, raw, f"{where}/bsl:item/@{key}")
    if node.get("recheck-by"):
        meta["recheck_by"] = node.get("recheck-by")
    meta["objective"] = node.findtext(f"{{{BSL}}}objective") or ""
    meta["author"] = node.findtext(f"{{{BSL}}}author") or ""
    meta["reviewers"] = [e.text or "" for e in node.iterfind(f"{{{BSL}}}reviewer")]
    reviews = [_review(e, f"{where}/bsl:review") for e in node.iterfind(f"{{{BSL}}}review")]
    if reviews:
        meta["reviews"] = reviews
    enemies = [e.text or "" for e in node.iterfind(f"{{{BSL}}}enemy")]
    if enemies:
        meta["enemies"] = enemies
    tags = [e.text or "" for e in node.iterfind(f"{{{BSL}}}tag")]
    if tags:
        meta["tags"] = tags
    meta["sources"] = [
        {local(field.tag): field.text or "" for field in source}
        for source in node.iterfind(f"{{{BSL}}}source")
    ]
    irt = node.find(f"{{{BSL}}}irt")
    if irt is not None:
        values: dict[str, Any] = {}
        for key, raw in irt.attrib.items():
            name = key.replace("-", "_")
            kind = str if name == "model" else int if name == "n" else float
            values[name] = _number(kind, raw, f"{where}/bsl:irt/@{key}")
        meta["irt"] = values
    return meta


def _review(node: ET.Element, where: str) -> dict[str, Any]:
    """A ``<bsl:review by= role= date= version=/>`` as the master schema reads it."""
    review: dict[str, Any] = {key: value for key, value in node.attrib.items()}
    if "version" in review:
        review["version"] = _number(int, review["version"], f"{where}/@version")
    return review


def _number(kind: Any, raw: str, where: str) -> Any:
    try:
        return kind(raw)
    except ValueError:
        raise FormatError(f"bad value {raw!r}", element=where) from None


def _q(name: str) -> str:
    return f"{{{QTI}}}{name}"


def _read_item(root: ET.Element, meta: dict[str, Any], href: str) -> Item:
    if root.tag != _q("qti-assessment-item"):
        raise FormatError("the root element is not <qti-assessment-item>", element=href)
    where = href
    declaration = next(
        (d for d in root.iter(_q("qti-response-declaration")) if d.get("identifier") == "RESPONSE"),
        None,
    )
    interaction = root.find(f"{_q('qti-item-body')}/{_q('qti-choice-interaction')}")
    if interaction is None:
        interaction = root.find(f".//{_q('qti-choice-interaction')}")
    if declaration is None or interaction is None:
        raise FormatError(
            "only qti-choice-interaction items with a RESPONSE declaration are supported",
            element=f"{where}: qti-item-body",
        )
    cardinality = declaration.get("cardinality", "single")
    keys = {(v.text or "").strip() for v in declaration.iter(_q("qti-value"))}
    prompt = interaction.find(_q("qti-prompt"))
    if prompt is not None:
        stem = rich_text(prompt)
    else:
        body = root.find(_q("qti-item-body"))
        skip = frozenset({"qti-choice-interaction"})
        stem = rich_text(body, skip=skip) if body is not None else ""
    options = []
    for index, choice in enumerate(interaction.iter(_q("qti-simple-choice")), start=1):
        identifier = choice.get("identifier", "")
        feedback = next(
            (
                f
                for f in choice.iter(_q("qti-feedback-inline"))
                if f.get("identifier") in (identifier, None)
            ),
            None,
        )
        options.append(
            {
                "text": rich_text(choice),
                "correct": identifier in keys,
                "feedback": rich_text(feedback) if feedback is not None else "",
            }
        )
        if not identifier:
            raise FormatError(
                "choice without identifier",
                element=f"{where}: qti-choice-interaction/qti-simple-choice[{index}]",
            )
    modal = root.find(_q("qti-modal-feedback"))
    general = ""
    if modal is not None:
        content = modal.find(_q("qti-content-body"))
        general = rich_text(content if content is not None else modal)

    structure = "multiple" if cardinality == "multiple" else "single"
    kind = meta.pop("type", structure)
    if (kind == "multiple") != (structure == "multiple"):
        raise FormatError(
            f"declared {kind} in the manifest but {cardinality} in the item",
            element=f"{where}: qti-response-declaration",
        )
    data = {
        "id": meta.pop("id", None) or root.get("label") or root.get("title") or "",
        "language": meta.pop("language", None) or root.get(XML_LANG),
        "status": "draft",
        "version": 1,
        **meta,
        "type": kind,
        "stem": stem,
        "options": options,
        "general_feedback": general,
    }
    if "level" not in data:
        raise FormatError("no level (bsl:item metadata in the manifest)", element=where)
    return build_item(data, source="QTI", element=where)


def rich_text(element: ET.Element, skip: frozenset[str] = _SKIP) -> str:
    """Plain text with ``**`` emphasis and line breaks from XHTML content."""
    return _walk(element, skip).strip()


def _walk(element: ET.Element, skip: frozenset[str]) -> str:
    parts = [element.text or ""]
    for child in element:
        name = local(child.tag)
        if is_comment(child) or name in skip:
            pass
        elif name == "br":
            parts.append("\n")
        elif name in ("strong", "b"):
            parts.append("**" + _walk(child, skip) + "**")
        elif name in _BLOCKS:
            parts.append(_walk(child, skip).strip("\n") + "\n")
        else:
            parts.append(_walk(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)
