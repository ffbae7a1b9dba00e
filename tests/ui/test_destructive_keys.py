"""Keys that undo an assignment or close a job ask first: one stray key changes nothing."""

from __future__ import annotations

from pathlib import Path

from bbdispatch.app import BBDispatch
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.lifecycle import TRANSITIONS, undoes_work
from screens.board import BoardScreen
from screens.job_actions import NOTE_TITLES, JobActionsScreen
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import DISPATCHER, cell, query, settle, shown_ids

STATUS_KEYS = {
    b.action.split("'")[1]: b.key
    for b in JobActionsScreen.JOB_BINDINGS
    if hasattr(b, "action") and b.action.startswith("set_status")
}
"""Every board key that changes a job's status, by the status it moves to."""


def test_every_step_that_undoes_work_is_asked_for() -> None:
    # Un-assigning and closing undo work; each is asked for by a note or a yes/no.
    for current, targets in TRANSITIONS.items():
        for target in targets:
            if current is JobStatus.ASSIGNED and target is JobStatus.TRIAGED:
                assert undoes_work(current, target)
            if target in (JobStatus.DONE, JobStatus.CANCELLED):
                assert undoes_work(current, target)
                assert target in NOTE_TITLES


def _db_state(db: Path, job_id: int) -> tuple[object, ...]:
    row = query(db, "SELECT status, technician_id, visit_at FROM job WHERE id = ?", (job_id,))[0]
    return tuple(row)


async def test_no_single_key_undoes_an_assignment_or_closes_a_job(
    ctx_factory, demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        checked = 0
        for job_id in shown_ids(app):
            current = JobStatus(_db_state(demo_db_path, job_id)[0])
            for status, key in STATUS_KEYS.items():
                target = JobStatus(status)
                if target not in TRANSITIONS[current] or not undoes_work(current, target):
                    continue
                before = _db_state(demo_db_path, job_id)
                assert board.select_job(job_id)
                await pilot.press(key)
                await settle(pilot)
                assert app.screen is not board, (job_id, key)  # it asks
                assert _db_state(demo_db_path, job_id) == before, (job_id, key)
                await pilot.press("escape")  # and Esc keeps the job as it was
                await settle(pilot)
                assert app.screen is board
                assert _db_state(demo_db_path, job_id) == before, (job_id, key)
                checked += 1
        assert checked >= 5


async def test_t_on_an_assigned_job_asks_then_unassigns_on_yes(
    ctx_factory, demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.select_job(16)  # assigned
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question").render())
        assert "Job " in question and "triaged" in question
        await pilot.press("n")
        await settle(pilot)
        assert _db_state(demo_db_path, 16)[0] == "assigned"
        await pilot.press("t", "y")
        await settle(pilot)
        assert _db_state(demo_db_path, 16)[:2] == ("triaged", None)
        assert cell(app, 16, "tech") == "—"
