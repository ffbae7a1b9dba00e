"""Small faults of the dispatcher's flow a fresh tester found (issue 13), each pinned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from bbdispatch.clock import FrozenClock
from bbdispatch.pricelist import PriceList
from screens.assign import AssignScreen
from screens.board import BoardScreen
from screens.call_log import CallLogScreen
from screens.intake import IntakeScreen
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import (
    dispatcher_after,
    make_app,
    query,
    ring,
    settle,
    take_waiting_call,
    type_text,
    write,
)
from tests.ui.test_hostile_text import screen_text


async def test_an_extension_typed_after_the_number_keeps_its_space(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        assert isinstance(app.screen, IntakeScreen)
        phone = app.screen.query_one("#phone", Input)
        await type_text(pilot, "226281234")
        await settle(pilot)
        assert phone.value == "22 628 12 34"
        phone.focus()  # back to the number (the whole number moved on to the request)
        await pilot.press("end")
        await type_text(pilot, " wew. 12")
        await settle(pilot)
        assert phone.value == "22 628 12 34 wew. 12"
        status = str(app.screen.query_one("#phone-status", Static).render())
        assert "Kancelaria Notarialna" in status
        assert "ext. 12" in status
        await pilot.press("ctrl+o")  # logged as information
        await settle(pilot)
    call = query(demo_db_path, "SELECT * FROM call_log ORDER BY id DESC LIMIT 1")[0]
    assert (call["raw_number"], call["e164"], call["client_id"]) == (
        "22 628 12 34 wew. 12", "+48226281234", 1,
    )  # fmt: skip


async def test_a_reported_call_shows_its_extension_after_the_number(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    await ring(demo_db_path, clock, prices, "22 628 12 34 wew. 12")
    async with dispatcher_after(ctx_factory, "l") as (app, pilot):  # the call log
        assert isinstance(app.screen, CallLogScreen)
        intake = await take_waiting_call(app, pilot)
        assert intake.query_one("#phone", Input).value == "22 628 12 34 wew. 12"
        assert "ext. 12" in str(intake.query_one("#phone-status", Static).render())


async def test_an_impossible_visit_date_says_no_such_date_in_the_labels_form(
    ctx_factory: Any,
) -> None:
    async with dispatcher_after(ctx_factory) as (app, pilot):
        await app.push_screen(AssignScreen(17))  # an on-site job: the dialog asks for a visit
        await settle(pilot)
        label = str(app.screen.query_one("#visit-label").render())
        assert label == "Visit (DD/MM/YYYY HH:MM):"
        visit = app.screen.query_one("#visit", Input)
        visit.value = ""
        visit.focus()
        await type_text(pilot, "31/02/2027 10:00")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AssignScreen)  # nothing assigned
        warning = str(app.screen.query_one("#visit-warning", Static).render())
        assert warning == "No such date: 31/02/2027 (type the visit as DD/MM/YYYY HH:MM)."
        visit.value = ""
        await type_text(pilot, "tomorrow")
        await pilot.press("enter")
        await settle(pilot)
        warning = str(app.screen.query_one("#visit-warning", Static).render())
        assert warning == "Type the visit as DD/MM/YYYY HH:MM (e.g. 24/11/2026 10:00)."


async def test_closing_a_call_another_dispatcher_handled_says_so_and_keeps_what_was_typed(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    await ring(demo_db_path, clock, prices, "601 234 567")
    async with dispatcher_after(ctx_factory, "l") as (app, pilot):
        await take_waiting_call(app, pilot)
        await type_text(pilot, "printer")
        # Meanwhile another dispatcher took the same call and logged it.
        write(
            demo_db_path,
            "UPDATE call_log SET outcome = 'information', handled_by = 'marta',"
            " note = 'hours asked'",
        )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        asked = screen_text(app)
        assert "marta already handled this call" in asked
        assert "logged as information" not in asked
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, IntakeScreen)
        shown = [str(n.message) for n in app._notifications]
        # Issue 13, B: the request typed is not lost; marta's call is left as she left it.
        assert "marta handled this call meanwhile; yours is logged as call 2." in shown
    call, own = query(demo_db_path, "SELECT * FROM call_log ORDER BY id")
    assert (call["outcome"], call["handled_by"], call["note"]) == (
        "information", "marta", "hours asked",
    )  # fmt: skip
    assert own["outcome"] == "information" and "printer" in own["note"]
    assert own["e164"] == "+48601234567"


@pytest.mark.parametrize(
    ("size", "shown"),
    [((60, 20), "!⏰"), ((80, 24), "!⏰⚠"), ((120, 30), "!⏰⚠")],
)
async def test_emergency_and_breach_marks_are_on_the_board_at_every_width(
    ctx_factory: Any, demo_db_path: Path, size: tuple[int, int], shown: str
) -> None:
    # job 11, an emergency already breached, gets a third mark (an alert)
    write(demo_db_path, "UPDATE job SET alert = 'client called twice' WHERE id = 11")
    app = make_app(ctx_factory)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        table = app.screen.query_one("#job-table", DataTable)
        assert table.virtual_size.width <= table.size.width  # nothing to scroll sideways to
        rows = screen_text(app).splitlines()
        row_11 = next(r for r in rows if r.lstrip().startswith("11 "))
        assert row_11.split()[1] == shown
        row_15 = next(r for r in rows if r.lstrip().startswith("15 "))  # breached, on hold
        assert row_15.split()[1] == "⏰"
