"""Every dialog and form starts at its first field, Tab goes down the screen and reaches
every field (issue 13).

Found by a fresh tester: the technician's timer-stop dialog (End, then
Description) focused Description first, and Tab went back up to End. In
every dialog and form the focus order must follow the fields' order on the
screen: the first field has the focus, and Tab forward never moves up (nor
left on the same line). And Tab alone reaches every field: the same dialog's
On site and Billable checkboxes were reachable only by ^O and ^B.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from bbdispatch.app import BBDispatch
from bbdispatch.domain.jobs import JobMode
from screens.entry_dialog import EntryDefaults, EntryDialog
from screens.widgets.form_dialog import FIELDS
from tests.helpers import DISPATCHER, settle
from tests.ui.test_hostile_text import Factory, _dispatcher_screens

FIRST_NOT_FOCUSED: dict[str, str] = {
    "board": "a list, not a form: the job table takes the keys; / reaches the filter above it",
    "inventory": "a view, not a form: the list of changes scrolls; the computer picker is above",
    "client-edit": "the name, not the kind toggle above it: typing a name would flip the kind",
}
"""Screens that start elsewhere than their first field, and why."""

TYPED_FIRST: dict[str, tuple[str, str]] = {
    "intake": (
        "#description",
        "the triage bar sends the focus back to an empty request (a key typed ahead"
        " must not set triage), so Tab passes it once a request is typed",
    ),
}
"""Forms whose Tab order opens up once a field holds text: the field, the text is typed in."""


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


def _fields(screen: Screen[Any]) -> list[Widget]:
    """Every field on the screen a person could fill: shown, enabled, with room on screen."""
    return [
        w
        for w in screen.query(FIELDS)
        if w.display and w.visible and not w.disabled and w.region.area and w.screen is screen
    ]


@pytest.mark.parametrize("name", list(SCREENS))
async def test_tab_reaches_every_field(name: str, ctx_factory: Any) -> None:
    """Tab alone visits every field of the form (the timer-stop dialog's checkboxes were not)."""
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        screen = await SCREENS[name](app)
        if screen is not app.screen:
            await app.push_screen(screen)
        await settle(pilot)
        screen = app.screen
        if name in TYPED_FIRST:
            first = screen.focused
            field = screen.query_one(TYPED_FIRST[name][0], Input)
            field.focus()
            await pilot.press(*"Drukarka")
            if first is not None:
                first.focus()
            await settle(pilot)
        fields = _fields(screen)
        reached: list[Widget] = [] if screen.focused is None else [screen.focused]
        for _ in range(len(screen.focus_chain) + 1):
            await pilot.press("tab")
            await pilot.pause()
            assert app.screen is screen, f"{name}: Tab left the screen for {app.screen!r}"
            if screen.focused is not None:
                reached.append(screen.focused)
        missed = [f"{w!r} at {_place(w)}" for w in fields if w not in reached]
        assert not missed, f"{name}: Tab never reaches {missed}"
