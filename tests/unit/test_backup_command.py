"""``bbdispatch backup`` / ``restore`` from the command line: dated names, rotation, one-line errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bbdispatch.cli import main


@pytest.fixture
def firm_db(tmp_path: Path) -> Path:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "demo"]) == 0  # the running login is the demo's admin
    return db


def test_backup_goes_to_a_dated_file_and_old_ones_rotate(
    firm_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(4):
        assert main(["--db", str(firm_db), "backup", "--keep", "2"]) == 0
    kept = sorted((firm_db.parent / "backups").iterdir())
    assert len(kept) == 2
    assert all(p.name.startswith("firm-20") and p.suffix == ".db" for p in kept)
    assert oct(kept[0].stat().st_mode & 0o777) == "0o640"
    out = capsys.readouterr().out
    assert "integrity ok" in out and out.count("removed old backup") == 2


def test_backup_output_and_restore(
    firm_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.db"
    assert main(["--db", str(firm_db), "backup", "--output", str(copy)]) == 0
    assert main(["--db", str(firm_db), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "restored from" in out and "before-restore-" in out
    assert list(tmp_path.glob("firm.db.before-restore-*"))


def test_bad_use_is_one_line(
    firm_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(firm_db), "backup", "--keep", "0"]) == 2
    assert main(["--db", str(firm_db), "restore", str(tmp_path / "missing.db")]) == 1
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    assert main(["--db", str(firm_db), "restore", str(tmp_path / "junk.db")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err


def test_the_copy_is_private_from_its_first_byte(
    firm_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed mid-copy leaves nothing another account can read, whatever the umask."""
    from bbdispatch.storage import db_file

    real = db_file.copy_consistent
    seen: dict[str, int] = {}

    def copy_and_look(source: Path, target: Path) -> None:
        seen["before"] = target.stat().st_mode & 0o777 if target.exists() else 0o644
        real(source, target)
        seen["after"] = target.stat().st_mode & 0o777

    monkeypatch.setattr(db_file, "copy_consistent", copy_and_look)
    old = os.umask(0o022)
    try:
        assert main(["--db", str(firm_db), "backup", "--output", str(tmp_path / "out.db")]) == 0
    finally:
        os.umask(old)
    assert seen["before"] & 0o077 == 0 and seen["after"] & 0o077 == 0


def test_the_next_run_removes_a_killed_runs_partial(firm_db: Path) -> None:
    folder = firm_db.parent / "backups"
    folder.mkdir()
    stale = folder / ".firm-2026-11-30T013000Z.db.partial"
    stale.write_bytes(b"half a copy")
    Path(f"{stale}-journal").write_bytes(b"journal")
    assert main(["--db", str(firm_db), "backup", "--keep", "2"]) == 0
    assert not stale.exists() and not Path(f"{stale}-journal").exists()
    assert [p.suffix for p in folder.iterdir() if not p.name.startswith(".")] == [".db"]


@pytest.mark.parametrize("mode", [0o770, 0o757, 0o3770])
def test_a_backups_folder_others_can_write_is_refused_in_one_line(
    firm_db: Path, capsys: pytest.CaptureFixture[str], mode: int
) -> None:
    """A technician (in the database's group) pre-creates ``backups/`` to swap backups later."""
    folder = firm_db.parent / "backups"
    folder.mkdir()
    os.chmod(folder, mode)
    assert main(["--db", str(firm_db), "backup"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "can be written by others" in err and str(folder) in err
    assert list(folder.iterdir()) == []


def test_a_backups_folder_of_another_account_is_refused(
    firm_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = firm_db.parent / "backups"
    folder.mkdir(mode=0o750)
    if os.geteuid() == 0:
        os.chown(folder, 4242, -1)  # a technician's uid
    else:
        monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 4242)  # we are someone else now
    assert main(["--db", str(firm_db), "backup"]) == 2
    err = capsys.readouterr().err
    assert "belongs to another account" in err and err.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_output_into_a_writable_folder_needs_the_sticky_bit(
    firm_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    assert main(["--db", str(firm_db), "backup", "--output", str(shared / "a.db")]) == 2
    assert "can be written by others" in capsys.readouterr().err
    os.chmod(shared, 0o1777)  # like /tmp: only the owner may delete or rename the copy
    assert main(["--db", str(firm_db), "backup", "--output", str(shared / "a.db")]) == 0
    assert (shared / "a.db").stat().st_mode & 0o777 == 0o640


def test_a_backups_folder_made_by_backup_is_accepted_next_time(firm_db: Path) -> None:
    old = os.umask(0o002)  # the group-writable umask the SSH wrapper sets
    try:
        assert main(["--db", str(firm_db), "backup"]) == 0
        assert main(["--db", str(firm_db), "backup"]) == 0
    finally:
        os.umask(old)
    assert (firm_db.parent / "backups").stat().st_mode & 0o777 == 0o750


@pytest.mark.parametrize("what", ["missing", "unreadable", "junk"])
def test_a_technicians_restore_is_refused_before_the_file_is_looked_at_and_audited(
    firm_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    what: str,
) -> None:
    """Whether the file is there or readable is not a technician's business: the answer
    is the refusal, and it leaves its audit row."""
    import json
    import sqlite3

    from bbdispatch.commands import backup as backup_command

    file = tmp_path / "given.db"
    if what == "unreadable":
        file.mkdir()  # is_file() is False, opening it fails, whatever the uid
    elif what == "junk":
        file.write_bytes(b"junk" * 1000)
    monkeypatch.setattr(backup_command, "os_login", lambda: "anna")
    assert main(["--db", str(firm_db), "restore", str(file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bbdispatch: Not allowed") and err.count("\n") == 1, err
    assert "no such file" not in err and str(file) not in err
    with sqlite3.connect(firm_db) as conn:
        rows = conn.execute(
            "SELECT actor, detail FROM audit_log WHERE entity = 'rights' AND action = 'refused'"
        ).fetchall()
    assert [(a, json.loads(d)["action"]) for a, d in rows] == [("anna", "backup")]


def _backup_at_the_signal(db: str, start: object, codes: object) -> None:
    """One ``bbdispatch backup`` process, started when every other one is ready."""
    import contextlib
    import io

    start.wait()  # type: ignore[attr-defined]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as e:
        code = main(["--db", db, "backup"])
    codes.put((code, e.getvalue()))  # type: ignore[attr-defined]


def test_backups_started_at_the_same_instant_all_succeed(firm_db: Path) -> None:
    """Cron and an admin (or two timers) start ``backup`` in the same second: both copies kept.

    They used to share the temporary name ``.NAME.partial``: one removed or
    overwrote the other's copy and both could fail. Now one waits for the other
    and takes the next name (``.2``).
    """
    import multiprocessing

    spawn = multiprocessing.get_context("fork")
    runs = 6
    start, codes = spawn.Barrier(runs), spawn.Queue()
    procs = [
        spawn.Process(target=_backup_at_the_signal, args=(str(firm_db), start, codes))
        for _ in range(runs)
    ]
    for proc in procs:
        proc.start()
    results = [codes.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert [code for code, _ in results] == [0] * runs, results
    folder = firm_db.parent / "backups"
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == runs and all(not name.startswith(".") for name in kept)


def test_the_next_output_run_removes_a_killed_runs_partial_but_not_a_live_one(
    tmp_path: Path,
) -> None:
    """``kill -9`` during ``--output out/k.db`` left ``.k.db.XXXXXXXX.partial``: the next run
    to that file deletes it; a partial whose run still holds its lock stays."""
    import fcntl

    firm_db = tmp_path / "firm.db"
    assert main(["--db", str(firm_db), "init"]) == 0  # the running login is its admin
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    stale = out / ".k.db.ab12cd_9.partial"
    stale.write_bytes(b"half a copy")
    Path(f"{stale}-journal").write_bytes(b"journal")
    live = out / ".k.db.zz99yy88.partial"
    live.write_bytes(b"being written")
    Path(f"{live}-journal").write_bytes(b"its journal")
    other = out / ".other.db.ab12cd_9.partial"  # another file's: not this run's to judge
    other.write_bytes(b"x")
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a running backup holds its partial
        assert main(["--db", str(firm_db), "backup", "--output", str(out / "k.db")]) == 0
    finally:
        os.close(fd)
    assert not stale.exists() and not Path(f"{stale}-journal").exists()
    assert live.exists() and Path(f"{live}-journal").exists() and other.exists()
    assert (out / "k.db").exists()
    assert main(["--db", str(firm_db), "backup", "--output", str(out / "k2.db")]) == 0
    assert live.exists()  # another target's run leaves it alone


def test_wrong_arguments_are_named_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--keep -1``, ``--output ''`` and ``restore /dev/zero`` say what is wrong with them."""
    firm_db = tmp_path / "firm.db"
    assert main(["--db", str(firm_db), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(firm_db), "backup", "--keep", "-1"]) == 2
    assert "--keep must be 1 or more" in capsys.readouterr().err
    assert main(["--db", str(firm_db), "backup", "--output", ""]) == 2
    err = capsys.readouterr().err
    assert "--output needs a file name" in err and "folder" not in err
    assert main(["--db", str(firm_db), "restore", "/dev/zero"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bbdispatch: /dev/zero is not a regular file") and "no such" not in err


def test_a_folder_as_output_is_refused_without_promising_to_replace_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """backup never replaces a file, so refusing a folder must not say a file would be."""
    firm_db = tmp_path / "firm.db"
    assert main(["--db", str(firm_db), "init"]) == 0
    folder = tmp_path / "kopie"
    folder.mkdir()
    capsys.readouterr()
    assert main(["--db", str(firm_db), "backup", "--output", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "is not a regular file (it is a folder): name a new file" in err
    assert "replace" not in err and err.count("\n") == 1
