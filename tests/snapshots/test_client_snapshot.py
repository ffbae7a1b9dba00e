from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bbdispatch.app import BBDispatch
from tests.helpers import DISPATCHER


def test_client_screen(snap_compare: Any, ctx_factory: Callable[..., Any]) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)

    async def run_before(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("k")  # the client of the first job on the board
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_client_screen_scrolled_to_the_end(
    snap_compare: Any, ctx_factory: Callable[..., Any]
) -> None:
    """The page's last lines (calls, notes) are reached by keyboard at 80x24."""
    app = BBDispatch(ctx_factory(), DISPATCHER)

    async def run_before(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("k")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before, press=["end"])
