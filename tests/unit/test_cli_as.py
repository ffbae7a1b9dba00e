"""``--as`` is one global option, applied where every subcommand builds its context.

The tester's example: root ran ``--as anna privacy export --client 1`` (anna is a
technician) and got root's admin rights, because only the office commands applied
``--as``. Every subcommand is listed here with what the rule table
(``docs/rights.md``) gives a technician; a new subcommand must be added.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bbdispatch.cli import build_parser, main
from bbdispatch.commands import common
from bbdispatch.domain.rights import Principal

REFUSED = "refused"
ALLOWED = "allowed"
NOT_HERE = "not here"

PERIOD = ("--from", "2026-10-01", "--to", "2026-10-31")
CASES: dict[str, tuple[tuple[str, ...], str]] = {
    "init": ((), ALLOWED),  # migrating an existing file needs no right
    "demo": ((), NOT_HERE),  # only into a new, empty database
    "pricelist": ((), ALLOWED),  # the shipped price list, no database
    "tech": ((), NOT_HERE),  # a TUI; its own --as is tested in test_tech_command
    "people add": (("x", "X", "--role", "admin"), REFUSED),
    "people import": (("PEOPLE",), REFUSED),
    "people list": ((), REFUSED),
    "people role": (("anna", "admin"), REFUSED),
    "ring": (("+48601100200",), REFUSED),
    "lookup": (("+48601100200",), REFUSED),
    "import": (("CSV",), REFUSED),
    "schedule run": ((), REFUSED),
    "inventory load": (("--job", "1", "SOFTWARE"), REFUSED),
    "inventory diff": (("--client", "1"), REFUSED),
    "inventory show": (("--client", "1"), REFUSED),
    "contracts": ((), REFUSED),
    "contracts sign": (("--client", "1", "--product", "X"), REFUSED),
    "contracts import": (("CONTRACTS",), REFUSED),
    "report statement": (("--client", "1", *PERIOD), REFUSED),
    "report itadmin": (("--client", "1", "--month", "2026-10"), REFUSED),
    "backup": ((), REFUSED),
    "restore": (("BACKUP",), REFUSED),
    "migrate": (("--to", "postgresql://nobody@127.0.0.1:1/none"), REFUSED),  # before connecting
    "privacy export": (("--client", "1"), REFUSED),
    "privacy erase": (("--client", "1"), REFUSED),
    "doctor": ((), NOT_HERE),  # checks the machine, not the firm's data
    "calendar": ((), ALLOWED),  # public holidays
    "clients": ((), REFUSED),
    "clients show": (("1",), REFUSED),
    "clients add": (("--kind", "company", "--name", "X"), REFUSED),
    "clients edit": (("1", "--name", "X"), REFUSED),
    "clients archive": (("1",), REFUSED),
    "clients reactivate": (("1",), REFUSED),
    "assessments add": (("--client", "1", "--needs", "x", "--rules", "y"), REFUSED),
    "jobs": ((), REFUSED),
    "jobs add": (("--client", "1", "--description", "X"), REFUSED),
    "jobs assign": (("1", "--to", "anna"), REFUSED),
    "jobs status": (("1", "cancelled", "--reason", "x"), REFUSED),
    "time add": (
        ("--job", "1", "--from", "2026-11-24T09:00", "--to", "2026-11-24T10:00", "--text", "x"),
        REFUSED,  # job 1 is not anna's
    ),
    "time edit": (("4", "--text", "x", "--long"), REFUSED),  # piotr's entry,
    "assessments waive": (("--client", "1", "--reason", "x"), REFUSED),
    "jobs edit": (("1", "--priority", "low"), REFUSED),
    "contracts move": (("1",), REFUSED),
    "contracts close": (("1", "--reason", "x"), REFUSED),
    "calls": ((), REFUSED),
    "calls note": (("1", "x"), REFUSED),
    "calls mark": (("1", "missed"), REFUSED),
    "callbacks": ((), REFUSED),
    "callbacks add": (("--phone", "601100200", "--reason", "x"), REFUSED),
    "callbacks done": (("1", "--outcome", "x"), REFUSED),
    "callbacks attempt": (("1",), REFUSED),
    "callbacks cancel": (("1",), REFUSED),
    "language": (("pl",), REFUSED),
    "audit verify": ((), REFUSED),
}


def _leaves(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            if prefix and parser.get_default("handler") is not None:
                yield " ".join(prefix)  # the group itself runs (``clients`` lists)
            for name, child in action.choices.items():
                yield from _leaves(child, (*prefix, name))
            return
    yield " ".join(prefix)


def test_every_subcommand_is_listed() -> None:
    """A new subcommand must say here what a technician acting by ``--as`` gets."""
    commands = set(_leaves(build_parser())) - {""}
    assert commands - set(CASES) == set()


@pytest.mark.parametrize("command", sorted(c for c, (_a, e) in CASES.items() if e != NOT_HERE))
def test_root_as_a_technician_has_the_technicians_rights(
    command: str,
    demo_db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """root (an admin by its account) with ``--as anna`` has exactly anna's rights."""
    monkeypatch.setattr(common, "os_login", lambda: "root")
    monkeypatch.setattr(common, "os_fallback", lambda: Principal.ADMIN)
    monkeypatch.setattr("bbdispatch.commands.backup.os_login", lambda: "root")
    files = {
        "CSV": "name\nBiuro Nowe\n",
        "PEOPLE": "login,name\nx,X\n",
        "CONTRACTS": "client,product,start\n1,service-50h,2026-01-01\n",
        "SOFTWARE": "name,version\n7-Zip,23.01\n",
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    paths["BACKUP"] = tmp_path / "backup.db"
    shutil.copy(demo_db_path, paths["BACKUP"])
    args, expected = CASES[command]
    args = tuple(str(paths[a]) if a in paths else a for a in args)
    with sqlite3.connect(demo_db_path) as conn:
        audit_before = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    code = main(["--db", str(demo_db_path), "--as", "anna", *command.split(), *args])
    err = capsys.readouterr().err
    if expected == REFUSED:
        assert code == 1, err
        # piotr's old entry: "not on your list" before anything about its edit window.
        assert "Not allowed" in err or " on your list." in err, err
        assert err.count("\n") == 1, err
    else:
        assert code == 0, err
    with sqlite3.connect(demo_db_path) as conn:
        changed = conn.execute(
            "SELECT count(*) FROM audit_log WHERE actor = 'root' AND entity != 'rights'"
        ).fetchone()[0]
    assert audit_before is not None
    assert changed == 0, "root's own rights were used"


@pytest.mark.parametrize(
    "argv",
    [
        ("--as", "anna", "--as", "piotr", "people", "list"),
        ("--as=anna", "--as=anna", "jobs"),
        ("--as", "anna", "tech", "--as", "piotr"),
        ("tech", "--as", "anna", "--as", "piotr"),
        ("--as", "anna", "--as", "piotr"),  # the dispatcher TUI
    ],
)
def test_a_second_as_is_refused_not_silently_dropped(
    argv: tuple[str, ...],
    demo_db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Whose rights a command runs with must be what was typed: two ``--as`` are an error."""
    started: list[object] = []
    monkeypatch.setattr("bbdispatch.launch.run_dispatcher", started.append)
    monkeypatch.setattr("bbdispatch.launch.run_tui", lambda *a: started.append(a) or 0)
    with pytest.raises(SystemExit) as done:
        main(["--db", str(demo_db_path), *argv])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "--as" in err and "more than once" in err and err.count("\n") == 1, err
    assert started == []
