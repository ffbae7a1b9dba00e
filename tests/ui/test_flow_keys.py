"""No key silently changes, loses or misroutes work (issue 13, keys that change data)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, OptionList, Static

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.calls import CallOutcome
from bbdispatch.domain.jobs import Priority
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.storage.database import Database
from screens.assign import AssignScreen
from screens.board import BoardScreen
from screens.intake import IntakeScreen
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.triage_bar import TriageBar
from tests.helpers import make_app, query, settle, type_text


async def test_request_typed_after_tab_never_changes_triage(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "ctrl+f")
        await type_text(pilot, "nowak")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # pick the first one found
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        description = screen.query_one("#description", Input)
        assert screen.focused is description
        await pilot.press("tab")
        await settle(pilot)
        assert screen.focused is description
        error = str(screen.query_one("#description-error", Static).render())
        assert "Describe the request first" in error
        await type_text(pilot, "remote printer error")
        await settle(pilot)
        triage = screen.query_one(TriageBar)
        assert (triage.mode, triage.priority, triage.category) == (None, Priority.NORMAL, None)
        assert description.value == "remote printer error"
        # The error went once the request had text.
        assert str(screen.query_one("#description-error", Static).render()) == ""


async def test_stray_letter_in_the_triage_bar_is_named_not_swallowed(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        await type_text(pilot, "Printer")
        await pilot.press("enter", "x")
        await settle(pilot)
        assert "no triage key" in str(app.screen.query_one("#triage-error", Static).render())
        await pilot.press("o", "1")
        await settle(pilot)
        assert str(app.screen.query_one("#triage-error", Static).render()) == ""


async def test_ctrl_q_in_a_typed_intake_asks_and_logs_the_call(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        await type_text(pilot, "Call me back")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.query_one("#description", Input).value == "Call me back"
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert app.return_code == 0
    call = query(demo_db_path, "SELECT * FROM call_log ORDER BY id DESC LIMIT 1")[0]
    assert (call["e164"], call["outcome"], call["client_id"]) == ("+48601234567", "information", 1)
    assert "Call me back" in call["note"]


async def test_escape_discard_logs_the_call(ctx_factory: Any, demo_db_path: Path) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"500600700", "escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    call = query(demo_db_path, "SELECT * FROM call_log ORDER BY id DESC LIMIT 1")[0]
    assert (call["e164"], call["outcome"], call["source"]) == (
        "+48500600700", "information", "manual",
    )  # fmt: skip


async def test_assign_down_stops_at_the_last_able_row_and_enter_takes_it(
    ctx_factory: Any,
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.select_job(17)  # on-site: the remote-only people are greyed out
        await pilot.press("a")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AssignScreen)
        able = [c for c in picker.found if c.can_do_job_mode]
        unable = [c for c in picker.found if not c.can_do_job_mode]
        assert unable, "the demo has a remote-only person"
        options = picker.query_one("#candidates", OptionList)
        for i, c in enumerate(picker.found):
            label = str(options.get_option_at_index(i).prompt)
            assert ("on-site work" in label) == (not c.can_do_job_mode), label
        await pilot.press(*["down"] * (len(picker.found) + 3))
        await settle(pilot)
        chosen = picker._chosen()
        assert chosen is able[-1]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert await _job(app, 17) == able[-1].person.id


async def _job(app: Any, job_id: int) -> int | None:
    from bbdispatch.services.jobs import get_job

    return (await get_job(app.ctx, job_id)).technician_id


async def test_board_cursor_lands_on_the_new_job(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        await type_text(pilot, "Printer jams")
        await pilot.press("enter", "r", "1", "enter")
        await settle(pilot)
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        newest = query_newest(app)
        line = board.selected_line()
        assert line is not None and line.job_id == newest
        assert board.query_one("#job-table", DataTable).has_focus


def query_newest(app: Any) -> int:
    return max(ln.job_id for ln in app.screen._lines)


async def test_emergency_visit_beyond_its_target_is_named(ctx_factory: Any) -> None:
    """An emergency with a 2 h target was offered tomorrow 10:00 without a word."""
    from bbdispatch.domain.job_edits import NewJob
    from bbdispatch.domain.jobs import Category, JobMode
    from bbdispatch.services.jobs import create_job

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        job_id = await create_job(
            app.ctx,
            NewJob(
                client_id=1, description="Server down", mode=JobMode.ONSITE,
                priority=Priority.EMERGENCY, category=Category.HARDWARE,
            ),
        )  # fmt: skip
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.select_job(job_id)
        await pilot.press("a")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AssignScreen)
        visit = picker.query_one("#visit", Input)
        # Received 09:42, due 11:42: the proposal keeps the target.
        assert visit.value == "24/11/2026 11:30"
        assert "response target" not in str(picker.query_one("#visit-warning", Static).render())
        visit.value = "25.11.2026 10:00"
        await settle(pilot)
        warning = str(picker.query_one("#visit-warning", Static).render())
        assert "After the response target (24/11/2026 11:42)" in warning


def _intakes(app: Any) -> list[IntakeScreen]:
    return [s for s in app.screen_stack if isinstance(s, IntakeScreen)]


def _ring_work(app: Any) -> bool:
    """Whether the ring watcher is still looking at rings or opening an intake."""
    return any(w.group in {"ring-watch", "ring-next"} and not w.is_finished for w in app.workers)


async def until(pilot: Any, condition: Any) -> None:
    """Settle until ``condition()`` holds (a generous bound: load slows, never breaks it)."""
    async with asyncio.timeout(30):
        while not condition():
            await settle(pilot)


async def test_thirty_quick_rings_queue_behind_one_intake(ctx_factory: Any) -> None:
    """30 quick rings stacked 30 intakes; they wait in one queue and open one by one."""
    from bbdispatch.services.intake import record_ring

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ids = [(await record_ring(app.ctx, f"500 600 {700 + i:03d}"))[0] for i in range(30)]
        # Wait for the condition, not for time: an intake open, every ring looked at.
        await until(pilot, lambda: _intakes(app) and not _ring_work(app))
        intakes = _intakes(app)
        assert len(intakes) == 1
        assert intakes[0]._call is not None and intakes[0]._call.id == ids[0]
        first = intakes[0]
        await pilot.press("escape")  # nothing typed: it closes, the call stays pending
        await until(pilot, lambda: _intakes(app) != [first] and not _ring_work(app))
        intakes = [s for s in app.screen_stack if isinstance(s, IntakeScreen)]
        assert len(intakes) == 1
        assert intakes[0]._call is not None and intakes[0]._call.id == ids[1]


def _waiting_toasts(app: Any) -> list[str]:
    """The "more calls waiting" toasts the dispatcher sees."""
    return [str(n.message) for n in app._notifications if "waiting" in str(n.message)]


async def test_the_waiting_count_follows_calls_marked_from_the_command_line(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Three calls wait behind an intake; `calls mark` closes two: the toast says 1, not 3."""
    from bbdispatch.services.intake import mark_call, record_ring

    app = make_app(ctx_factory)
    app.NOTIFICATION_TIMEOUT = 300  # toasts stay up however slow the machine
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ids = [(await record_ring(app.ctx, f"500 600 {710 + i:03d}"))[0] for i in range(4)]
        await until(pilot, lambda: _intakes(app) and not _ring_work(app))
        assert _waiting_toasts(app) == ["3 more calls waiting: they open one by one (l: call log)."]
        # What `bbdispatch calls mark ID missed` does, from another process's connection.
        db = await Database.open(demo_db_path)
        try:
            other = Ctx(db=db, clock=clock, prices=prices, actor="tester")
            await mark_call(other, ids[1], CallOutcome.MISSED)
            await mark_call(other, ids[2], CallOutcome.INFORMATION)
        finally:
            await db.close()
        await until(pilot, lambda: "1 more" in " ".join(_waiting_toasts(app)))
        await until(pilot, lambda: not _ring_work(app))
        assert _waiting_toasts(app) == [
            "1 more call waiting: it opens when this one is done (l: call log)."
        ]
        db = await Database.open(demo_db_path)
        try:
            other = Ctx(db=db, clock=clock, prices=prices, actor="tester")
            await mark_call(other, ids[3], CallOutcome.MISSED)
        finally:
            await db.close()
        await until(pilot, lambda: not _waiting_toasts(app))
        first = _intakes(app)[0]
        await pilot.press("escape")  # the one on screen closes: no other opens, none waits
        await until(pilot, lambda: _intakes(app) != [first] and not _ring_work(app))
        assert _intakes(app) == []
