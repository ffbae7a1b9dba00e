"""A login that cannot create the open-lock beside the database is told so; it never opens silently.

Every program holds ``<db>.open-lock`` while it has the database open, so a
restore never swaps the file under it. A login without the right to create
files in the database's folder could still write the database through an
existing ``-wal``/``-shm``; opening it without the lock lost those writes to
a restore. Now such an open is refused in one line that says how to fix it.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from bbdispatch.cli import main


@pytest.fixture
def locked_out_folder(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The database in a folder this login may not create files in, and no open-lock yet."""
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "firm.db"
    shutil.copy(demo_db_path, db)
    os.chmod(db, 0o666)
    lock = folder / "firm.db.open-lock"
    assert not lock.exists()
    os.chmod(folder, 0o555)
    if os.geteuid() == 0:  # root writes anywhere: refuse the creation as the kernel would
        real_open = os.open

        def no_create(path: object, flags: int, *args: object, **kw: object) -> int:
            if Path(str(path)).parent == folder and flags & os.O_CREAT:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", no_create)
    yield db
    os.chmod(folder, 0o755)


def test_opening_without_the_open_lock_is_refused_in_one_line(
    locked_out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = locked_out_folder
    assert main(["--db", str(db), "clients", "show", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    lock = f"{db}.open-lock"
    assert f"Cannot open {lock}" in err and "Permission denied" in err
    assert f"touch {lock} && chgrp bbdispatch {lock} && chmod 660 {lock}" in err
    assert not Path(lock).exists()


def test_with_the_lock_made_by_the_administrator_it_opens(
    locked_out_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = locked_out_folder
    monkeypatch.undo()  # the administrator, who may write the folder
    os.chmod(db.parent, 0o755)
    lock = Path(f"{db}.open-lock")
    lock.touch()
    os.chmod(lock, 0o660)
    assert main(["--db", str(db), "clients", "show", "1"]) == 0
    assert "Traceback" not in capsys.readouterr().err
