"""item_bank, every submodule included, imports no web or database code."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import item_bank

FORBIDDEN = ("flask", "sqlalchemy", "models", "lti_tool")


def test_no_item_bank_module_imports_flask_sqlalchemy_models_or_lti_tool():
    modules = ["item_bank"] + [
        info.name for info in pkgutil.walk_packages(item_bank.__path__, prefix="item_bank.")
    ]
    assert {"item_bank.schema", "item_bank.lint", "item_bank.formats.qti"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(result.stdout.split())
    assert "item_bank" in loaded
    assert not loaded & set(FORBIDDEN)
