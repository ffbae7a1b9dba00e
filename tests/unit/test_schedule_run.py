from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FIRM_ZONE
from bbdispatch.commands.schedule import EXIT_ATTENTION
from bbdispatch.domain.jobs import Category, JobMode
from bbdispatch.domain.recurring import ClosedDayRule
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import TaskDraft, save_task
from bbdispatch.services.schedule import run_schedule

BACKUP = "Kontrola kopii zapasowych"
INVENTORY = "Inwentaryzacja zainstalowanego oprogramowania"


def w(*args: int) -> datetime:
    return datetime(*args, tzinfo=FIRM_ZONE)  # type: ignore[misc]


def run_cli(db: Path, now: datetime, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    code = main(["--db", str(db), "schedule", "run", "--now", now.isoformat(), "--json"])
    assert code in (0, EXIT_ATTENTION)  # 3: a run missed or failed, reported once on stderr
    out: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return out


def test_a_simulated_month_creates_exactly_the_due_runs(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BBDISPATCH_NOW", "2027-01-01T00:00")  # the month is in the past
    created: list[dict[str, object]] = []
    moment = w(2026, 11, 24, 12)
    while moment <= w(2026, 12, 31, 23):
        for job in run_cli(demo_db_path, moment, capsys):
            created.append({**job, "run_at": moment.isoformat()})
        moment += timedelta(hours=11) if moment.hour == 12 else timedelta(hours=13)
    got = [(j["task"], j["occurrence_at"], j["late"]) for j in created]
    assert got == [
        (BACKUP, "2026-11-23T08:00:00+00:00", True),  # missed on Monday, created Tuesday
        (BACKUP, "2026-11-30T08:00:00+00:00", False),
        (BACKUP, "2026-12-07T08:00:00+00:00", False),
        (INVENTORY, "2026-12-07T09:00:00+00:00", False),  # first Monday of December
        (BACKUP, "2026-12-14T08:00:00+00:00", False),
        (BACKUP, "2026-12-21T08:00:00+00:00", False),
        (BACKUP, "2026-12-28T08:00:00+00:00", False),
    ]
    # Each was created by the first run after its time (12:00 on the Monday).
    assert created[1]["run_at"] == "2026-11-30T12:00:00+01:00"
    with sqlite3.connect(demo_db_path) as conn:
        rows = conn.execute(
            "SELECT occurrence_at, status, technician_id, contract_id FROM job"
            " WHERE recurring_task_id IS NOT NULL AND occurrence_at >= '2026-11-20'"
            " ORDER BY occurrence_at, id"
        ).fetchall()
    assert len(rows) == 7
    assert {r[1] for r in rows} == {"assigned"}
    assert len({r[3] for r in rows}) == 1  # the IT administration contract


def test_two_processes_at_once_create_each_occurrence_once(demo_db_path: Path) -> None:
    command = [
        sys.executable, "-m", "bbdispatch", "--db", str(demo_db_path), "schedule", "run",
        "--now", "2027-06-30T12:00", "--json",
    ]  # fmt: skip
    env = {**os.environ, "BBDISPATCH_NOW": "2027-07-01T00:00"}  # --now is in the past
    procs = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _out, err in outputs]
    jobs = [j for out, _err in outputs for j in json.loads(out)]
    keys = [(j["task_id"], j["occurrence_at"]) for j in jobs]
    assert len(keys) == len(set(keys))
    # 23.11.2026 .. 28.06.2027 weekly = 32 backups, capped at the newest 10 (issue 20:
    # no flood of late jobs); first Mondays Dec..Jun = 7 inventories.
    assert sum(j["task"] == BACKUP for j in jobs) == 10
    assert (
        min(j["occurrence_at"] for j in jobs if j["task"] == BACKUP) == "2027-04-26T07:00:00+00:00"
    )
    assert sum(j["task"] == INVENTORY for j in jobs) == 7
    skipped = [ln for _out, err in outputs for ln in err.splitlines() if "skipped:" in ln]
    assert skipped == [
        f"bbdispatch: skipped: {BACKUP} (task 1): 22 missed runs not created"
        " (23/11/2026 09:00 – 19/04/2027 09:00); catch-up makes at most the newest 10"
    ]
    with sqlite3.connect(demo_db_path) as conn:
        total = conn.execute("SELECT COUNT(*) FROM job WHERE recurring_task_id IS NOT NULL")
        assert total.fetchone() == (4 + 17,)
    again = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True, env=env)
    assert json.loads(again.stdout) == []


async def test_catch_up_after_downtime(demo_ctx: Ctx) -> None:
    contract_id = 3
    no_catch_up = await save_task(
        demo_ctx, contract_id,
        TaskDraft(
            title="Aktualizacje Windows", instructions="", schedule="FREQ=WEEKLY;BYDAY=FR",
            starts_at=w(2026, 11, 6, 15), technician_id=None, expected_minutes=45,
            mode=JobMode.ONSITE, category=Category.SOFTWARE, catch_up=False,
        ),
    )  # fmt: skip
    # Nothing ran between 16.11 and 10.12.
    result = await run_schedule(demo_ctx, w(2026, 12, 10, 8))
    got = [(c.task_id, c.occurrence_at.astimezone(FIRM_ZONE), c.late) for c in result.created]
    assert got == [
        (1, w(2026, 11, 23, 9), True),
        (1, w(2026, 11, 30, 9), True),
        (no_catch_up, w(2026, 12, 4, 15), True),  # only the latest; 6.11..27.11 skipped
        (1, w(2026, 12, 7, 9), True),
        (2, w(2026, 12, 7, 10), True),
    ]
    assert (await run_schedule(demo_ctx, w(2026, 12, 10, 8))).created == []
    onsite = await demo_ctx.db.fetch_one(
        "SELECT status, visit_at, late FROM job WHERE recurring_task_id = ?", (no_catch_up,)
    )
    assert onsite is not None
    assert tuple(onsite) == ("triaged", "2026-12-04T14:00:00Z", 1)


def test_bad_now_is_one_clear_line(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(demo_db_path), "schedule", "run", "--now", "wczoraj"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bbdispatch: --now: Not a time: 'wczoraj'")
    assert err.count("\n") == 1


def test_a_future_now_is_refused_unless_dry_run(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--now 2126-01-01T00:00`` created 200 jobs, then the real schedule none for a century."""
    before = sqlite3.connect(demo_db_path).execute("SELECT COUNT(*) FROM job").fetchone()
    code = main(["--db", str(demo_db_path), "schedule", "run", "--now", "2126-01-01T00:00"])
    assert code == 2
    assert "--dry-run" in capsys.readouterr().err
    # Previewed within the firm's calendar (2126 is past it: test_schedule_calendar_cap).
    code = main(["--db", str(demo_db_path), "schedule", "run", "--now", "2030-01-01T00:00",
                 "--dry-run"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "would create" in out
    assert "nothing written" in out
    after = sqlite3.connect(demo_db_path).execute("SELECT COUNT(*) FROM job").fetchone()
    assert after == before


async def test_runs_follow_the_firms_calendar_over_new_year(
    demo_ctx: Ctx, demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 20: runs landed on Sundays and on 01.01. `schedule run --now` every day at
    # noon through December and January: no run on a closed day; a run moved to the
    # next working day by default, none for a task that says "skip".
    monkeypatch.setenv("BBDISPATCH_NOW", "2027-02-01T00:00")
    tasks = {
        "Raport miesięczny": ("FREQ=MONTHLY;BYMONTHDAY=1", ClosedDayRule.NEXT_WORKDAY),
        "Raport (pomijany)": ("FREQ=MONTHLY;BYMONTHDAY=1", ClosedDayRule.SKIP),
        "Niedzielny test UPS": ("FREQ=WEEKLY;BYDAY=SU", ClosedDayRule.NEXT_WORKDAY),
    }
    for title, (rule, on_closed) in tasks.items():
        await save_task(
            demo_ctx, 3,
            TaskDraft(
                title=title, instructions="", schedule=rule, starts_at=w(2026, 12, 1, 9),
                technician_id=None, expected_minutes=30, on_closed_day=on_closed,
            ),
        )  # fmt: skip
    moment = w(2026, 12, 1, 12)
    while moment <= w(2027, 1, 31, 12):
        code = await asyncio.to_thread(
            main, ["--db", str(demo_db_path), "schedule", "run", "--now", moment.isoformat(),
                   "--json"],
        )  # fmt: skip
        assert code in (0, EXIT_ATTENTION)
        moment += timedelta(days=1)
    with sqlite3.connect(demo_db_path) as conn:
        rows = conn.execute(
            "SELECT t.title, j.occurrence_at, j.late FROM job j"
            " JOIN recurring_task t ON t.id = j.recurring_task_id"
            " WHERE j.occurrence_at >= '2026-12-01' ORDER BY j.occurrence_at, t.title"
        ).fetchall()
    created = [{"task": r[0], "at": datetime.fromisoformat(r[1]).astimezone(FIRM_ZONE),
                "late": r[2]} for r in rows]  # fmt: skip
    days = [c["at"].date() for c in created]  # type: ignore[attr-defined]
    assert all(d.isoweekday() != 7 for d in days)
    assert date(2027, 1, 1) not in days
    runs = {t: [c["at"] for c in created if c["task"] == t] for t in tasks}
    assert runs["Raport miesięczny"] == [w(2026, 12, 1, 9), w(2027, 1, 4, 9)]
    assert runs["Raport (pomijany)"] == [w(2026, 12, 1, 9)]
    assert runs["Niedzielny test UPS"] == [
        w(2026, 12, 7, 9), w(2026, 12, 14, 9), w(2026, 12, 21, 9), w(2026, 12, 28, 9),
        w(2027, 1, 4, 9), w(2027, 1, 11, 9), w(2027, 1, 18, 9), w(2027, 1, 25, 9),
    ]  # fmt: skip
    assert not any(c["late"] for c in created if c["task"] in tasks)


def test_a_missed_run_is_reported_once_with_exit_3(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``schedule run`` printed the same "missed" lines every quarter of an hour, exit 0."""
    monkeypatch.setenv("BBDISPATCH_NOW", "2027-01-01T00:00")
    at = ["--db", str(demo_db_path), "schedule", "run", "--now"]
    # Makes 23.11, late: printed as created, and not called missed the moment it is made.
    assert main([*at, "2026-11-26T12:00"]) == 0
    made = capsys.readouterr()
    assert "missed:" not in made.err and "23/11/2026 09:00" in made.out
    # Still open when that day is over: missed, reported once.
    assert main([*at, "2026-11-27T00:15"]) == EXIT_ATTENTION
    first = [ln for ln in capsys.readouterr().err.splitlines() if "missed:" in ln]
    assert len(first) == 1 and "Kontrola kopii zapasowych · 23/11/2026 09:00" in first[0]
    assert main([*at, "2026-11-27T00:30"]) == 0
    assert "missed:" not in capsys.readouterr().err
    assert main([*at, "2026-11-27T00:45", "--dry-run"]) == 0
    assert "missed:" not in capsys.readouterr().err
    with sqlite3.connect(demo_db_path) as conn:
        rows = conn.execute(
            "SELECT entity_id FROM audit_log WHERE action = 'missed_reported'"
        ).fetchall()
    assert len(rows) == 1


async def test_the_screens_schedule_runs_neither_hide_nor_spend_cron_reports(
    demo_ctx: Ctx,
) -> None:
    demo_ctx.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    assert (await run_schedule(demo_ctx)).attention == []  # 23.11 made late just now
    demo_ctx.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    seen = await run_schedule(demo_ctx)  # the TUI's periodic run
    assert any(line.startswith("missed:") for line in seen.attention)
    assert (await run_schedule(demo_ctx)).attention == seen.attention
    # A dry run shows what cron would report and remembers nothing.
    dry = await run_schedule(demo_ctx, report_once=True, dry_run=True)
    assert dry.attention == seen.attention
    cron = await run_schedule(demo_ctx, report_once=True)
    assert cron.attention == seen.attention
    assert (await run_schedule(demo_ctx, report_once=True)).attention == []
    assert (await run_schedule(demo_ctx)).attention == seen.attention  # the screens still see it


async def test_an_archived_clients_tasks_make_no_runs_until_it_is_reactivated(
    demo_ctx: Ctx,
) -> None:
    """``schedule run`` opened jobs for an archived client (the intake and CLI refuse one)."""
    from bbdispatch.domain.clients import ClientStatus
    from bbdispatch.storage import clients as client_store

    przychodnia = 3  # the demo's IT administration client, tasks 1 and 2
    async with demo_ctx.db.transaction():
        await client_store.set_status(demo_ctx.db, przychodnia, ClientStatus.ARCHIVED)
    assert (await run_schedule(demo_ctx, w(2026, 12, 10, 8))).created == []
    async with demo_ctx.db.transaction():
        await client_store.set_status(demo_ctx.db, przychodnia, ClientStatus.ACTIVE)
    made = (await run_schedule(demo_ctx, w(2026, 12, 10, 8))).created
    assert {c.task_id for c in made} == {1, 2}
