"""``callbacks add`` refuses a time already past and takes the client's number; ``callbacks cancel``.

The tester's findings: a callback due yesterday was accepted; one made with
``--client`` carried no number to ring; nothing called a callback off from the
command line (the TUI's list has "call off").
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest

from bbdispatch.clock import FIRM_ZONE
from tests.unit.test_cli_office import cli, cli_json, db, new_private

__all__ = ["db"]


def rows(path: str, sql: str) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def minutes_from_now(minutes: int) -> str:
    at = datetime.now(FIRM_ZONE).replace(second=0, microsecond=0) + timedelta(minutes=minutes)
    return at.isoformat()


def test_a_due_time_already_past_is_refused_and_now_is_taken(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = str(new_private(db, capsys))
    err = cli(db, capsys, "callbacks", "add", "--client", client_id, "--reason", "x",
              "--due", minutes_from_now(-24 * 60), code=2)  # fmt: skip
    assert err == "bbdispatch: --due: That time has passed: give a later one.\n"
    assert rows(db, "SELECT count(*) FROM callback") == [(0,)]
    cli(db, capsys, "callbacks", "add", "--client", client_id, "--reason", "x",
        "--due", minutes_from_now(0))  # fmt: skip
    assert rows(db, "SELECT count(*) FROM callback") == [(1,)]


def test_a_callback_for_a_client_rings_the_clients_main_number(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = str(new_private(db, capsys))
    made = cli_json(db, capsys, "callbacks", "add", "--client", client_id, "--reason", "Oferta")
    assert rows(db, f"SELECT e164 FROM callback WHERE id = {made['id']}") == [("+48601100200",)]
    listed = cli_json(db, capsys, "callbacks")
    assert listed[0]["e164"] == "+48601100200"


def test_a_client_without_a_number_needs_phone(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    bare = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Cisza sp. z o.o.")
    err = cli(db, capsys, "callbacks", "add", "--client", str(bare["id"]), "--reason", "x", code=2)
    assert err.startswith("bbdispatch: --phone: ") and "Cisza" in err
    cli(db, capsys, "callbacks", "add", "--client", str(bare["id"]), "--reason", "x",
        "--phone", "601 300 400")  # fmt: skip
    assert rows(db, "SELECT e164 FROM callback") == [("+48601300400",)]


def test_callbacks_cancel_calls_it_off_as_the_list_does(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = str(new_private(db, capsys))
    made = cli_json(db, capsys, "callbacks", "add", "--client", client_id, "--reason", "Oferta")
    out = cli(db, capsys, "callbacks", "cancel", str(made["id"]), "--reason", "sam zadzwonił")
    assert out == f"callback {made['id']} called off\n"
    assert cli_json(db, capsys, "callbacks") == []
    assert rows(db, "SELECT action FROM audit_log WHERE entity = 'callback'")[-1] == ("called_off",)
    err = cli(db, capsys, "callbacks", "cancel", str(made["id"]), code=1)
    assert "already" in err and err.count("\n") == 1
    err = cli(db, capsys, "callbacks", "cancel", "999", code=2)
    assert "No callback 999." in err


def test_an_unknown_callers_number_is_listed_once(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: ``+48512345678 +48512345678: Missed call`` (who, then number)."""
    cli(db, capsys, "ring", "512345678")
    call_id = cli_json(db, capsys, "calls")[0]["id"]
    cli(db, capsys, "calls", "mark", str(call_id), "missed")
    line = cli(db, capsys, "callbacks").splitlines()[0]
    assert line.count("512") == 1, line
    assert "(unknown) 512 345 678: Missed call" in line
