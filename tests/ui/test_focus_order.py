"""Every dialog and form starts at its first field and Tab goes down the screen (issue 13).

Found by a fresh tester: the technician's timer-stop dialog (End, then
Description) focused Description first, and Tab went back up to End. In
every dialog and form the focus order must follow the fields' order on the
screen: the first field has the focus, and Tab forward never moves up (nor
left on the same line).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen
from textual.widget import Widget

from bbdispatch.app import BBDispatch
from bbdispatch.domain.jobs import JobMode
from screens.entry_dialog import EntryDefaults, EntryDialog
from tests.helpers import DISPATCHER, settle
from tests.ui.test_hostile_text import Factory, _dispatcher_screens

FIRST_NOT_FOCUSED: dict[str, str] = {
    "board": "a list, not a form: the job table takes the keys; / reaches the filter above it",
    "inventory": "a view, not a form: the list of changes scrolls; the computer picker is above",
    "client-edit": "the name, not the kind toggle above it: typing a name would flip the kind",
}
"""Screens that start elsewhere than their first field, and why."""


async def _stop_dialog(app: BBDispatch) -> Screen[Any]:
    async def submit(_values: object) -> None:
        return None

    now = app.ctx.clock.now()
    defaults = EntryDefaults(
        title="Stop the timer on job 12", mode=JobMode.REMOTE, started_at=now, stopping=True
    )
    return EntryDialog(defaults, app.ctx.clock, submit)


def _screens() -> dict[str, Factory]:
    return {**_dispatcher_screens(), "timer-stop": _stop_dialog}


def _place(widget: Widget) -> tuple[int, int]:
    region = widget.region
    return region.y, region.x


def _chain(screen: Screen[Any]) -> list[Widget]:
    return [w for w in screen.focus_chain if w.region.area]


SCREENS = _screens()


@pytest.mark.parametrize("name", list(SCREENS))
async def test_focus_starts_at_the_first_field_and_tab_goes_down(
    name: str, ctx_factory: Any
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        screen = await SCREENS[name](app)
        if screen is not app.screen:
            await app.push_screen(screen)
        await settle(pilot)
        chain = _chain(app.screen)
        if not chain:
            return
        focused = app.screen.focused
        if name not in FIRST_NOT_FOCUSED:
            assert focused is chain[0], (
                f"{name}: focus starts at {focused!r} at {focused and _place(focused)},"
                f" the first field is {chain[0]!r} at {_place(chain[0])}"
            )
        places = [(_place(w), w) for w in chain]
        for (before, a), (after, b) in zip(places, places[1:], strict=False):
            assert before <= after, f"{name}: Tab goes up or left, {a!r} {before} → {b!r} {after}"
