"""The home screens import only what their first frame needs (issue 13: cold start).

Dialogs, the intake, billing and the audit trail load when first used (and in
the background after the first frame, :mod:`bbdispatch.preload`); a first
frame that imported them took about 1.6× (dispatcher) and 2× (technician) the
CPU time of a bare Textual app with the same widgets.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

NOT_BEFORE_THE_BOARD = (
    "phonenumbers", "screens.note_prompt", "screens.widgets.form_dialog",
    "screens.widgets.client_form", "bbdispatch.services.intake",
)  # fmt: skip
"""What the dispatcher's board (and the App with its ring watch) no longer imports."""

NOT_BEFORE_THE_TECH_SCREEN = (
    "bbdispatch.services.billing", "bbdispatch.services.my_entries",
    "bbdispatch.storage.statements", "bbdispatch.domain.statements", "screens.entry_dialog",
    "screens.text_dialog", "screens.widgets.form_dialog",
)  # fmt: skip
"""What the technician's screen no longer imports."""


def _loaded(imports: str, wanted: tuple[str, ...]) -> list[str]:
    code = f"import sys; {imports}; print([m for m in {wanted!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return eval(done.stdout)  # noqa: S307 - our own list of names


def test_the_board_and_the_app_load_no_dialog_nor_intake() -> None:
    imports = "import bbdispatch.app, screens.board, screens.ring_watch"
    assert _loaded(imports, NOT_BEFORE_THE_BOARD) == []


def test_the_tech_screen_loads_no_billing_nor_dialog() -> None:
    assert _loaded("import bbdispatch.app, screens.tech_jobs", NOT_BEFORE_THE_TECH_SCREEN) == []


@pytest.mark.parametrize("argv", [["tech"], ["--db", "x.db", "--as", "anna", "tech"]])
def test_tech_builds_only_its_own_command(argv: list[str]) -> None:
    """``tech`` (every SSH login of a technician) built every command, the demo builder too."""
    code = (
        "import sys; from bbdispatch.cli import build_parser, _phone_command;"
        f"cmd = _phone_command({argv!r}); build_parser((cmd,));"
        "print(cmd, 'bbdispatch.services.demo' in sys.modules,"
        " 'bbdispatch.commands.report' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["tech", "False", "False"]
