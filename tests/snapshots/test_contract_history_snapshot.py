from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.schedule import run_schedule
from bbdispatch.storage.database import Database
from tests.helpers import DISPATCHER


def test_contract_history_80x24(
    snap_compare: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList, ctx_factory: Any
) -> None:
    async def schedule() -> None:
        db = await Database.open(demo_db_path)
        await run_schedule(
            Ctx(db=db, clock=clock, prices=prices, actor="cron", fallback=Principal.SYSTEM)
        )
        await db.close()

    asyncio.run(schedule())
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)

    async def run_before(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("i")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter", "h")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
