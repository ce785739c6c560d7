"""Translations: extract the English messages, merge them into the French catalogue, compile.

python scripts/i18n.py update    # after changing texts: new messages appear untranslated
python scripts/i18n.py compile   # .po -> .mo (done by the install scripts too)
python scripts/i18n.py check     # exit 1 if a message is untranslated or the .mo is stale
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "lti_tool" / "translations"
POT = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


def extract() -> None:
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--omit-header",
        "-o",
        str(POT),
        ".",
    )


def update() -> None:
    extract()
    if not (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").exists():
        _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", "fr")
        return
    _pybabel(
        "update",
        "-i",
        str(POT),
        "-d",
        str(TRANSLATIONS),
        "-l",
        "fr",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
        "--omit-header",
    )


def merge() -> None:
    update()
    po = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
    texts: dict[str, str | list[str]] = {}
    for fragment in sorted((TRANSLATIONS / "fr" / "fragments").glob("*.json")):
        texts.update(json.loads(fragment.read_text(encoding="utf-8")))
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0] if message.id else None
        if key and key in texts:
            value = texts[key]
            if isinstance(message.id, str):
                message.string = value if isinstance(value, str) else value[0]
            else:
                forms = list(value) if isinstance(value, list) else [value, value]
                # Babel >= 2.19 (CLDR 47) gives French three plural forms (one, many, other):
                # the last form written serves for the ones a fragment does not spell out.
                forms += forms[-1:] * (catalog.num_plurals - len(forms))
                message.string = tuple(forms[: catalog.num_plurals])
            message.flags.discard("fuzzy")
    catalog.fuzzy = False
    tmp = po.with_suffix(f".po.{os.getpid()}")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=100, no_location=True)
    tmp.replace(po)
    compile_all()


def compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def compile_all() -> None:
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        po.with_suffix(".mo").write_bytes(compiled(po))


def check() -> int:
    problems = []
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="fr")
        problems += [
            f"{po}: untranslated: {m.id!r}"
            for m in catalog
            if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
        ]
        problems += [f"{po}: fuzzy: {m.id!r}" for m in catalog if m.id and m.fuzzy]
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(po):
            problems.append(f"{mo}: stale, run: python scripts/i18n.py compile")
    print("\n".join(problems) or "translations complete")
    return 1 if problems else 0


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "check"
    if action == "update":
        update()
    elif action == "merge":
        merge()
    elif action == "compile":
        compile_all()
    else:
        sys.exit(check())
