from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Input

from bbdispatch.app import BBDispatch
from screens.statement import StatementScreen
from tests.helpers import DISPATCHER


def test_statement_screen(snap_compare: Any, ctx_factory: Callable[..., Any]) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)

    async def run_before(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.push_screen(StatementScreen(3))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for field in pilot.app.screen.query(Input):  # a blinking cursor made it flaky
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
