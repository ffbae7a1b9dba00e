"""The command line asks the same rule table as the TUI (docs/rights.md).

The identity of a command is the OS account of its process; here the tests
stand in for other accounts by replacing the two functions that read it.
The last test runs a real process as another OS account, with ``$USER`` lying.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.commands import common
from bbdispatch.domain.rights import Principal


def _as(monkeypatch: pytest.MonkeyPatch, login: str, fallback: Principal | None = None) -> None:
    monkeypatch.setattr(common, "os_login", lambda: login)
    monkeypatch.setattr(common, "os_fallback", lambda: fallback)


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _one_line_refusal(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Not allowed" in err or "not a bbdispatch user" in err, err
    return err


def test_technician_with_a_shell_cannot_make_an_admin(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's example: ``people add x X --role admin`` from a technician's shell."""
    _as(monkeypatch, "anna")
    people = _count(demo_db_path, "SELECT count(*) FROM technician")
    assert main(["--db", str(demo_db_path), "people", "add", "x", "X", "--role", "admin"]) == 1
    assert "may not manage people" in _one_line_refusal(capsys)
    assert _count(demo_db_path, "SELECT count(*) FROM technician") == people
    refusals = "SELECT count(*) FROM audit_log WHERE entity = 'rights' AND actor = 'anna'"
    assert _count(demo_db_path, refusals) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("people", "list"),
        ("contracts",),
        ("schedule", "run"),
        ("report", "statement", "--client", "1", "--from", "2026-10-01", "--to", "2026-10-31"),
        ("inventory", "diff", "--client", "1"),
        ("import", "CLIENTS"),
    ],
)
def test_technician_is_refused_office_commands(
    demo_db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
) -> None:
    _as(monkeypatch, "anna")
    clients = demo_db_path.with_name("clients.csv")
    clients.write_text("name\nBiuro Nowe\n", encoding="utf-8")
    args = tuple(str(clients) if a == "CLIENTS" else a for a in args)
    assert main(["--db", str(demo_db_path), *args]) == 1
    _one_line_refusal(capsys)


def test_only_an_admin_issues_a_period(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = ["--db", str(demo_db_path), "report", "statement", "--client", "3",
              "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json"]  # fmt: skip
    _as(monkeypatch, "beata")
    assert main(report) == 0
    capsys.readouterr()
    assert main([*report, "--issue"]) == 1
    assert "may not issue billing periods" in _one_line_refusal(capsys)
    assert _count(demo_db_path, "SELECT count(*) FROM statement") == 0
    _as(monkeypatch, "bogdan")
    assert main([*report, "--issue"]) == 0
    assert _count(demo_db_path, "SELECT count(*) FROM statement") == 1


def test_dispatcher_runs_the_schedule(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, "beata")
    # 3: allowed, and it reported the demo's missed backup check (docs/cli.md).
    assert main(["--db", str(demo_db_path), "schedule", "run"]) in (0, 3)
    assert "not allowed" not in capsys.readouterr().err


def test_phone_system_rings_and_looks_up_but_nothing_else(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, "pbx", Principal.PHONE)
    db = str(demo_db_path)
    assert main(["--db", db, "ring", "601 234 567"]) == 0
    assert "Kancelaria" in capsys.readouterr().out
    assert main(["--db", db, "lookup", "601 234 567"]) == 0
    out = capsys.readouterr().out
    assert "Kancelaria" in out
    assert "open jobs" not in out and "BB/" not in out  # names only, no contracts
    assert main(["--db", db, "people", "list"]) == 1
    _one_line_refusal(capsys)
    assert main(["--db", db, "contracts"]) == 1
    _one_line_refusal(capsys)


def test_an_unknown_account_is_refused(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, "mallory")
    assert main(["--db", str(demo_db_path), "ring", "601 234 567"]) == 1
    assert "mallory is not a bbdispatch user" in _one_line_refusal(capsys)


def _nobody_runs_python() -> bool:
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return False
    probe = ["runuser", "-u", "nobody", "--", sys.executable, "-c", "import bbdispatch"]
    return subprocess.run(probe, capture_output=True, timeout=60).returncode == 0


@pytest.mark.parametrize(
    ("login", "fallback"),
    [("anna", None), ("stranger", None), ("pbx", Principal.PHONE)],
    ids=["technician", "no-person", "phone"],
)
@pytest.mark.parametrize("reset", [True, False], ids=["reset", "plain"])
def test_only_an_admin_replaces_a_database_with_the_demo(
    demo_db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    login: str,
    fallback: Principal | None,
    reset: bool,
) -> None:
    """The tester's attack: ``demo --reset`` on the firm's database, then ``init --admin``."""
    _as(monkeypatch, login, fallback)
    before = demo_db_path.read_bytes()
    assert main(["--db", str(demo_db_path), "demo", *(["--reset"] if reset else [])]) == 1
    err = _one_line_refusal(capsys)
    assert "Only an admin of" in err
    assert demo_db_path.exists()
    people = _count(demo_db_path, "SELECT count(*) FROM technician")
    clients = _count(demo_db_path, "SELECT count(*) FROM client")
    assert people > 1 and clients > 0
    assert _count(demo_db_path, "SELECT count(*) FROM technician WHERE login = 'stranger'") == 0
    assert len(demo_db_path.read_bytes()) >= len(before) // 2


def test_an_admin_may_reset_the_demo(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, "bogdan")
    assert main(["--db", str(demo_db_path), "demo", "--reset"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    ("login", "fallback"),
    [("anna", None), ("stranger", None), ("pbx", Principal.PHONE)],
    ids=["technician", "no-person", "phone"],
)
def test_naming_an_admin_of_a_database_with_one_needs_an_admin(
    demo_db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    login: str,
    fallback: Principal | None,
) -> None:
    _as(monkeypatch, login, fallback)
    admins = "SELECT group_concat(login) FROM technician WHERE role = 'admin'"
    with sqlite3.connect(demo_db_path) as conn:
        before = conn.execute(admins).fetchone()[0]
        first = before.split(",")[0]
    assert main(["--db", str(demo_db_path), "init", "--admin", first]) == 1
    _one_line_refusal(capsys)
    with sqlite3.connect(demo_db_path) as conn:
        assert conn.execute(admins).fetchone()[0] == before


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder every login can reach and write (pytest's own is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="bbdispatch-shared-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _as_nobody(db: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "USER": "bogdan", "LOGNAME": "bogdan", "HOME": str(home)}
    return subprocess.run(
        ["runuser", "-u", "nobody", "--", sys.executable, "-m", "bbdispatch",
         "--db", str(db), *args],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


@pytest.mark.skipif(not _nobody_runs_python(), reason="needs root, runuser and a shared venv")
def test_identity_is_the_os_account_not_user_variable(
    demo_db_path: Path, shared_folder: Path
) -> None:
    """A real process as ``nobody`` claiming ``USER=bogdan`` (an admin) gets nothing."""
    db = shared_folder / "demo.db"
    shutil.copy(demo_db_path, db)
    db.chmod(0o666)
    done = _as_nobody(db, shared_folder, "people", "add", "x", "X", "--role", "admin")
    assert done.returncode == 1, done.stderr
    assert "nobody is not a bbdispatch user" in done.stderr
    assert done.stderr.count("\n") == 1
    assert _count(db, "SELECT count(*) FROM technician WHERE login = 'x'") == 0


@pytest.mark.skipif(not _nobody_runs_python(), reason="needs root, runuser and a shared venv")
@pytest.mark.parametrize("where", ["folder", "file"])
def test_a_database_out_of_reach_is_one_line(
    demo_db_path: Path, shared_folder: Path, tmp_path: Path, where: str
) -> None:
    """The CI fault: a database the login may not read gave a traceback, not a line."""
    if where == "folder":  # pytest's folder: root's alone
        db, home = demo_db_path, tmp_path
    else:
        db, home = shared_folder / "demo.db", shared_folder
        shutil.copy(demo_db_path, db)
        db.chmod(0o600)
    for args in (("people", "list"), ("ring", "+48123456789"), ("demo", "--reset")):
        done = _as_nobody(db, home, *args)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.count("\n") == 1, done.stderr
        assert "Cannot open database" in done.stderr, done.stderr
    assert db.exists()
