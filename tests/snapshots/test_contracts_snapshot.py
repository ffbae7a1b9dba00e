from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bbdispatch.app import BBDispatch
from tests.helpers import DISPATCHER


def test_contracts_screen(snap_compare: Any, ctx_factory: Callable[..., Any]) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)

    async def run_before(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("c")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
