"""Build hook: compile the translation catalogues (.po -> .mo) into the package.

The .mo files are build products, not tracked in git (their bytes change with Babel's version).
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogs(build_py):
    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(__file__).resolve().parent
        for po in root.glob("lti_tool/translations/*/LC_MESSAGES/messages.po"):
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog)
        self.__dict__.pop("data_files", None)  # list the new .mo files too
        super().run()


setup(cmdclass={"build_py": BuildPyWithCatalogs})
