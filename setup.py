"""Build step beyond pyproject.toml: compile the message catalogues into the wheel.

``build_py`` writes ``messages.mo`` beside every ``messages.po`` in the build folder, so an
installed package never compiles at start-up (its folder may be read-only). In a checkout,
``make translations`` compiles into the source tree for development.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogues(build_py):  # noqa: N801 - setuptools' naming
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        translations = Path(self.build_lib) / "academy" / "translations"
        for po_path in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": build_py_with_catalogues})
