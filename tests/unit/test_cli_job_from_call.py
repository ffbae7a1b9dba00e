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
    # Low priority (5 business days): visits in two days keep the response target.
    first = cli_json(db, capsys, "jobs", "add", "--client", client_id, "--mode", "onsite",
                     "--priority", "low", "--description", "Serwer")["id"]  # fmt: skip
    second = cli_json(db, capsys, "jobs", "add", "--client", client_id, "--mode", "onsite",
                      "--priority", "low", "--description", "Drukarka")["id"]  # fmt: skip
    out = cli(db, capsys, "jobs", "assign", str(first), "--to", "anna", "--visit", f"{day}T10:00")
    offset = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=FIRM_ZONE).strftime("%z")
    assert out == f"job {first} assigned to anna visit {day} 10:00{offset[:3]}:{offset[3:]}\n"
    from bbdispatch.cli import main

    assert main(["--db", db, "jobs", "assign", str(second), "--to", "anna", "--visit",
                 f"{day}T10:30"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and "warning" not in out  # stdout: what was done, only
    assert err == f"warning: the visit overlaps job {first}\n"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "warning: the visit is after the response target ({due}): the job will be late"),
        ("pl", "uwaga: wizyta po terminie reakcji ({due}): zlecenie będzie po terminie"),
    ],
)
def test_an_emergency_visited_in_two_days_is_said_to_be_late(
    db: str, capsys: pytest.CaptureFixture[str], language: str, said: str
) -> None:
    from datetime import datetime, timedelta

    from bbdispatch.cli import main
    from bbdispatch.clock import FIRM_ZONE

    client_id = str(new_private(db, capsys))
    day = (datetime.now(FIRM_ZONE) + timedelta(days=2)).date().isoformat()
    job = cli_json(db, capsys, "jobs", "add", "--client", client_id, "--mode", "onsite",
                   "--priority", "emergency", "--description", "Serwer stoi")["id"]  # fmt: skip
    [(received,)] = rows(db, f"SELECT received_at FROM job WHERE id = {job}")
    due = datetime.fromisoformat(received).astimezone(FIRM_ZONE) + timedelta(hours=2)
    shown = due.strftime("%d.%m.%Y %H:%M" if language == "pl" else "%d/%m/%Y %H:%M")
    assert main(["--db", db, "--lang", language, "jobs", "assign", str(job), "--to", "anna",
                 "--visit", f"{day}T10:00"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert "warning" not in out and "uwaga" not in out
    assert err == said.format(due=shown) + "\n"
    # The job is assigned all the same: the dispatcher decides.
    assert rows(db, f"SELECT status FROM job WHERE id = {job}") == [("assigned",)]
    visit = cli_json(db, capsys, "jobs", "assign", str(job), "--to", "anna", "--visit",
                     f"{day}T10:00", "--json")  # fmt: skip
    assert visit["visit_after_response_target"] is not None


def test_jobs_edit_with_a_late_visit_warns_too(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime, timedelta

    from bbdispatch.cli import main
    from bbdispatch.clock import FIRM_ZONE

    client_id = str(new_private(db, capsys))
    day = (datetime.now(FIRM_ZONE) + timedelta(days=2)).date().isoformat()
    job = cli_json(db, capsys, "jobs", "add", "--client", client_id, "--mode", "onsite",
                   "--priority", "emergency", "--description", "Serwer stoi")["id"]  # fmt: skip
    assert main(["--db", db, "jobs", "edit", str(job), "--tech", "anna",
                 "--visit", f"{day}T10:00"]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert err.startswith("warning: the visit is after the response target (")
    assert err.count("\n") == 1
