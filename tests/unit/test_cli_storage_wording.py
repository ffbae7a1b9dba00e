"""A command that cannot save says so in the command line's words, not a form's.

"What you typed is kept" is true at a form (the TUI keeps the fields filled);
after ``bbdispatch clients add …`` nothing was typed into anything, so the
command says nothing was changed and to run it again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.storage import database
from bbdispatch.storage.database import failure_of_kind, for_command_line


def test_a_command_kept_waiting_for_the_lock_speaks_of_the_command(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "LOCK_WAIT_SECONDS", 0.3)
    holder = sqlite3.connect(demo_db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program writing
        code = main(["--db", str(demo_db_path), "clients", "add", "--kind", "private",
                     "--name", "Jan Testowy"])  # fmt: skip
    finally:
        holder.close()
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert (
        "busy too long" in err and "nothing was changed" in err and "run the command" in err.lower()
    )
    assert "typed" not in err


@pytest.mark.parametrize("kind", ["busy", "full", "other"])
def test_every_failed_save_has_command_line_wording(kind: str) -> None:
    err = failure_of_kind(kind, "disk I/O error", writing=True)  # type: ignore[arg-type]
    assert "What you typed is kept" in str(err)  # the form's words stay for the TUI
    line = for_command_line(err)
    assert "typed" not in line and "nothing was changed" in line


def test_the_polish_command_line_wording_too(polish: None) -> None:
    line = for_command_line(failure_of_kind("full", "", writing=True))
    assert "wpisan" not in line.lower() and "zachowan" not in line.lower()
