"""The billing dialogs a tester found wanting: issued totals apart from later corrections,
labelled correction fields, Tab out of an empty End, the task form's labels at 80 columns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from textual.widgets import Checkbox, DataTable, Input, Label, Select

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.people import Technician
from screens.base import translated
from screens.entry_dialog import EntryDialog
from screens.it_admin import open_recurring_tasks
from screens.statement import StatementScreen
from screens.task_form import TaskForm
from tests.helpers import DISPATCHER, settle_twice
from tests.ui.test_contracts_statement import ADMIN, text_of
from tests.ui.test_tech_workspace import settle

AUGUST = (date(2026, 8, 1), date(2026, 8, 31))


async def test_an_issued_period_shows_its_document_totals_and_the_changes_apart(
    ctx_factory: Callable[..., Callable[[], object]],
) -> None:
    from screens.correct_entry import CorrectEntryScreen

    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(2, AUGUST))
        await settle_twice(app, pilot)
        await pilot.press("f8")
        await settle_twice(app, pilot)
        await pilot.press("y")
        await settle_twice(app, pilot)
        issued = text_of(app, "#statement-totals")
        assert "As issued: net 0.00 PLN · VAT 0.00 PLN · gross 0.00 PLN" in issued
        table = app.screen.query_one("#statement-lines", DataTable)
        as_issued = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        app.screen.query_one("#statement-lines", DataTable).focus()
        await pilot.press("f7")
        await settle_twice(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CorrectEntryScreen)
        # Every field says what it is.
        labels = [str(w.render()) for w in dialog.query(".correct-label").results(Label)]
        assert labels == ["Date", "Start", "End", "Description", "Reason"]
        dialog.query_one("#end", Input).value = "19:00"
        dialog.query_one("#reason", Input).value = "Dojazd nie wpisany"
        dialog.query_one("#correct-long", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, StatementScreen)
        await pilot.press("f5")
        await settle_twice(app, pilot)
        totals = text_of(app, "#statement-totals")
        # The document's totals stay; the correction is shown apart, for the next statement.
        assert "As issued: net 0.00 PLN · VAT 0.00 PLN · gross 0.00 PLN" in totals
        assert "Since issue, on the next statement: entry " in totals
        assert ": 1.5 h · 100.00 PLN" in totals
        assert "Net 100.00" not in totals
        # The lines are the document's too: the corrected entry shows as it was billed.
        table = app.screen.query_one("#statement-lines", DataTable)
        assert [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)] == as_issued


async def test_tab_leaves_an_empty_end_when_stopping_a_timer(
    ctx_factory: Any, anna: Technician, clock: FrozenClock
) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.advance(timedelta(hours=12))
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)
        await pilot.press(*"Restart", "enter")  # too long: the End field gets the focus
        await settle(pilot)
        end = app.screen.query_one("#entry-end", Input)
        assert end.has_focus and end.value == ""
        await pilot.press("tab")
        await settle(pilot)
        # Down the screen to the next field, On site (Tab reaches every field), End left empty.
        assert app.screen.query_one("#entry-onsite", Checkbox).has_focus
        assert end.value == ""


async def test_task_form_labels_fit_and_the_menu_key_is_polish(
    ctx_factory: Any, polish: None
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("n")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        for label in form.query(Label):
            if label.has_class("inline"):
                continue
            text = str(label.render())
            assert label.region.width > len(text), f"{text!r} touches its field"
        form.query_one("#preset", Select).focus()
        await pilot.press("enter")
        await settle_twice(app, pilot)
        shown = [b.binding.description for b in translated(app.screen.active_bindings).values()]
        assert "Zamknij listę" in shown
        assert "Dismiss menu" not in shown
