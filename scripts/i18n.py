"""Translations: extract the English messages, merge them into the French catalogue, compile.

python scripts/i18n.py update    # after changing texts: new messages appear untranslated
python scripts/i18n.py compile   # .po -> .mo (done by the install scripts too)
python scripts/i18n.py check     # exit 1 if a message is untranslated or the .mo is stale
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

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
        problems += [f"{po}: untranslated: {m.id!r}" for m in catalog if m.id and not m.string]
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
    elif action == "compile":
        compile_all()
    else:
        sys.exit(check())
