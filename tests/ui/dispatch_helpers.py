"""Shared bits of the dispatch UI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician

DISPATCHER = Technician(
    id=5, login="beata", name="Beata Jankowska", role=Role.DISPATCHER, does_onsite=False,
    phone=None, active=True,
)  # fmt: skip


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown_ids(app: BBDispatch) -> list[int]:
    """Job numbers on the board, top to bottom."""
    table = app.screen.query_one("#job-table", DataTable)
    return [int(str(table.get_row_at(i)[0])) for i in range(table.row_count)]


def cell(app: BBDispatch, job_id: int, column: str) -> str:
    """What one cell of the board shows."""
    table = app.screen.query_one("#job-table", DataTable)
    return str(table.get_cell(str(job_id), column))
