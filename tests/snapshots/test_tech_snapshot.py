from __future__ import annotations

import asyncio
from pathlib import Path

from textual.pilot import Pilot

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Technician
from bbdispatch.storage.database import Database
from bbdispatch.storage.people import person_by_login


def load_person(db_path: Path, login: str) -> Technician:
    async def get() -> Technician:
        db = await Database.open(db_path)
        try:
            found = await person_by_login(db, login)
        finally:
            await db.close()
        assert found is not None
        return found

    return asyncio.run(get())


def test_technician_screen_80x24(snap_compare, ctx_factory, demo_db_path: Path) -> None:
    anna = load_person(demo_db_path, "anna")
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
