"""Hatch build hook: compile the gettext catalogues (``.po`` → ``.mo``) into the wheel.

The ``.po`` files are the source kept in git; the ``.mo`` files are built here,
for a wheel and for an editable install (``pip install -e .``) alike, so the
Polish catalogue is there however bbdispatch was installed. A checkout whose
``.po`` changed after the install is still read right: ``bbdispatch.i18n``
compiles a newer ``.po`` in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class LocaleBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Writes ``bbdispatch/locale/*/LC_MESSAGES/*.mo`` and puts them into the build."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile every catalogue; include the results in a standard wheel."""
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        for po in sorted((root / "bbdispatch" / "locale").glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
            if version != "editable":
                build_data["force_include"][str(mo)] = mo.relative_to(root).as_posix()
