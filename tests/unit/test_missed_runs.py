"""Issue 20: a task whose first run lies months back must not flood the board with late jobs."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.recurring import MissedRuns
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import (
    TaskDraft,
    missed_of_draft,
    missed_while_paused,
    save_task,
    set_task_active,
)
from bbdispatch.services.schedule import run_schedule

CONTRACT = 3  # the demo's IT administration contract
NOW = datetime(2026, 11, 24, 12, tzinfo=FIRM_ZONE)  # demo clock: Tuesday 24.11.2026 09:42


def draft(first: datetime, *, catch_up: bool = True) -> TaskDraft:
    return TaskDraft(
        title="Aktualizacje Windows", instructions="Sprawdź WSUS.", schedule="FREQ=WEEKLY;BYDAY=WE",
        starts_at=first, technician_id=None, expected_minutes=30, catch_up=catch_up,
    )  # fmt: skip


def w(*args: int) -> datetime:
    return datetime(*args, tzinfo=FIRM_ZONE)  # type: ignore[misc]


async def created_for(ctx: Ctx, task_id: int, at: datetime = NOW) -> list[tuple[datetime, bool]]:
    result = await run_schedule(ctx, at)
    return [(c.occurrence_at, c.late) for c in result.created if c.task_id == task_id]


async def test_first_run_a_year_back_makes_no_late_jobs_by_default(demo_ctx: Ctx) -> None:
    first = w(2026, 1, 28, 9)  # the contract's first day
    assert len(missed_of_draft(demo_ctx, draft(first))) == 43  # Wednesdays 28.01..18.11.2026
    task = await save_task(demo_ctx, CONTRACT, draft(first))
    assert await created_for(demo_ctx, task) == []
    # The next Wednesday comes as usual, on time.
    assert await created_for(demo_ctx, task, w(2026, 11, 25, 9, 30)) == [
        (w(2026, 11, 25, 9), False)
    ]


async def test_only_the_latest_missed_run(demo_ctx: Ctx) -> None:
    task = await save_task(demo_ctx, CONTRACT, draft(w(2026, 1, 28, 9)), missed=MissedRuns.LATEST)
    assert await created_for(demo_ctx, task) == [(w(2026, 11, 18, 9), True)]


async def test_all_missed_runs_are_capped_and_the_rest_reported(demo_ctx: Ctx) -> None:
    task = await save_task(demo_ctx, CONTRACT, draft(w(2026, 1, 28, 9)), missed=MissedRuns.ALL)
    result = await run_schedule(demo_ctx, NOW)
    mine = [c for c in result.created if c.task_id == task]
    assert len(mine) == 10
    assert all(c.late for c in mine)
    assert mine[0].occurrence_at == w(2026, 9, 16, 9)
    assert mine[-1].occurrence_at == w(2026, 11, 18, 9)
    assert result.skipped == [
        f"skipped: Aktualizacje Windows (task {task}): 33 missed runs not created"
        " (28/01/2026 09:00 – 09/09/2026 09:00); catch-up makes at most the newest 10"
    ]
    again = await run_schedule(demo_ctx, NOW)
    assert again.skipped == []
    assert [c for c in again.created if c.task_id == task] == []


async def test_runs_of_today_are_not_missed(demo_ctx: Ctx) -> None:
    task = await save_task(
        demo_ctx, CONTRACT,
        TaskDraft(
            title="Codzienny test UPS", instructions="", schedule="FREQ=DAILY",
            starts_at=w(2026, 11, 1, 8), technician_id=None, expected_minutes=10,
        ),
    )  # fmt: skip
    assert await created_for(demo_ctx, task) == [(w(2026, 11, 24, 8), False)]


@pytest.mark.parametrize(
    ("choice", "made"),
    [(MissedRuns.NONE, []), (MissedRuns.LATEST, [(w(2026, 12, 16, 9), True)])],
)
async def test_resuming_a_paused_task_asks_about_the_pause(
    demo_ctx: Ctx, choice: MissedRuns, made: list[tuple[datetime, bool]]
) -> None:
    task = await save_task(demo_ctx, CONTRACT, draft(w(2026, 10, 7, 9)))
    await set_task_active(demo_ctx, task, False)
    later = Ctx(
        db=demo_ctx.db, clock=type(demo_ctx.clock)(w(2026, 12, 17, 8)), prices=demo_ctx.prices,
        actor=demo_ctx.actor,
    )  # fmt: skip
    missed = await missed_while_paused(later, task)
    assert missed == [w(2026, 11, 25, 9), w(2026, 12, 2, 9), w(2026, 12, 9, 9), w(2026, 12, 16, 9)]
    await set_task_active(later, task, True, missed=choice)
    assert await created_for(later, task, w(2026, 12, 17, 8)) == made


def test_schedule_run_reports_skipped_runs_on_stderr(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A task made before runs_from existed (or with "all"): cron mails the skipped runs.
    monkeypatch.setenv("BBDISPATCH_NOW", "2027-01-01T00:00")
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute("UPDATE recurring_task SET catch_up = 0 WHERE id = 1")
    code = main(["--db", str(demo_db_path), "schedule", "run", "--now", "2026-12-31T12:00"])
    assert code == 0
    captured = capsys.readouterr()
    assert (
        "bbdispatch: skipped: Kontrola kopii zapasowych (task 1): 5 missed runs not created"
        " (23/11/2026 09:00 – 21/12/2026 09:00); only the newest is made"
    ) in captured.err.splitlines()
    assert "28/12/2026 09:00" in captured.out
