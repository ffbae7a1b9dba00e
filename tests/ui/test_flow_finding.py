"""Finding your way (issue 13): the board at 60x20, filters, the keys on show."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input

from bbdispatch.domain.board import BoardFilter
from screens.board import BoardScreen
from tests.helpers import make_app, settle, shown_ids


async def test_board_at_60x20_shows_the_left_column_whole(ctx_factory: Any) -> None:
    """At 60x20 the Left column was clipped (``-1h25`` shown as ``-1``)."""
    app = make_app(ctx_factory)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#job-table", DataTable)
        assert table.max_scroll_x == 0, (table.virtual_size, table.size)
        keys = [str(c.key.value) for c in table.columns.values()]
        assert keys[-1] == "left"


async def test_status_filter_finds_a_word_of_the_status(ctx_factory: Any) -> None:
    """``/ s:hold`` found nothing: the status is "on hold"."""
    assert BoardFilter.parse("s:hold").status == "hold"
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        held = [ln.job_id for ln in board._lines if ln.row.job.status.value == "on_hold"]
        assert held, "the demo has a job on hold"
        await pilot.press("slash")
        for key in "s:hold":
            await pilot.press("colon" if key == ":" else key)
        await settle(pilot)
        assert board.query_one("#board-filter", Input).value == "s:hold"
        assert shown_ids(app) == held


async def test_f2_new_call_is_on_the_boards_footer(ctx_factory: Any) -> None:
    """F2 (New call) was shown nowhere on the board."""
    from textual.widgets._footer import FooterKey

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await settle(pilot)
        keys = [k for k in app.screen.query(FooterKey) if k.region.width and k.region.right <= 80]
        assert any(k.key == "f2" for k in keys), [k.key for k in keys]
        await pilot.press("f2")
        await settle(pilot)
        from screens.intake import IntakeScreen

        assert isinstance(app.screen, IntakeScreen)
