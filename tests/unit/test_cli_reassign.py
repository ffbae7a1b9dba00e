"""``jobs assign`` on a job that has a technician says whom it took the job from (issue 13)."""

import sqlite3

import pytest

from bbdispatch.services.people import os_login
from tests.unit.test_cli_office import cli, cli_json, db, new_private  # noqa: F401  (the fixture)


def test_the_second_of_two_assignments_says_it_reassigned_from_the_first(
    db: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    first = cli(db, capsys, "jobs", "assign", str(job["id"]), "--to", "anna")
    assert first == f"job {job['id']} assigned to anna\n"
    me = os_login()
    second = cli(db, capsys, "jobs", "assign", str(job["id"]), "--to", me)
    assert second == f"job {job['id']} reassigned to {me} from anna (Anna Tech)\n"
    again = cli_json(db, capsys, "jobs", "assign", str(job["id"]), "--to", "anna")
    assert again["reassigned_from"] == me
    conn = sqlite3.connect(db)
    try:
        (login,) = conn.execute(
            "SELECT p.login FROM job j JOIN technician p ON p.id = j.technician_id WHERE j.id = ?",
            (job["id"],),
        ).fetchone()
    finally:
        conn.close()
    assert login == "anna"
