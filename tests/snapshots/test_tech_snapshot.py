from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from bbdispatch.app import BBDispatch
from tests.helpers import load_person


def test_technician_screen_80x24(snap_compare, ctx_factory, demo_db_path: Path) -> None:
    anna = load_person(demo_db_path, "anna")
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
