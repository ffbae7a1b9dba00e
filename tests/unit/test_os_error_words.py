"""What the system refused is said in words, naming the path: never ``[Errno …]``.

The tester's cases: ``restore`` into a folder that does not exist printed
``[Errno 2] No such file or directory: '…'``; a ``ring`` whose spool name was
taken by a file printed ``[Errno 17] File exists``. Both go through the one
formatter of the command line (``commands.common.os_error_text``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.storage import spool


def test_a_restore_into_a_missing_folder_names_the_folder(
    demo_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.db"
    assert main(["--db", str(demo_db_path), "backup", "--output", str(copy)]) == 0
    capsys.readouterr()
    missing = tmp_path / "nowhere"
    assert main(["--db", str(missing / "firm.db"), "restore", str(copy)]) == 1
    err = capsys.readouterr().err
    assert err == f"bbdispatch: {missing}: no such file or folder\n"
    assert not missing.exists()


def test_a_spool_name_taken_by_a_file_is_named_and_the_call_said_lost(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = spool.spool_dir(demo_db_path)
    taken.write_text("", encoding="utf-8")
    holder = sqlite3.connect(demo_db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # an import holding the lock: the call must be spooled
        code = main(["--db", str(demo_db_path), "ring", "601 234 567"])
    finally:
        holder.close()
    assert code == 1
    err = capsys.readouterr().err
    assert err == (
        f"bbdispatch: the call is not logged and could not be queued: {taken}: not a folder\n"
    )
