"""Dependency direction: lti_tool -> models -> nothing of ours; item_bank: no web, no DB."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN_FOR_ITEM_BANK = ("flask", "sqlalchemy", "models", "lti_tool")


def loaded_after(import_line: str) -> set[str]:
    code = f"import sys; {import_line}; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in out.split()}


@pytest.mark.parametrize("module", ["item_bank", "item_bank.irt"])
def test_item_bank_imports_no_web_or_database_code(module):
    assert not loaded_after(f"import {module}") & set(FORBIDDEN_FOR_ITEM_BANK)


def test_models_do_not_import_the_web_layer():
    loaded = loaded_after("import models")
    assert "lti_tool" not in loaded and "flask" not in loaded
