"""Issue 20: a catch-up job for a past recurring run looked on time on the board.

The demo's backup check of Monday 23.11 09:00 is made on Tuesday 09:42 (late):
its response clock started when the job was made, so the board said "24:00
left" and sorted it last; the technician's list showed nothing at all.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.widgets import DataTable

from bbdispatch.app import BBDispatch
from bbdispatch.services.board import board_lines
from bbdispatch.services.context import Ctx
from bbdispatch.services.schedule import run_schedule
from screens.tech_jobs import TechJobsScreen
from tests.ui.test_contracts_statement import ADMIN
from tests.ui.test_tech_workspace import settle


def row_text(table: DataTable[Any], key: str) -> list[str]:
    return [str(getattr(c, "plain", c)) for c in table.get_row(key)]


async def test_a_catch_up_run_is_late_on_the_board_and_the_technicians_list(
    demo_ctx: Ctx, ctx_factory: Any
) -> None:
    [run] = (await run_schedule(demo_ctx)).created
    assert run.late
    [line] = [ln for ln in await board_lines(demo_ctx) if ln.job_id == run.job_id]
    assert line.flags.recurring_overdue and line.flags.breached
    assert line.response is not None
    # Due by the end of Monday (its day), 9 h 42 min ago; waiting since 09:00 Monday.
    assert line.response.left == -timedelta(hours=9, minutes=42)
    assert line.waiting == timedelta(hours=24, minutes=42)

    app = BBDispatch(ctx_factory(), ADMIN, schedule_seconds=None)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        cells = row_text(table, str(run.job_id))
    assert "⏰" in cells[1] and "⟳" in cells[1]
    assert "-9:42" in cells
    from bbdispatch.storage.people import person_by_login

    piotr = await person_by_login(demo_ctx.db, "piotr")
    assert piotr is not None
    app = BBDispatch(ctx_factory("piotr"), piotr, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        table = app.screen.query_one("#my-jobs", DataTable)
        cells = row_text(table, str(run.job_id))
    assert cells[0].startswith("⟳")  # late, marked as on the board
    assert cells[3] == "23/11 09:00"  # when it was due
