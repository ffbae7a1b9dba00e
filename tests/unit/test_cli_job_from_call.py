"""``jobs add --call ID`` (received when the phone rang, as the TUI) and ``jobs assign``'s output."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest

from tests.unit.test_cli_office import cli, cli_json, db, new_private

__all__ = ["db"]


def rows(path: str, sql: str) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_a_job_from_a_call_is_received_when_the_phone_rang(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)  # its number is 601 100 200
    cli(db, capsys, "ring", "601 100 200")
    [(call_id, rang)] = rows(db, "SELECT id, received_at FROM call_log")
    time.sleep(1.1)  # the job is saved later than the ring: it must still carry the ring
    job = cli_json(db, capsys, "jobs", "add", "--call", str(call_id), "--description",
                   "Drukarka nie drukuje", "--price", "350")  # fmt: skip
    assert rows(db, f"SELECT client_id, received_at, agreed_price_grosze FROM job"
                    f" WHERE id = {job['id']}") == [(client_id, rang, 35000)]  # fmt: skip
    assert rows(db, "SELECT outcome, job_id, client_id FROM call_log") == [
        ("job_created", job["id"], client_id)
    ]
    listed = cli_json(db, capsys, "jobs")
    assert listed[0]["received_at"].startswith(rang[:10])
    err = cli(db, capsys, "jobs", "add", "--call", str(call_id), "--description", "x", code=1)
    assert "already handled" in err


def test_an_unknown_callers_call_needs_client(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    cli(db, capsys, "ring", "500 100 200")
    err = cli(db, capsys, "jobs", "add", "--call", "1", "--description", "x", code=2)
    assert err == "bbdispatch: --client: Call 1 matched no client: give --client.\n"
    job = cli_json(db, capsys, "jobs", "add", "--call", "1", "--client", str(client_id),
                   "--description", "Laptop")  # fmt: skip
    assert rows(db, "SELECT job_id FROM call_log") == [(job["id"],)]
    err = cli(db, capsys, "jobs", "add", "--call", "99", "--description", "x", code=2)
    assert err.startswith("bbdispatch: --call: No call 99.")
    err = cli(db, capsys, "jobs", "add", "--description", "x", code=2)
    assert err.startswith("bbdispatch: --client: ")


def test_jobs_assign_shows_the_firms_time_and_warns_on_stderr(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import datetime, timedelta

    from bbdispatch.clock import FIRM_ZONE

    client_id = str(new_private(db, capsys))
    day = (datetime.now(FIRM_ZONE) + timedelta(days=2)).date().isoformat()
    first = cli_json(db, capsys, "jobs", "add", "--client", client_id, "--mode", "onsite",
                     "--description", "Serwer")["id"]  # fmt: skip
    second = cli_json(db, capsys, "jobs", "add", "--client", client_id, "--mode", "onsite",
                      "--description", "Drukarka")["id"]  # fmt: skip
    out = cli(db, capsys, "jobs", "assign", str(first), "--to", "anna", "--visit", f"{day}T10:00")
    offset = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=FIRM_ZONE).strftime("%z")
    assert out == f"job {first} assigned to anna visit {day} 10:00{offset[:3]}:{offset[3:]}\n"
    from bbdispatch.cli import main

    assert main(["--db", db, "jobs", "assign", str(second), "--to", "anna", "--visit",
                 f"{day}T10:30"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and "warning" not in out  # stdout: what was done, only
    assert err == f"warning: the visit overlaps job {first}\n"
