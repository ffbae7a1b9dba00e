from __future__ import annotations

from textual.widgets import DataTable, Static

from bbdispatch.app import BBDispatch
from screens.board import BoardScreen
from tests.helpers import DISPATCHER


async def test_app_starts_and_shows_open_jobs(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        table = app.screen.query_one("#job-table", DataTable)
        assert table.row_count == 8
        first = [str(cell) for cell in table.get_row_at(0)]
        assert any("Przychodnia" in cell or "Bilans" in cell for cell in first)
        summary = str(app.screen.query_one("#board-summary", Static).render())
        assert "Open 8" in summary
