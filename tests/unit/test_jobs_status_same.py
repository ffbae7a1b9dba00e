"""Issue 13 (I): a move to the status a job has already says so and changes nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bbdispatch.cli import main


def _triaged_job(db: Path) -> tuple[int, int]:
    """A triaged job of the demo and how many status changes the database holds."""
    with closing(sqlite3.connect(db)) as conn:
        (job,) = conn.execute("SELECT id FROM job WHERE status = 'triaged' LIMIT 1").fetchone()
        (steps,) = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()
    return job, steps


def test_jobs_status_to_the_same_status_is_refused_saying_it_is_already_so(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job, audited = _triaged_job(demo_db_path)
    db = ["--db", str(demo_db_path)]
    assert main([*db, "jobs", "status", str(job), "triaged"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"bbdispatch: Job {job} is already triaged; nothing changed.\n"
    assert _triaged_job(demo_db_path) == (job, audited)  # nothing written, nothing audited
    # A real move still goes, and says so.
    assert main([*db, "jobs", "status", str(job), "cancelled", "--reason", "dup"]) == 0
    assert f"job {job} is now cancelled" in capsys.readouterr().out
