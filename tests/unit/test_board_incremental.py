"""The board's incremental load gives exactly the lines of a full load (issue 13 speed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bbdispatch.domain.job_edits import JobEdit, NewJob
from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority
from bbdispatch.services.board import BoardState, board_lines, board_update
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import change_status, edit_job
from bbdispatch.services.jobs import create_job, get_job


def other_process(db: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    """A write by another connection, as another dispatcher or ``ring`` makes it."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(sql, params)
    finally:
        conn.close()


async def _new_job(ctx: Ctx, _db: Path) -> None:
    await create_job(
        ctx,
        NewJob(client_id=1, description="Nowe", mode=JobMode.REMOTE,
               priority=Priority.EMERGENCY, category=Category.OTHER),
    )  # fmt: skip


async def _triage(ctx: Ctx, _db: Path) -> None:
    await change_status(ctx, 13, JobStatus.TRIAGED)


async def _hold(ctx: Ctx, _db: Path) -> None:
    await change_status(ctx, 12, JobStatus.ON_HOLD, "czekamy na toner")


async def _close(ctx: Ctx, _db: Path) -> None:
    await change_status(ctx, 14, JobStatus.CANCELLED, "duplikat")


async def _edit_twice(ctx: Ctx, _db: Path) -> None:
    # The frozen clock gives both edits the same updated_at: the mark must still see them.
    job = await get_job(ctx, 16)
    for text in ("Pierwsza poprawka", "Druga poprawka"):
        await edit_job(ctx, 16, JobEdit(text, job.priority, job.mode, job.contract_id))


async def _rename_client(_ctx: Ctx, db: Path) -> None:
    other_process(db, "UPDATE client SET name = 'Nowa Nazwa' WHERE id = 1")


async def _rename_technician(_ctx: Ctx, db: Path) -> None:
    other_process(db, "UPDATE technician SET name = 'Anna Nowak' WHERE login = 'anna'")


async def _timer(_ctx: Ctx, db: Path) -> None:
    other_process(
        db,
        "INSERT INTO work_entry (job_id, technician_id, started_at, mode, created_at, updated_at)"
        " SELECT 17, id, '2026-11-23T05:00:00Z', 'remote', '2026-11-23T05:00:00Z',"
        " '2026-11-23T05:00:00Z' FROM technician WHERE login = 'bogdan'",
    )


async def _remark(_ctx: Ctx, db: Path) -> None:
    other_process(
        db,
        "INSERT INTO job_status_change (job_id, at, from_status, to_status, technician_id,"
        " actor, note) SELECT id, '2026-11-24T08:00:00Z', status, status, technician_id,"
        " 'x', 'uwaga' FROM job WHERE id = 12",
    )


async def _alert(_ctx: Ctx, db: Path) -> None:
    other_process(db, "UPDATE job SET alert = 'Kopia nieudana' WHERE id = 17")


async def _clock_moves(ctx: Ctx, _db: Path) -> None:
    ctx.clock.advance(timedelta(minutes=47))  # type: ignore[attr-defined]


CHANGES: list[Callable[[Ctx, Path], Awaitable[None]]] = [
    _new_job, _triage, _hold, _close, _edit_twice, _rename_client, _rename_technician,
    _timer, _remark, _alert, _clock_moves,
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
async def test_incremental_lines_equal_a_full_load(
    demo_ctx: Ctx, demo_db_path: Path, change: Callable[[Ctx, Path], Awaitable[None]]
) -> None:
    state = await board_update(demo_ctx)
    assert state.lines == await board_lines(demo_ctx)
    await change(demo_ctx, demo_db_path)
    after = await board_update(demo_ctx, state)
    assert after.lines == await board_lines(demo_ctx)
    # The change was seen: a line changed or went, or (a remark) its job was read again.
    assert after.changed or after.lines != state.lines


async def test_all_changes_in_a_row_and_nothing_changed(demo_ctx: Ctx, demo_db_path: Path) -> None:
    state: BoardState = await board_update(demo_ctx)
    for change in CHANGES:
        await change(demo_ctx, demo_db_path)
        state = await board_update(demo_ctx, state)
        assert state.lines == await board_lines(demo_ctx), change.__name__
    again = await board_update(demo_ctx, state)
    assert again.lines == state.lines
    assert again.changed == frozenset()  # nothing read or rebuilt when nothing changed
