"""A database this login may read but not write says so, and what to do; it was reported
as "not a bbdispatch database (attempt to write a readonly database)". As a real OS
account (nobody), in a child process, where root's rights would hide it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bbdispatch.cli import main
from tests.unit.test_doctor import _open_as, shared_folder  # noqa: F401 - a fixture

NOBODY = 65534


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another account")
def test_a_folder_that_refuses_the_wal_is_read_only_not_foreign(shared_folder: Path) -> None:  # noqa: F811
    db = shared_folder / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    os.chmod(db, 0o666)
    os.chmod(db.with_name("firm.db.open-lock"), 0o666)
    refused = _open_as(NOBODY, NOBODY, db)
    assert "not a bbdispatch database" not in refused, refused
    assert f"{db} is read-only for this login: its folder {shared_folder}" in refused, refused
    assert f"chmod 3770 {shared_folder}" in refused


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another account")
def test_a_read_only_file_is_said_to_be_read_only(shared_folder: Path) -> None:  # noqa: F811
    db = shared_folder / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    shared_folder.chmod(0o777)
    os.chmod(db.with_name("firm.db.open-lock"), 0o666)
    os.chmod(db, 0o444)
    refused = _open_as(NOBODY, NOBODY, db)
    assert f"{db} is read-only for this login" in refused, refused
    assert f"chmod 660 {db}" in refused
