"""Waiting calls are seen until taken, F3 opens any of them, and the counts fit (issue 13).

A call that rang while a form was open was told by a toast of 5 s; after a
restart the board counted 35 waiting and F3 found none; at 60 columns the
footer cut ``f1 Help`` and the summary ``call back 35``; at 80 the intake cut
an invalid number's reason.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.domain.calls import CallOutcome
from bbdispatch.i18n import choose_language
from bbdispatch.services.callers import record_ring
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import mark_call
from screens.board import BoardScreen
from screens.intake import IntakeScreen
from tests.helpers import add_callbacks_due, make_app, settle


def screen_lines(app: Any) -> list[str]:
    """The text of every line of the screen as drawn (dialogs over their screen)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def _intakes(app: Any) -> list[IntakeScreen]:
    return [s for s in app.screen_stack if isinstance(s, IntakeScreen)]


def _ring_work(app: Any) -> bool:
    groups = {"ring-watch", "ring-next", "ring-asked"}
    return any(w.group in groups and not w.is_finished for w in app.workers)


async def until(pilot: Any, condition: Any) -> None:
    """Settle until ``condition()`` holds (a bound generous for a loaded machine)."""
    async with asyncio.timeout(30):
        while not condition():
            await settle(pilot)


def _board_loaded(app: Any) -> bool:
    board = next((s for s in app.screen_stack if isinstance(s, BoardScreen)), None)
    return board is not None and board.loads > 0 and not _ring_work(app)


async def test_f3_opens_calls_that_waited_before_the_session_started(
    ctx_factory: Any, demo_ctx: Ctx
) -> None:
    """After a restart the board counted the waiting calls and F3 said none was waiting."""
    first, _match = await record_ring(demo_ctx, "12 422 33 44")
    second, _match = await record_ring(demo_ctx, "601 234 567")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: _board_loaded(app))
        lines = screen_lines(app)
        assert "2 calls waiting: F3" in lines[0], lines[0]
        assert "calls waiting 2 (F3)" in " ".join(lines[1:3]), lines[1:3]
        assert _intakes(app) == []  # calls from before the start do not pop up
        await pilot.press("f3")
        await until(pilot, lambda: bool(_intakes(app)) and not _ring_work(app))
        assert [i.taken_call_id for i in _intakes(app)] == [first]  # the oldest
        await settle(pilot)
        # The call being answered is not waiting; the other one still is.
        assert "1 call waiting: F3" in screen_lines(app)[0]
        await pilot.press("escape")  # closed untouched: it waits again
        await until(pilot, lambda: not _intakes(app) and not _ring_work(app))
        await pilot.press("f3")
        await until(pilot, lambda: bool(_intakes(app)) and not _ring_work(app))
        assert [i.taken_call_id for i in _intakes(app)] == [first]
        assert second != first


async def test_a_call_ringing_behind_a_form_is_shown_until_it_is_taken(
    ctx_factory: Any,
) -> None:
    """The toast went after 5 s and nothing on screen said a call was waiting."""
    from bbdispatch.services.board import job_detail
    from screens.job_edit import JobEditScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: _board_loaded(app))
        assert "waiting" not in screen_lines(app)[0]
        await app.push_screen(JobEditScreen(await job_detail(app.ctx, 12)))
        await settle(pilot)
        call_id, _match = await record_ring(app.ctx, "12 422 33 44")
        app.data_changed.publish(None)  # what the App does when it sees the commit
        await until(pilot, lambda: not _ring_work(app))
        assert isinstance(app.screen, JobEditScreen) and _intakes(app) == []
        app.clear_notifications()  # the toast has gone
        await settle(pilot)
        assert "1 call waiting: F3" in screen_lines(app)[0]  # on top of the dialog
        await mark_call(app.ctx, call_id, CallOutcome.MISSED)  # another dispatcher took it
        app.data_changed.publish(None)
        await until(pilot, lambda: not _ring_work(app))
        await settle(pilot)
        assert "waiting" not in screen_lines(app)[0]


@pytest.mark.parametrize(
    ("language", "help_key", "parts"),
    [
        ("en", "f1 Help", ["Open 8", "breached 4", "calls waiting 35 (F3)", "call back 2 (b)"]),
        ("pl", "f1 Pomoc", ["Otwarte 8", "po terminie 4", "czeka połączeń: 35 (F3)",
                            "oddzwonić: 2 (b)"]),
    ],
)  # fmt: skip
async def test_the_board_footer_and_summary_fit_60_columns(
    ctx_factory: Any, demo_ctx: Ctx, demo_db_path: Path, language: str, help_key: str,
    parts: list[str],
) -> None:  # fmt: skip
    add_callbacks_due(demo_db_path)
    for n in range(35):
        await record_ring(demo_ctx, f"12 422 33 {n:02d}")
    choose_language(language)
    try:
        app = make_app(ctx_factory)
        async with app.run_test(size=(60, 20)) as pilot:
            await until(pilot, lambda: _board_loaded(app))
            await settle(pilot)
            lines = screen_lines(app)
            assert help_key in lines[-1], lines[-1]
            summary = [ln for ln in lines[1:3] if "·" in ln or "(F3)" in ln]
            for part in parts:
                assert any(part in ln for ln in summary), (part, summary)
            assert not any(ln.rstrip().endswith("…") for ln in summary), summary
    finally:
        choose_language("en")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Not a valid phone number: 12 111 22 2 (Polish numbers have 9 digits)"),
        ("pl", "To nie jest poprawny numer telefonu: 12 111 22 2 (polskie numery mają 9 cyfr)"),
    ],
)
async def test_the_intakes_invalid_number_reason_is_whole_at_80_columns(
    ctx_factory: Any, language: str, message: str
) -> None:
    choose_language(language)
    try:
        app = make_app(ctx_factory)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: _board_loaded(app))
            await pilot.press("f2")
            await until(pilot, lambda: isinstance(app.screen, IntakeScreen))
            await pilot.press(*"121112222"[:8], "enter")
            await settle(pilot)
            status = app.screen.query_one("#phone-status")
            x, y, height = status.region.x, status.region.y, status.region.height
            shown = " ".join(ln[x:].strip() for ln in screen_lines(app)[y : y + height])
            assert shown == message
    finally:
        choose_language("en")


async def test_the_call_log_counts_waiting_calls_by_the_same_rule(
    ctx_factory: Any, demo_ctx: Ctx
) -> None:
    """A call another dispatcher's intake holds open is being taken, not waiting."""
    from textual.widgets import Static

    from bbdispatch.services.intake import open_call_by_hand
    from screens.call_log import CallLogScreen

    await record_ring(demo_ctx, "12 422 33 44")
    await open_call_by_hand(demo_ctx, demo_ctx.clock.now())  # a living session's F2 intake
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: _board_loaded(app))
        assert "1 call waiting: F3" in screen_lines(app)[0]
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, CallLogScreen))
        await settle(pilot)
        summary = str(app.screen.query_one("#calls-summary", Static).render())
        assert summary.startswith("Calls 2 · waiting 1 · "), summary
