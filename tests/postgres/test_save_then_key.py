"""A key typed after a save acts on what was saved, on both backends (issue 13).

The tester's burst on a PostgreSQL demo, ``F2 226281234 Enter 'Fresh burst'
Enter r l 2 ^s a`` in one ``tmux send-keys``, opened "Assign job 27" while the
toast said "Job 28 saved.": the board put its cursor on the new job only once
its reload had brought the row, and ``a`` could be read before. A save now has
the board reload and place its cursor before its dialog closes
(``Shell.saved``). The board's reload is slowed here to stand in for a
server's latency, which made the race reproducible in Pilot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker, WorkerState

import bbdispatch.services.board as board_services
from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.jobs import get_job
from bbdispatch.storage.database import Database
from screens.assign import AssignScreen
from screens.board import BoardScreen
from screens.intake import IntakeScreen
from screens.job_detail import JobDetailScreen
from tests.helpers import DISPATCHER, burst, ring, settle, settle_until, wait_for_screen

LATENCY_SECONDS = 0.3
"""How long each board reload takes here (a server's round trips, a busy machine)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest) -> str | Path:
    """A private demo: a SQLite file, or a database on the session's PostgreSQL server."""
    found: str | Path = (
        request.getfixturevalue("demo_db_path")
        if request.param == "sqlite"
        else request.getfixturevalue("pg_demo_url")
    )
    return found


@pytest.fixture
def open_ctx(target: str | Path, clock: FrozenClock, prices: PriceList) -> Callable[[], Any]:
    """``open_ctx`` for the App on :func:`target`."""

    async def open_() -> Ctx:
        db = await Database.open(target)
        return Ctx(db=db, clock=clock, prices=prices, actor="tester")

    return open_


@pytest.fixture
def slow_board(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to make every board reload from then on take :data:`LATENCY_SECONDS` more."""
    real = board_services.board_update

    async def slow(ctx: Ctx, previous: Any = None) -> Any:
        await asyncio.sleep(LATENCY_SECONDS)
        return await real(ctx, previous)

    return lambda: monkeypatch.setattr(board_services, "board_update", slow)


FRESH_BURST = ("f2", *"226281234", "enter", *"Fresh burst", "enter", "r", "l", "2", "ctrl+s")
"""The tester's burst up to the save: a known caller, the request, remote, low, network."""


def board_of(app: BBDispatch) -> BoardScreen:
    board = app.screen_stack[1]
    assert isinstance(board, BoardScreen)
    return board


def newest_job(app: BBDispatch) -> int:
    return max(ln.job_id for ln in board_of(app)._lines)


async def test_save_then_a_in_one_burst_assigns_the_new_job(
    open_ctx: Callable[[], Any], slow_board: Callable[[], None]
) -> None:
    app = BBDispatch(open_ctx, DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = board_of(app)
        before = board.selected_line()
        assert before is not None
        slow_board()
        burst(app, *FRESH_BURST, "a")
        dialog = await wait_for_screen(app, pilot, AssignScreen)
        new = newest_job(app)
        assert new != before.job_id
        assert dialog.job_id == new
        title = str(dialog.query_one("#assign-title").render())
        assert title.startswith(f"Assign job {new}:") and "Fresh burst" in title
        assert any(f"Job {new} saved." in str(n.message) for n in app._notifications)
        chosen = dialog.found[0].person.id
        burst(app, "enter")
        await settle_until(pilot, lambda: isinstance(app.screen, BoardScreen))
        await settle(pilot)
        job = await get_job(app.ctx, new)
        untouched = await get_job(app.ctx, before.job_id)
    assert job.description == "Fresh burst"
    assert job.technician_id == chosen
    assert untouched.technician_id == before.row.job.technician_id


async def test_the_board_comes_back_showing_what_was_saved(
    open_ctx: Callable[[], Any], slow_board: Callable[[], None]
) -> None:
    """The moment the intake or the picker closes, the board shows the save.

    The cursor is on the new job, and the job assigned shows its technician,
    before any key can be read on the board, not after a reload in the background.
    """
    seen: list[tuple[int | None, int | None]] = []
    app_ref: list[BBDispatch] = []

    def hook(message: Message) -> None:
        if isinstance(message, events.ScreenResume) and app_ref:
            screen = app_ref[0].screen_stack[-1]  # posted as the dialog is popped
            if isinstance(screen, BoardScreen):
                line = screen.selected_line()
                tech = None if line is None else line.row.job.technician_id
                seen.append((None if line is None else line.job_id, tech))

    app = BBDispatch(open_ctx, DISPATCHER)
    app_ref.append(app)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await settle(pilot)
        slow_board()
        seen.clear()
        burst(app, *FRESH_BURST)
        await settle_until(pilot, lambda: isinstance(app.screen, BoardScreen) and bool(seen))
        await settle(pilot)
        new = newest_job(app)
        assert seen[0][0] == new  # the cursor was on the new job as the board came back
        seen.clear()
        burst(app, "a")
        dialog = await wait_for_screen(app, pilot, AssignScreen)
        chosen = dialog.found[0].person.id
        burst(app, "enter")
        await settle_until(pilot, lambda: isinstance(app.screen, BoardScreen) and bool(seen))
        await settle(pilot)
    assert seen[0] == (new, chosen)  # the board came back showing the job assigned


async def test_a_status_key_is_drawn_before_the_next_key_is_read(
    open_ctx: Callable[[], Any], slow_board: Callable[[], None]
) -> None:
    """``s`` on an assigned job: when its save ends, the board already says in progress.

    A key read next (``h``, ``d``) is offered or refused by the job's status
    as drawn; it was the old status until a reload in the background had run.
    """
    seen: list[JobStatus | None] = []
    app_ref: list[BBDispatch] = []

    def hook(message: Message) -> None:
        if isinstance(message, Worker.StateChanged) and app_ref:
            worker = message.worker
            if worker.group == "job-status" and message.state is WorkerState.SUCCESS:
                line = board_of(app_ref[0]).selected_line()
                seen.append(None if line is None else line.row.job.status)

    app = BBDispatch(open_ctx, DISPATCHER)
    app_ref.append(app)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await settle(pilot)
        board = board_of(app)
        assigned = next(ln for ln in board._lines if ln.row.job.status is JobStatus.ASSIGNED)
        assert board.select_job(assigned.job_id)
        await settle(pilot)
        slow_board()
        burst(app, "s")
        await settle_until(pilot, lambda: bool(seen))
        await settle(pilot)
        job = await get_job(app.ctx, assigned.job_id)
    assert job.status is JobStatus.IN_PROGRESS
    assert seen == [JobStatus.IN_PROGRESS]


async def test_an_edit_is_drawn_on_the_detail_as_the_form_closes(
    open_ctx: Callable[[], Any], slow_board: Callable[[], None]
) -> None:
    """``e``, a new description, ``^s``: the detail comes back showing it, and the board too."""
    seen: list[tuple[str | None, str | None]] = []
    app_ref: list[BBDispatch] = []

    def hook(message: Message) -> None:
        if isinstance(message, events.ScreenResume) and app_ref:
            screen = app_ref[0].screen_stack[-1]
            if isinstance(screen, JobDetailScreen):
                shown = screen.detail.line.row.job.description if screen.detail else None
                line = board_of(app_ref[0]).selected_line()
                seen.append((shown, None if line is None else line.row.job.description))

    app = BBDispatch(open_ctx, DISPATCHER)
    app_ref.append(app)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, JobDetailScreen)
        await pilot.press("e")
        await settle(pilot)
        field = app.screen.query_one("#edit-description", Input)
        field.value = "Edited burst"
        slow_board()
        seen.clear()
        burst(app, "ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, JobDetailScreen) and bool(seen))
        await settle(pilot)
    assert seen[0] == ("Edited burst", "Edited burst")


async def test_a_waiting_call_taken_with_f3_saved_then_a_assigns_the_new_job(
    target: str | Path,
    open_ctx: Callable[[], Any],
    slow_board: Callable[[], None],
    clock: FrozenClock,
    prices: PriceList,
) -> None:
    """F3 takes the waiting call; its request, triage, ``^s a`` in one burst."""
    await ring(target, clock, prices, "226281234")
    app = BBDispatch(open_ctx, DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        slow_board()
        # F3 on its own: the save is the subject here (keys typed with F3: the next test).
        await pilot.press("f3")
        await wait_for_screen(app, pilot, IntakeScreen)
        burst(app, *"Waiting burst", "enter", "r", "l", "2", "ctrl+s", "a")
        dialog = await wait_for_screen(app, pilot, AssignScreen)
        new = newest_job(app)
        assert dialog.job_id == new
        job = await get_job(app.ctx, new)
    assert job.description == "Waiting burst"
    assert job.caller_phone == "+48226281234"


async def test_keys_typed_with_f3_land_in_the_waiting_calls_intake(
    target: str | Path,
    open_ctx: Callable[[], Any],
    slow_board: Callable[[], None],
    clock: FrozenClock,
    prices: PriceList,
) -> None:
    """F3, the request, triage, ``^s a`` in one burst: the whole call, then the new job.

    F3 is a priority key: the App runs it while handling the key, so the
    worker that reads the waiting call had started before the key gate looked
    at which workers the key started; on PostgreSQL the request's ``a`` reached
    the board first and opened "Assign job 11" under the intake (3 of 6 runs).
    """
    await ring(target, clock, prices, "226281234")
    app = BBDispatch(open_ctx, DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        slow_board()
        burst(app, "f3", *"Waiting burst", "enter", "r", "l", "2", "ctrl+s", "a")
        dialog = await wait_for_screen(app, pilot, AssignScreen)
        new = newest_job(app)
        assert [type(s) for s in app.screen_stack[1:]] == [BoardScreen, AssignScreen]
        assert dialog.job_id == new
        job = await get_job(app.ctx, new)
    assert job.description == "Waiting burst"
