"""A technician cannot tell whether another's job or entry exists (issue 12, the last tester).

Before, ``No job 99999.`` (exit 2) answered a number nobody has and ``Not
allowed: this is not your job.`` (exit 1) one that belongs to another
technician, so a technician could probe which jobs and entries exist. Now both
get the same line and exit code, from the services' rights helper
(``check_job`` / ``check_entry``), in every front end.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.commands import common
from bbdispatch.domain.errors import DomainError
from bbdispatch.services import board, jobs
from bbdispatch.services.context import Ctx
from bbdispatch.services.office_time import change_time, record_time
from bbdispatch.services.timekeeping import start_timer
from bbdispatch.storage.people import person_by_login
from tests.helpers import query

MISSING = 99999


def _others(db_path: Path) -> tuple[int, int]:
    """A job and a work entry of someone other than anna."""
    anna = query(db_path, "SELECT id FROM technician WHERE login = 'anna'")[0]["id"]
    job = query(db_path, "SELECT id FROM job WHERE technician_id != ? ORDER BY id", (anna,))[0]
    entry = query(
        db_path, "SELECT id FROM work_entry WHERE technician_id != ? ORDER BY id", (anna,)
    )[0]
    return job["id"], entry["id"]


async def _said(call: object) -> str:
    try:
        await call  # type: ignore[misc]
    except DomainError as err:
        return f"{type(err).__name__}: {err}"
    raise AssertionError("not refused")


async def test_services_answer_missing_and_anothers_alike(
    demo_ctx: Ctx, demo_db_path: Path
) -> None:
    job, entry = _others(demo_db_path)
    anna = demo_ctx.acting_as("anna")
    me = await person_by_login(demo_ctx.db, "anna")
    assert me is not None
    start = demo_ctx.clock.now() - timedelta(hours=3)
    end = start + timedelta(hours=1)
    for ident in (job, MISSING):
        said = [
            await _said(jobs.get_job(anna, ident)),
            await _said(board.response_due(anna, ident)),
            await _said(start_timer(anna, me, ident)),
            await _said(record_time(anna, ident, start, end, "x")),
        ]
        assert said == [f"Refused: No job {ident} on your list."] * 4
    assert await _said(change_time(anna, entry, description="y")) == (
        f"Refused: No work entry {entry} on your list."
    )
    assert await _said(change_time(anna, MISSING, description="y")) == (
        f"Refused: No work entry {MISSING} on your list."
    )
    # The office still hears that a number is nobody's.
    beata = demo_ctx.acting_as("beata")
    assert await _said(jobs.get_job(beata, MISSING)) == f"NotFound: No job {MISSING}."


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    login: str,
    args: list[str],
) -> tuple[int, str, str]:
    monkeypatch.setattr(common, "os_login", lambda: login)
    monkeypatch.setattr(common, "os_fallback", lambda: None)
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "command",
    [
        ["time", "add", "--job", "{job}", "--from", "2026-11-20T10:00", "--to",
         "2026-11-20T11:00", "--text", "x"],
        ["time", "edit", "{entry}", "--text", "y"],
        ["inventory", "load", "--job", "{job}", "{file}"],
    ],
)  # fmt: skip
def test_command_line_answers_missing_and_anothers_alike(
    demo_db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    job, entry = _others(demo_db_path)
    export = tmp_path / "export.csv"
    export.write_text("Name\nx\n", encoding="utf-8")
    answers = []
    for j, e in ((job, entry), (MISSING, MISSING)):
        args = [w.format(job=j, entry=e, file=export) for w in command]
        code, out, err = _run(monkeypatch, capsys, "anna", ["--db", str(demo_db_path), *args])
        shown = err.replace(str(j), "N") if "{job}" in " ".join(command) else err
        answers.append((code, out, shown.replace(str(e), "N")))
    assert answers[0] == answers[1], answers
    code, out, err = answers[0]
    assert code == 1 and out == ""
    assert err in (
        "bbdispatch: No job N on your list.\n",
        "bbdispatch: No work entry N on your list.\n",
    )


def test_office_still_hears_a_missing_number(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", str(demo_db_path), "time", "edit", str(MISSING), "--text", "y"]
    code, _out, err = _run(monkeypatch, capsys, "beata", args)
    assert (code, err) == (2, f"bbdispatch: No work entry {MISSING}.\n")
