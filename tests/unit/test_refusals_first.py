"""The right comes first, and every refusal leaves one audit row saying who, what and why.

A fresh tester found: a technician's ``contracts import`` listed the file's
column errors before "not allowed", ``time edit`` of another's entry named the
edit window or the running timer, a refused ``--as`` left no trace and a login
that is no person was audited with an empty action.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import build_parser, main
from bbdispatch.commands import common
from bbdispatch.commands.needs import COMMAND_NEEDS
from bbdispatch.domain.rights import Principal, Refused
from bbdispatch.services import board
from bbdispatch.services.context import Ctx
from tests.unit.test_cli_as import CASES, REFUSED, _leaves


def _as(monkeypatch: pytest.MonkeyPatch, login: str, fallback: Principal | None = None) -> None:
    monkeypatch.setattr(common, "os_login", lambda: login)
    monkeypatch.setattr(common, "os_fallback", lambda: fallback)


def _refusals(db: Path) -> list[dict[str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT actor, detail FROM audit_log WHERE entity = 'rights' AND action = 'refused'"
            " ORDER BY id"
        ).fetchall()
    return [{"actor": actor, **json.loads(detail)} for actor, detail in rows]


def _entry(db: Path, login: str, *, running: bool) -> int:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT w.id FROM work_entry w JOIN technician t ON t.id = w.technician_id"
            f" WHERE t.login = ? AND w.ended_at IS {'' if running else 'NOT '}NULL"
            " ORDER BY w.id LIMIT 1",
            (login,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_every_subcommand_says_what_it_needs() -> None:
    commands = set(_leaves(build_parser())) - {""}
    assert commands == set(COMMAND_NEEDS)


BAD_INPUT = {
    "CSV": "no,such,columns\n\x00\x01garbage\n",
    "PEOPLE": "nonsense\n",
    "CONTRACTS": "client,product\n999999,no-such-product\n",
    "SOFTWARE": "",
}


@pytest.mark.parametrize(
    "command",
    sorted(c for c, (_a, e) in CASES.items() if e == REFUSED and c not in ("restore", "migrate")),
)
def test_a_technician_learns_only_that_they_may_not(
    command: str,
    demo_db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Bad files, unknown ids and missing files: the answer is the refusal, nothing else."""
    _as(monkeypatch, "anna")
    paths = {}
    for name, text in BAD_INPUT.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    args, _expected = CASES[command]
    bad = tuple(
        str(paths[a]) if a in paths else "999999" if a.isdigit() and a != "4" else a for a in args
    )
    code = main(["--db", str(demo_db_path), *command.split(), *bad])
    err = capsys.readouterr().err
    own_work = command in ("time add", "inventory load", "time edit")
    assert code == 1, err
    if own_work:  # her own kind of work; the job or entry is none: not on her list
        assert " on your list." in err and err.count("\n") == 1, err
    else:
        assert "Not allowed" in err and err.count("\n") == 1, err


def test_contracts_import_of_a_bad_file_by_a_technician_is_only_refused(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    bad = tmp_path / "contracts.csv"
    bad.write_text("klient;produkt\n;\n", encoding="utf-8")
    _as(monkeypatch, "anna")
    assert main(["--db", str(demo_db_path), "contracts", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bbdispatch: Not allowed") and "column" not in err.lower()
    assert [(r["action"], r["reason"]) for r in _refusals(demo_db_path)] == [
        ("contract.edit", "role")
    ]


@pytest.mark.parametrize("running", [False, True])
def test_time_edit_of_anothers_entry_says_only_not_yours(
    demo_db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    running: bool,
) -> None:
    """Not the edit window, not the running timer: those are piotr's business."""
    entry = _entry(demo_db_path, "piotr", running=running)
    _as(monkeypatch, "anna")
    assert main(["--db", str(demo_db_path), "time", "edit", str(entry), "--text", "x"]) == 1
    err = capsys.readouterr().err
    assert err == f"bbdispatch: No work entry {entry} on your list.\n", err
    assert "days" not in err and "timer" not in err
    (row,) = _refusals(demo_db_path)
    assert (row["action"], row["reason"], row["login"]) == ("time.edit", "not own", "anna")


def test_a_refused_as_is_audited_with_the_login_asked_for(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, "anna")  # a technician
    assert main(["--db", str(demo_db_path), "--as", "beata", "jobs"]) == 1
    _as(monkeypatch, "beata")  # a dispatcher, as an admin
    assert main(["--db", str(demo_db_path), "--as", "bogdan", "jobs"]) == 1
    assert main(["--db", str(demo_db_path), "--as", "nobody", "jobs"]) == 1
    assert main(["--db", str(demo_db_path), "--as", "nobody", "jobs"]) == 1  # within a minute
    capsys.readouterr()
    rows = [(r["actor"], r["action"], r["reason"], r.get("as")) for r in _refusals(demo_db_path)]
    assert rows == [
        ("anna", "act_as", "role", "beata"),
        ("beata", "act_as", "role", "bogdan"),
        ("beata", "act_as", "not a person", "nobody"),
    ]


async def test_a_login_that_is_no_person_is_audited_with_the_action(demo_ctx: Ctx) -> None:
    stranger = demo_ctx.acting_as("mallory")
    with pytest.raises(Refused):
        await board.board_lines(stranger)
    rows = await demo_ctx.db.fetch_all(
        "SELECT actor, detail FROM audit_log WHERE entity = 'rights' AND action = 'refused'"
    )
    assert [r["actor"] for r in rows] == ["mallory"]
    detail = json.loads(rows[0]["detail"])
    assert detail["action"] == "job.list" and detail["reason"] == "not a person"
    assert detail["login"] == "mallory"


def test_a_phone_account_refused_time_is_audited(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The phone system is no person: recording time is refused, and the trail says so."""
    _as(monkeypatch, "pbx", Principal.PHONE)
    args = ["--from", "2026-11-24T09:00", "--to", "2026-11-24T10:00", "--text", "x"]
    assert main(["--db", str(demo_db_path), "time", "add", "--job", "1", *args]) == 1
    assert "Not allowed" in capsys.readouterr().err
    (row,) = _refusals(demo_db_path)
    assert (row["actor"], row["action"], row["role"]) == ("pbx", "time.edit", "phone")
