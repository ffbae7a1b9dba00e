from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from bbdispatch.app import BBDispatch
from tests.helpers import DISPATCHER


def _intake_for(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f2", *keys)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def test_intake_with_matched_caller(snap_compare: Any, ctx_factory: Any) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_intake_for(*"601234567"))


def test_intake_new_client_form(snap_compare: Any, ctx_factory: Any) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_intake_for(*"500600700", "enter"))
