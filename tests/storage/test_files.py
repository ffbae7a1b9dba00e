"""The database file: created 0660 whatever the umask, and never another program's file."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.storage.database import Database, StorageError


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
async def test_new_database_and_its_wal_and_shm_are_0660(tmp_path: Path) -> None:
    path = tmp_path / "firm.db"
    db = await Database.open(path)
    try:
        async with db.transaction():
            await db.execute("INSERT INTO audit_log (at, actor, entity, action) VALUES "
                             "('2026-12-01T00:00:00Z', 't', 'x', 'y')")  # fmt: skip
        for suffix in ("", "-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            assert side.exists(), suffix
            assert _mode(side) == 0o660, (suffix, oct(_mode(side)))
    finally:
        await db.close()


@pytest.mark.usefixtures("umask_022")
def test_init_under_umask_022_makes_a_0660_file(tmp_path: Path) -> None:
    path = tmp_path / "firm.db"
    assert main(["--db", str(path), "init"]) == 0
    assert _mode(path) == 0o660


@pytest.mark.usefixtures("umask_022")
def test_init_on_an_existing_empty_0644_file_leaves_it_0660(tmp_path: Path) -> None:
    path = tmp_path / "firm.db"
    path.touch(mode=0o644)
    assert _mode(path) == 0o644
    assert main(["--db", str(path), "init"]) == 0
    assert _mode(path) == 0o660
    assert main(["--db", str(path), "ring", "+48 601 234 567"]) == 0  # -wal, -shm follow
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        assert not side.exists() or _mode(side) == 0o660, suffix


def test_init_refuses_an_empty_file_another_account_prepared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A technician who can write the folder touches the name before the admin's ``init``."""
    path = tmp_path / "firm.db"
    path.touch(mode=0o666)
    if os.geteuid() == 0:
        os.chown(path, 4242, 4242)  # the technician's file
    else:
        monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 4242)
    for command in (["init"], ["demo"]):
        assert main(["--db", str(path), *command]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "empty file of another account" in err
        assert path.stat().st_size == 0


def _foreign(path: Path, user_version: int = 0) -> bytes:
    """Another program's SQLite file; ``user_version``: the number that program keeps there."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('not ours')")
    conn.execute(f"PRAGMA user_version = {int(user_version)}")
    conn.commit()
    conn.close()
    return path.read_bytes()


async def test_empty_file_is_refused_unless_creating(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(StorageError, match="empty file, not a bbdispatch database"):
        await Database.open(path, create=False)
    assert path.stat().st_size == 0
    db = await Database.open(path, create=True)  # init and demo may
    await db.close()
    assert path.stat().st_size > 0


@pytest.mark.parametrize("user_version", [0, 1, 7, 26])
@pytest.mark.parametrize("create", [False, True])
async def test_another_programs_sqlite_file_is_never_converted(
    tmp_path: Path, create: bool, user_version: int
) -> None:
    """Whatever number the other program keeps in ``user_version`` (7 was migrated to 8)."""
    path = tmp_path / "other.db"
    before = _foreign(path, user_version)
    with pytest.raises(StorageError, match="not a bbdispatch database"):
        await Database.open(path, create=create)
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", [("ring", "601 234 567"), ("lookup", "601 234 567"),
                                     ("schedule", "run"), ("people", "list")])  # fmt: skip
def test_commands_refuse_empty_and_foreign_files_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    empty, other, numbered = tmp_path / "empty.db", tmp_path / "other.db", tmp_path / "v7.db"
    empty.touch()
    before, before_numbered = _foreign(other), _foreign(numbered, user_version=7)
    for path in (empty, other, numbered):
        assert main(["--db", str(path), *command]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "not a bbdispatch database" in err, err
    assert empty.stat().st_size == 0
    assert other.read_bytes() == before
    assert numbered.read_bytes() == before_numbered
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db", "other.db", "v7.db"]


@pytest.mark.parametrize("command", [("init",), ("demo",), ("ring", "601 234 567")])
def test_a_pipe_or_device_named_as_the_database_is_left_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    """``--db /dev/null init`` as root once set /dev/null 0660: a device reads as empty.

    A named pipe stands in for the device here (it, too, is "empty"), so that the
    test cannot harm the machine it runs on if the fault comes back.
    """
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe, 0o600)
    os.chmod(pipe, 0o622)
    assert main(["--db", str(pipe), *command]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a file (a folder, device or pipe)" in err, err
    assert stat.S_ISFIFO(pipe.stat().st_mode) and _mode(pipe) == 0o622
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.db"]


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal", ".open-lock"])
@pytest.mark.parametrize("command", [("init",), ("calls",)])
def test_a_folder_under_a_companion_name_is_named_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...], suffix: str
) -> None:
    """Issue 13: ``init`` beside a folder ``<db>-wal`` said "disk I/O error" (a folder
    ``-shm`` said "read-only", one ``.open-lock`` went unlocked) and left an empty database."""
    db = tmp_path / "firm.db"
    if command != ("init",):
        assert main(["--db", str(db), "init"]) == 0
        for leftover in tmp_path.glob("firm.db?*"):
            leftover.unlink()
    capsys.readouterr()
    (tmp_path / f"firm.db{suffix}").mkdir()
    assert main(["--db", str(db), *command]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"firm.db{suffix} is a folder, but the database" in err, err
    assert "disk I/O" not in err and "read-only" not in err
    if command == ("init",):  # nothing made: no empty firm.db for the next run to trip on
        assert sorted(p.name for p in tmp_path.iterdir()) == [f"firm.db{suffix}"]
