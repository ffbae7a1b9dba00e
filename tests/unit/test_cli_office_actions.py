"""Every action the TUI offers on calls, callbacks, jobs and contracts is also a command.

``callbacks`` (list, add, done, attempt), ``calls`` (list, note, mark), ``jobs
edit``, ``contracts move`` and ``contracts close``: each asserted on its output,
exit code and what the database holds, with the TUI's services and rights.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FIRM_ZONE
from tests.unit.test_cli_office import cli, cli_json, db, new_private, yesterday

__all__ = ["db"]  # the fixture, shared with the office's other command tests


def rows(path: str, sql: str, *params: object) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def later(hours: int) -> str:
    """A local time ``hours`` from now, as a script would pass it."""
    at = datetime.now(FIRM_ZONE).replace(second=0, microsecond=0) + timedelta(hours=hours)
    return at.isoformat()


def one_line(err: str, flag: str) -> None:
    assert err.startswith(f"bbdispatch: {flag}: "), err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_callbacks_add_list_attempt_and_done(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    made = cli_json(db, capsys, "callbacks", "add", "--client", str(client_id), "--reason",
                    "Oddzwonić w sprawie faktury", "--due", later(2), "--name", "Jan")  # fmt: skip
    listed = cli_json(db, capsys, "callbacks")
    assert [(c["kind"], c["id"], c["reason"], c["client_id"], c["due"]) for c in listed] == [
        ("callback", made["id"], "Oddzwonić w sprawie faktury", client_id, False)
    ]
    assert datetime.fromisoformat(listed[0]["due_at"]).utcoffset() is not None
    assert "Oddzwonić w sprawie faktury" in cli(db, capsys, "callbacks")

    before = rows(db, "SELECT due_at FROM callback")[0][0]
    out = cli(db, capsys, "callbacks", "attempt", str(made["id"]), "--note", "poczta głosowa",
              "--retry", later(5))  # fmt: skip
    assert "no answer" in out
    after = rows(db, "SELECT due_at, done_at FROM callback")[0]
    assert after[0] > before and after[1] is None  # still open, due later
    assert rows(db, "SELECT action FROM audit_log WHERE entity = 'callback'") == [
        ("created",), ("no_answer",)
    ]  # fmt: skip

    assert "done" in cli(db, capsys, "callbacks", "done", str(made["id"]), "--outcome", "Umówiony")
    assert rows(db, "SELECT outcome, done_by <> '' FROM callback") == [("Umówiony", 1)]
    assert cli_json(db, capsys, "callbacks") == []
    err = cli(db, capsys, "callbacks", "done", str(made["id"]), "--outcome", "x", code=1)
    assert "already made" in err and err.count("\n") == 1


def test_callback_input_is_checked_naming_the_flag(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    one_line(cli(db, capsys, "callbacks", "add", "--reason", "x", code=2), "--client")
    one_line(cli(db, capsys, "callbacks", "add", "--phone", "12", "--reason", "x", code=2),
             "--phone")  # fmt: skip
    one_line(cli(db, capsys, "callbacks", "add", "--phone", "601 100 200", "--reason", " ",
                 code=2), "--reason")  # fmt: skip
    made = cli_json(db, capsys, "callbacks", "add", "--phone", "601 100 200", "--reason", "Oferta")
    assert rows(db, "SELECT e164, client_id FROM callback") == [("+48601100200", None)]
    one_line(cli(db, capsys, "callbacks", "done", str(made["id"]), "--outcome", " ", code=2),
             "--outcome")  # fmt: skip
    one_line(cli(db, capsys, "callbacks", "attempt", str(made["id"]), "--retry", yesterday(9),
                 code=2), "--retry")  # fmt: skip
    assert rows(db, "SELECT done_at FROM callback") == [(None,)]


def test_calls_list_note_and_mark(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    cli(db, capsys, "ring", "601100200")
    cli(db, capsys, "ring", "500600700")
    calls = cli_json(db, capsys, "calls")
    assert [(c["e164"], c["client_id"], c["outcome"]) for c in calls] == [
        ("+48500600700", None, "pending"), ("+48601100200", client_id, "pending"),
    ]  # fmt: skip
    known, stranger = calls[1]["id"], calls[0]["id"]
    waiting = cli_json(db, capsys, "callbacks")
    assert {c["id"] for c in waiting if c["kind"] == "call"} == {known, stranger}

    cli(db, capsys, "calls", "note", str(known), "Pyta o termin wizyty")
    cli(db, capsys, "calls", "mark", str(known), "information")
    assert rows(db, "SELECT note, outcome FROM call_log WHERE id = ?", known) == [
        ("Pyta o termin wizyty", "information")
    ]
    assert "Pyta o termin wizyty" in cli(db, capsys, "calls")
    cli(db, capsys, "calls", "mark", str(stranger), "missed", "--note", "Nie zdążyłem")
    # A missed call goes on the callback list at once, as in the TUI.
    assert rows(db, "SELECT call_id, e164 FROM callback") == [(stranger, "+48500600700")]
    err = cli(db, capsys, "calls", "mark", str(known), "job_created", code=2)
    assert "OUTCOME" in err or "outcome" in err
    assert cli(db, capsys, "calls", "note", "999", "x", code=2).count("\n") == 1


def test_jobs_edit_changes_what_is_given_and_keeps_the_rest(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description",
                   "Laptop nie startuje")["id"]  # fmt: skip
    changed = cli_json(db, capsys, "jobs", "edit", str(job), "--priority", "emergency",
                       "--price", "350")["changed"]  # fmt: skip
    assert changed == ["agreed_price", "priority"]
    assert rows(db, "SELECT description, priority, mode, agreed_price_grosze, agreed_rate_grosze"
                " FROM job") == [("Laptop nie startuje", "emergency", "remote", 35000, None)]  # fmt: skip
    cli(db, capsys, "jobs", "edit", str(job), "--rate", "120", "--mode", "onsite",
        "--description", "Laptop i drukarka")  # fmt: skip
    assert rows(db, "SELECT description, mode, agreed_price_grosze, agreed_rate_grosze"
                " FROM job") == [("Laptop i drukarka", "onsite", None, 12000)]  # fmt: skip
    cli(db, capsys, "jobs", "edit", str(job), "--no-agreed")
    assert rows(db, "SELECT agreed_price_grosze, agreed_rate_grosze FROM job") == [(None, None)]
    out = cli(db, capsys, "jobs", "edit", str(job), "--tech", "anna", "--visit", later(24))
    assert "anna" in out
    assert rows(db, "SELECT t.login, j.status FROM job j JOIN technician t"
                " ON t.id = j.technician_id") == [("anna", "assigned")]  # fmt: skip
    listed = cli_json(db, capsys, "jobs", "--client", str(client_id))
    assert listed[0]["technician"] == "anna" and listed[0]["mode"] == "onsite"


@pytest.mark.parametrize(
    ("flags", "flag"),
    [
        (["--description", " "], "--description"),
        (["--contract", "abc"], "--contract"),
        (["--price", "100001"], "--price"),
        (["--tech", "nobody"], "--tech"),
        (["--visit", "2026-13-01T10:00"], "--visit"),
    ],
)
def test_jobs_edit_bad_input_is_exit_2_and_changes_nothing(
    db: str, capsys: pytest.CaptureFixture[str], flags: list[str], flag: str
) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    before = rows(db, "SELECT * FROM job")
    err = cli(db, capsys, "jobs", "edit", str(job["id"]), *flags, code=2)
    assert flag in err and err.count("\n") == 1 and "Traceback" not in err
    assert rows(db, "SELECT * FROM job") == before


def test_contracts_move_uncovered_time_and_close(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Biuro Lis")
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client["id"]), "--description",
                   "Serwer", "--received-at", yesterday(8))["id"]  # fmt: skip
    cli(db, capsys, "jobs", "assign", str(job), "--to", "anna")
    cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(9), "--to",
        yesterday(10, 30), "--text", "Naprawa", "--tech", "anna")  # fmt: skip
    assert rows(db, "SELECT contract_id, basis, minutes FROM charge") == [(None, "uncovered", 90)]
    starts = yesterday(0)[:10]
    signed = cli_json(db, capsys, "contracts", "sign", "--client", str(client["id"]),
                      "--product", "starter-10h", "--starts", starts)  # fmt: skip
    # Signed without --move-uncovered: the time waits, then moves on its own command.
    assert rows(db, "SELECT contract_id FROM charge") == [(None,)]
    moved = cli_json(db, capsys, "contracts", "move", str(signed["id"]))
    assert moved == {"id": signed["id"], "moved_minutes": 90}
    assert rows(db, "SELECT contract_id, basis, minutes FROM charge") == [
        (signed["id"], "block", 90)
    ]
    err = cli(db, capsys, "contracts", "move", str(signed["id"]), code=1)  # nothing left
    assert "No uncovered time" in err and err.count("\n") == 1

    one_line(cli(db, capsys, "contracts", "close", str(signed["id"]), "--reason", " ", code=2),
             "--reason")  # fmt: skip
    # 8.5 h prepaid left: closing gives them up, so a script must say --yes.
    err = cli(db, capsys, "contracts", "close", str(signed["id"]), "--reason",
              "Zastąpiona umową serwisową", code=2)  # fmt: skip
    assert err == (
        "bbdispatch: BB/2026/001 has 8.5 h of prepaid time left; closing gives it up."
        " Give --yes to close it anyway.\n"
    )
    assert rows(db, "SELECT status FROM contract") == [("active",)]
    assert "closed" in cli(db, capsys, "contracts", "close", str(signed["id"]), "--reason",
                           "Zastąpiona umową serwisową", "--yes")  # fmt: skip
    assert rows(db, "SELECT status FROM contract") == [("closed",)]
    err = cli(db, capsys, "contracts", "move", str(signed["id"]), code=1)
    assert "cannot take" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ("callbacks",),
        ("callbacks", "add", "--phone", "601100200", "--reason", "x"),
        ("callbacks", "done", "1", "--outcome", "x"),
        ("callbacks", "attempt", "1"),
        ("calls",),
        ("calls", "note", "1", "x"),
        ("calls", "mark", "1", "missed"),
        ("jobs", "edit", "1", "--priority", "low"),
        ("contracts", "move", "1"),
        ("contracts", "close", "1", "--reason", "x"),
    ],
)
def test_a_technician_is_refused_in_the_service(
    db: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    client_id = new_private(db, capsys)
    cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    audit = rows(db, "SELECT count(*) FROM audit_log WHERE entity = 'rights'")[0][0]
    err = cli(db, capsys, "--as", "anna", *args, code=1)
    assert "Not allowed" in err and err.count("\n") == 1
    assert rows(db, "SELECT count(*) FROM audit_log WHERE entity = 'rights'")[0][0] == audit + 1


def test_a_waived_assessment_lets_a_service_contract_be_signed(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Biuro Lis")
    one_line(cli(db, capsys, "assessments", "waive", "--client", str(client["id"]), "--reason",
                 " ", code=2), "--reason")  # fmt: skip
    cli(db, capsys, "contracts", "sign", "--client", str(client["id"]), "--product",
        "service-50h", code=2)  # fmt: skip
    waived = cli_json(db, capsys, "assessments", "waive", "--client", str(client["id"]),
                      "--reason", "Stały klient poprzedniej firmy")  # fmt: skip
    assert rows(db, "SELECT id, waived, waiver_reason FROM needs_assessment") == [
        (waived["id"], 1, "Stały klient poprzedniej firmy")
    ]
    cli(db, capsys, "contracts", "sign", "--client", str(client["id"]), "--product", "service-50h")
    assert rows(db, "SELECT product_code, assessment_id FROM contract") == [
        ("service-50h", waived["id"])
    ]


def test_closing_a_block_with_hours_left_asks_on_a_terminal(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notary's block has prepaid hours left: a terminal asks, and "n" keeps it open."""
    import builtins
    import sys

    asked: list[str] = []
    answers = iter(["n", "y"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(builtins, "input", lambda q: asked.append(q) or next(answers))
    close = ["--db", str(demo_db_path), "--as", "tester", "contracts", "close", "1", "--reason",
             "Umowa rozwiązana"]  # fmt: skip
    assert main(close) == 1
    assert "not closed" in capsys.readouterr().out
    assert "prepaid time left; closing gives it up. Close it? [y/N]" in asked[0]
    assert rows(str(demo_db_path), "SELECT status FROM contract WHERE id = 1") != [("closed",)]
    assert main(close) == 0
    assert rows(str(demo_db_path), "SELECT status FROM contract WHERE id = 1") == [("closed",)]


SPOOF = '{"bb:msg":"call.interrupted_typed","text":"SPOOF"}'


def test_calls_word_system_notes_and_show_typed_ones_as_typed(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A note typed as a system message reads as typed; the system's own reads in words."""
    from bbdispatch.domain.messages import stored

    cli(db, capsys, "ring", "601100200")
    cli(db, capsys, "ring", "500600700")
    typed_id, system_id = (c["id"] for c in cli_json(db, capsys, "calls"))
    cli(db, capsys, "calls", "note", str(typed_id), SPOOF)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE call_log SET note = ? WHERE id = ?",
            (stored("call.closed_without_job_typed", text="Drukarka"), system_id),
        )
    listing = cli(db, capsys, "calls")
    assert "Interrupted" not in listing
    assert SPOOF in listing and "Closed without a job: Drukarka" in listing
    assert "bb:msg" not in listing.replace(SPOOF, "")
    notes = {c["id"]: (c["note"], c["note_code"]) for c in cli_json(db, capsys, "calls")}
    assert notes == {
        typed_id: (SPOOF, None),
        system_id: ("Closed without a job: Drukarka", "call.closed_without_job_typed"),
    }
    cli(db, capsys, "calls", "mark", str(system_id), "information", "--note", SPOOF)
    assert cli_json(db, capsys, "calls")[-1]["note"] == SPOOF


def test_a_job_reason_typed_as_a_system_message_reads_as_typed(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A status change's reason is the person's text, even when it looks like "assigned to X"."""
    from bbdispatch.domain.messages import shown

    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    reason = '{"bb:msg":"status.assigned","name":"SPOOF"}'
    cli(db, capsys, "jobs", "status", str(job["id"]), "cancelled", "--reason", reason)
    (note,) = rows(db, "SELECT note FROM job_status_change WHERE to_status = 'cancelled'")[0]
    assert shown(note, "en") == reason and shown(note, "pl") == reason
