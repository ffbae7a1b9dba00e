"""A forgotten timer: stopping it past timer_limit_hours asks for the real end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Checkbox, Input

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.people import Technician
from screens.entry_dialog import EntryDialog
from screens.tech_jobs import TechJobsScreen
from tests.ui.test_tech_workspace import query, settle, text_of


async def test_stopping_a_forgotten_timer_asks_for_the_real_end(
    ctx_factory, anna: Technician, demo_db_path: Path, clock: FrozenClock
) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.advance(timedelta(hours=12))  # the demo's timer started at 09:02; now 21:42
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)
        await pilot.press(*"Restart serwera", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)  # nothing saved
        assert "12.67 h is longer than 10 h" in text_of(app, "#error-end")
        assert app.screen.query_one("#entry-long", Checkbox).display
        end = app.screen.query_one("#entry-end", Input)
        assert end.has_focus
        await pilot.press(*"10:30", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        rows = await query(
            demo_db_path, "SELECT ended_at FROM work_entry WHERE description = 'Restart serwera'"
        )
        assert rows == [("2026-11-24T09:30:00Z",)]


async def test_a_long_timer_is_saved_once_confirmed(
    ctx_factory, anna: Technician, demo_db_path: Path, clock: FrozenClock
) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.advance(timedelta(hours=11))
        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"Migracja serwera", "enter")
        await settle(pilot)
        assert not app.screen.query_one("#entry-long", Checkbox).value
        app.screen.query_one("#entry-long", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        rows = await query(
            demo_db_path, "SELECT ended_at FROM work_entry WHERE description = 'Migracja serwera'"
        )
        assert rows == [("2026-11-24T19:42:00Z",)]


async def test_no_key_typed_as_text_ticks_a_money_checkbox(
    ctx_factory, anna: Technician, demo_db_path: Path, clock: FrozenClock
) -> None:
    # The tester's case: a space typed by habit after the "longer than 10 h" message
    # ticked "It really took this long", and Tab from Description then space ticked "On site".
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.advance(timedelta(hours=11))
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        onsite = dialog.query_one("#entry-onsite", Checkbox)
        was_onsite = onsite.value
        await pilot.press(*"Migracja serwera", "tab", "space")
        await settle(pilot)
        assert onsite.value == was_onsite  # the space went into End, which has the focus
        assert dialog.query_one("#entry-end", Input).has_focus
        # Tab reaches the box (issue 13: every field by Tab); it shows the focus, and
        # only then does Space tick it, and Enter saves rather than ticks.
        await pilot.press("tab", "space")
        await settle(pilot)
        assert onsite.has_focus and onsite.value != was_onsite
        await pilot.press("space", "tab")
        billable = dialog.query_one("#entry-billable", Checkbox)
        assert billable.has_focus and onsite.value == was_onsite
        await pilot.press("enter")
        await settle(pilot)
        assert billable.value  # Enter did not untick it: it tried to save
        assert "longer than 10 h" in text_of(app, "#error-end")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "longer than 10 h" in text_of(app, "#error-end")
        long = dialog.query_one("#entry-long", Checkbox)
        await pilot.press("space", "tab", "space", "space")
        await settle(pilot)
        assert not long.value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)  # still refused: nothing confirmed it
        assert not await query(
            demo_db_path, "SELECT id FROM work_entry WHERE description LIKE 'Migracja serwera%'"
        )
        await pilot.press("ctrl+o")
        assert onsite.value != was_onsite  # its own key changes it
        await pilot.press("ctrl+o", "ctrl+l")
        assert long.value
        end = dialog.query_one("#entry-end", Input)
        end.value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)


async def test_an_escape_pasted_into_the_work_description_is_shown_as_its_symbol(
    ctx_factory, anna: Technician, demo_db_path: Path, clock: FrozenClock
) -> None:
    """A pasted ESC vanished from the field (the line filter dropped it) yet was saved."""
    from textual import events

    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.advance(timedelta(hours=1))
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)
        field = app.screen.query_one("#entry-description", Input)
        field.post_message(events.Paste("Reset \x1b[2J routera"))
        await settle(pilot)
        assert field.value == "Reset \x1b[2J routera"  # what was pasted is kept
        shown = app.export_screenshot()
        assert "Reset ␛[2J routera" in shown.replace("&#160;", " ")
        assert field._position_to_cell(len(field.value)) == len("Reset ␛[2J routera")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
    rows = await query(
        demo_db_path, "SELECT count(*) FROM work_entry WHERE description = ?",
        "Reset \x1b[2J routera",
    )  # fmt: skip
    assert rows == [(1,)]
