"""A firm's first day: ``init`` names the first admin, and a database without one says how."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.people import Role
from bbdispatch.services.bootstrap import AdminOutcome, ensure_first_admin
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import add_person, identify, os_login


def test_init_makes_the_running_login_the_first_admin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    out = capsys.readouterr().out
    assert f"{os_login()} is the first admin" in out
    rows = sqlite3.connect(db).execute("SELECT login, role FROM technician").fetchall()
    assert rows == [(os_login(), "admin")]
    assert main(["--db", str(db), "init"]) == 0  # again: nothing changes, says who
    assert f"admins: {os_login()}" in capsys.readouterr().out


def test_init_admin_names_another_login(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 0
    assert "bogdan is the first admin" in capsys.readouterr().out
    assert main(["--db", str(db), "init", "--admin", "celina"]) == 1
    err = capsys.readouterr().err
    assert "has an admin already (bogdan)" in err and err.count("\n") == 1


def test_init_then_demo_still_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 0  # a demo login
    assert main(["--db", str(db), "demo"]) == 1  # bogdan is not the login running demo
    assert main(["--db", str(db), "demo", "--reset"]) == 0
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()


async def test_an_existing_person_is_promoted(ctx: Ctx) -> None:
    await add_person(ctx, "anna", "Anna", Role.TECHNICIAN)
    first = await ensure_first_admin(ctx, "anna", named=True)
    assert first.outcome is AdminOutcome.PROMOTED
    assert (await identify(ctx, "anna")).role is Role.ADMIN
    again = await ensure_first_admin(ctx, "zenon", named=False)
    assert again.outcome is AdminOutcome.EXISTING and again.admins == ("anna",)
    with pytest.raises(DomainError, match="admin already"):
        await ensure_first_admin(ctx, "zenon", named=True)


async def test_no_admin_says_which_command_makes_one(ctx: Ctx) -> None:
    with pytest.raises(NotFound) as err:
        await identify(ctx, "root")
    assert f"bbdispatch --db {ctx.db.path} init --admin LOGIN" in str(err.value)
    await add_person(ctx, "bogdan", "Bogdan", Role.ADMIN)
    with pytest.raises(NotFound, match="ask an admin to add you"):
        await identify(ctx, "root")


def _as_nobody(monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the command as the OS account ``nobody`` (not root: no admin fallback)."""
    import os
    import pwd

    uid = pwd.getpwnam("nobody").pw_uid
    monkeypatch.setattr(os, "getuid", lambda: uid)
    return "nobody"


def test_a_login_other_than_root_cannot_make_another_the_first_admin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever creates the database owns its file: a technician may not create the firm's
    database with the boss as its admin (their seal would count as the owner's)."""
    db = tmp_path / "firm.db"
    _as_nobody(monkeypatch)
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 1
    assert "Only root may make another login the first admin" in capsys.readouterr().err
    assert not db.exists()  # refused before the file was made
    assert main(["--db", str(db), "init", "--admin", "nobody"]) == 0  # oneself: fine
    assert "nobody is the first admin" in capsys.readouterr().out


async def test_the_first_admin_of_an_empty_database_is_the_one_running_init(ctx: Ctx) -> None:
    with pytest.raises(DomainError, match="Only root may"):
        await ensure_first_admin(ctx, "bogdan", named=True, may_name_another=False)
    first = await ensure_first_admin(ctx, ctx.actor, named=True, may_name_another=False)
    assert first.outcome is AdminOutcome.CREATED


def test_init_run_by_a_technician_does_not_say_who_the_admins_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 0  # root names the admin
    assert main(["--db", str(db), "people", "add", "nobody", "Nobody", "--role", "technician"]) == 0
    capsys.readouterr()
    _as_nobody(monkeypatch)
    assert main(["--db", str(db), "init"]) == 0
    out = capsys.readouterr().out
    assert "bogdan" not in out and "This database has an admin already." in out


@pytest.mark.parametrize(
    "command",
    [["clients"], ["contracts"], ["people", "list"], ["jobs"], ["backup"], ["schedule", "run"]],
)
def test_every_command_on_a_database_without_an_admin_names_the_command_that_makes_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    """Issue 18: a command (not only a screen) said "ask an admin to add you" when there
    was no admin to ask; every entry point names the command that makes one."""
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 0
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM technician")
    conn.commit()
    conn.close()
    capsys.readouterr()
    _as_nobody(monkeypatch)
    assert main(["--db", str(db), *command]) == 1
    err = capsys.readouterr().err
    assert f"bbdispatch --db {db} init --admin LOGIN" in err, err
    assert "ask an admin" not in err and err.count("\n") == 1


def test_init_does_not_create_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo in --db made a whole folder tree and an empty database nobody would find."""
    monkeypatch.chdir(tmp_path)
    assert main(["--db", "no/such/dir/firm.db", "init"]) == 2
    err = capsys.readouterr().err
    assert "--db: the folder no does not exist" in err and "mkdir -p no/such/dir" in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "no").exists()
    monkeypatch.setenv("BBDISPATCH_DB", "nope/firm.db")
    assert main(["demo"]) == 2
    assert "BBDISPATCH_DB: the folder nope does not exist" in capsys.readouterr().err
    assert not (tmp_path / "nope").exists()
    (tmp_path / "here").mkdir()
    assert main(["--db", "here/firm.db", "init"]) == 0  # an existing folder: as before
    assert (tmp_path / "here" / "firm.db").is_file()


def test_a_technician_cannot_make_themselves_admin_of_a_database_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: on a database upgraded from a version without admins, a technician ran
    'init' and became the firm's admin. Only root or the file's owner may bootstrap
    (docs/getting-started.md)."""
    import os
    import pwd

    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 0
    assert main(["--db", str(db), "people", "add", "nobody", "Nobody", "--role", "technician"]) == 0
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM technician WHERE login = 'bogdan'")  # an older version's database
    conn.commit()
    conn.close()
    capsys.readouterr()
    uid = pwd.getpwnam("nobody").pw_uid
    _as_nobody(monkeypatch)
    for admin in ([], ["--admin", "nobody"]):
        assert main(["--db", str(db), "init", *admin]) == 1
        err = capsys.readouterr().err
        assert "only root or the owner of the database file (root) may make the first one" in err
        assert err.count("\n") == 1, err
    rows = sqlite3.connect(db).execute("SELECT login, role FROM technician").fetchall()
    assert rows == [("nobody", "technician")]
    os.chown(db, uid, -1)  # the file's owner may
    assert main(["--db", str(db), "init"]) == 0
    assert "nobody is now the first admin" in capsys.readouterr().out
