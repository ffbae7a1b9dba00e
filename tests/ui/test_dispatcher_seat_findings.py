"""A new user's findings on the dispatcher's seat (issue 14), each at 80x24.

The client page scrolls to its last line by keyboard; a callback asked for an
unknown caller is kept with the number; every call that reached the intake is
in the call log; the statement calls a fixed price a price; form dialogs open
on their first field and ask before Esc drops what was typed; the intake's
agreed-price field keeps its label; a callback from the board carries the
call's number; "no answer" keeps a callback open and a past time is refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Label

from bbdispatch.domain.job_edits import JobEdit
from bbdispatch.domain.jobs import JobMode, Priority
from bbdispatch.pricelist import PriceList
from bbdispatch.services.dispatch import edit_job
from screens.client import ClientScreen
from screens.statement import StatementScreen
from screens.widgets.plain import Plain
from tests.helpers import make_app, query, settle, shown_ids, type_text
from tests.ui.test_client_flows import work_on

BUSY_CLIENT = 3
"""Przychodnia Zdrowie Plus: contracts, jobs and calls; its page is taller than 24 lines."""


async def test_the_client_page_scrolls_to_its_notes_by_keyboard(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientScreen(BUSY_CLIENT))
        await settle(pilot)
        scroll = app.screen.query_one("#client-scroll", VerticalScroll)
        page = app.screen.query_one("#client-page", Plain)
        lines = str(page.render()).count("\n") + 1
        assert app.focused is scroll
        assert page.outer_size.height >= lines  # nothing cut off
        assert scroll.max_scroll_y > 0
        await pilot.press("end")
        await settle(pilot)
        assert scroll.scroll_y == scroll.max_scroll_y
        notes = str(page.render()).split("\n").index("Notes")
        assert scroll.scroll_y <= notes < scroll.scroll_y + scroll.scrollable_content_region.height


ZIELINSKA, HER_JOB = 11, 17
"""A private person of the demo and her open job (agreed at 90 zł/h)."""


async def test_the_statement_calls_a_fixed_price_a_price_for_the_job_as_the_documents_do(
    ctx_factory: Any, demo_db_path: Path, prices: PriceList
) -> None:
    ctx = await work_on(demo_db_path, prices, HER_JOB, 90)
    try:
        edit = JobEdit("Komputer nie uruchamia się po burzy", Priority.NORMAL, JobMode.ONSITE,
                       None, agreed_price=Decimal("350"))  # fmt: skip
        await edit_job(ctx, HER_JOB, edit)
    finally:
        await ctx.db.close()
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(StatementScreen(ZIELINSKA, (date(2026, 11, 1), date(2026, 11, 30))))
        await settle(pilot)
        totals = str(app.screen.query_one("#statement-totals", Plain).render())
        assert "Agreed price for job 17: 1.5 h · 350.00" in totals.replace(",", ".")
        assert "rate" not in totals
        table = app.screen.query_one("#statement-lines", DataTable)
        assert str(table.get_cell_at((0, 6))) == "agreed price"


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_the_intakes_agreed_price_field_keeps_its_label_when_filled(
    ctx_factory: Any, demo_db_path: Path, language: str
) -> None:
    from bbdispatch.i18n import _, choose_language

    choose_language(language)
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"515303404")  # Maria Zielińska, a private person
        await settle(pilot)
        agreed = app.screen.query_one("#agreed", Input)
        agreed.value = "350"
        await settle(pilot)
        label = app.screen.query_one("#agreed-label", Label)
        text = str(label.render()).strip()
        assert text == _("Agreed")
        assert label.region.width >= len(text)
        assert label.region.right <= agreed.region.x <= 80 - agreed.region.width
        assert agreed.region.y == label.region.y and agreed.region.width >= 8


async def test_a_callback_from_the_board_carries_the_calls_number_and_caller(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.callback_dialog import CallbackDialog
    from screens.callbacks import CallbacksScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert shown_ids(app)[0] == 11  # Przychodnia: Dorota Kaczmarek called from 42 630 11 22
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        await type_text(pilot, "serwer")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        table = app.screen.query_one("#cb-table", DataTable)
        row = [str(c) for c in table.get_row(f"cb-{_last_callback(demo_db_path)['id']}")]
        assert row[2] == "42 630 11 22"
        assert "Dorota Kaczmarek" in row[1]
    cb = _last_callback(demo_db_path)
    assert (cb["e164"], cb["name"], cb["client_id"]) == ("+48426301122", "Dorota Kaczmarek", 3)


def _last_callback(db: Path) -> Any:
    return query(db, "SELECT * FROM callback ORDER BY id DESC LIMIT 1")[0]


async def test_the_client_edit_opens_on_the_name_and_the_first_key_counts(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.client_edit import ClientEditScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientScreen(BUSY_CLIENT))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        name = app.screen.query_one("#ce-name", Input)
        assert app.focused is name
        await pilot.press("X")
        assert name.value == "Przychodnia Zdrowie Plus sp. z o.o.X"


def _dialogs() -> dict[str, Any]:
    from screens.assessment import AssessmentScreen
    from screens.backup_check_dialog import BackupCheckDialog
    from screens.callback_dialog import CallbackDialog
    from screens.sign_contract import SignContractScreen

    return {
        "sign": lambda: SignContractScreen(BUSY_CLIENT),
        "assess": lambda: AssessmentScreen(BUSY_CLIENT),
        "callback": lambda: CallbackDialog("Przychodnia"),
        "backup": lambda: BackupCheckDialog(22),
    }


@pytest.mark.parametrize("name", ["sign", "assess", "callback", "backup"])
async def test_every_form_dialog_opens_on_a_field(
    ctx_factory: Any, demo_db_path: Path, name: str
) -> None:
    from textual.widgets import OptionList, Select, TextArea
    from textual.widgets._toggle_button import ToggleButton

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(_dialogs()[name]())
        await settle(pilot)
        assert isinstance(app.focused, Input | TextArea | Select | ToggleButton | OptionList)


def _count(db: Path, table: str) -> int:
    return int(query(db, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


async def test_a_callback_for_an_unknown_caller_is_kept_with_the_number_and_listed(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.board import BoardScreen
    from screens.callback_dialog import CallbackDialog
    from screens.callbacks import CallbacksScreen
    from screens.widgets.client_form import NewClientForm

    clients = _count(demo_db_path, "client")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"512345679", "enter")  # unknown: the new-client form opens
        await settle(pilot)
        assert app.screen.query_one(NewClientForm).display
        await pilot.press("ctrl+b")  # the caller gives no name, only wants a call back
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        await type_text(pilot, "Oferta na serwis")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        cb = _last_callback(demo_db_path)
        row = [str(c) for c in app.screen.query_one(DataTable).get_row(f"cb-{cb['id']}")]
        assert row[2:] == ["512 345 679", "Oferta na serwis"]
    assert (cb["e164"], cb["client_id"], cb["reason"]) == ("+48512345679", None, "Oferta na serwis")
    call = query(demo_db_path, "SELECT * FROM call_log ORDER BY id DESC LIMIT 1")[0]
    assert (call["e164"], call["outcome"], cb["call_id"]) == ("+48512345679", "information",
                                                              call["id"])  # fmt: skip
    assert _count(demo_db_path, "client") == clients  # no nameless prospect


async def test_a_callback_whose_call_cannot_be_saved_yet_is_kept_for_the_next_try(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.callback_dialog import CallbackDialog
    from screens.intake import IntakeScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"512345679", "enter")
        await settle(pilot)
        app.screen.query_one("#nc-nip", Input).value = "123"  # typed, but no name yet
        await pilot.press("ctrl+b")
        await settle(pilot)
        await type_text(pilot, "Oferta")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)  # the form says what is wrong
        app.screen.query_one("#nc-nip", Input).value = ""
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        assert app.screen.query_one("#callback-reason", Input).value == "Oferta"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert _last_callback(demo_db_path)["reason"] == "Oferta"


@pytest.mark.parametrize("how", ["ctrl+f", "name in the phone field"])
@pytest.mark.parametrize("close", ["escape", "ctrl+o"])
async def test_a_call_found_by_name_and_closed_without_a_job_is_in_the_call_log(
    ctx_factory: Any, demo_db_path: Path, how: str, close: str
) -> None:
    from screens.board import BoardScreen
    from screens.widgets.confirm import ConfirmScreen

    calls = _count(demo_db_path, "call_log")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        if how == "ctrl+f":
            await pilot.press("ctrl+f")
        await type_text(pilot, "Zielinska")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # the one found: her card
        await settle(pilot)
        assert "Maria Zielińska" in str(app.screen.query_one("#phone-status").render())
        await pilot.press(close)
        await settle(pilot)
        if close == "escape":
            assert isinstance(app.screen, ConfirmScreen)
            assert "logged" in str(app.screen.query_one("#confirm-question").render())
            await pilot.press("y")
            await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    assert _count(demo_db_path, "call_log") == calls + 1
    call = query(demo_db_path, "SELECT * FROM call_log ORDER BY id DESC LIMIT 1")[0]
    assert (call["client_id"], call["outcome"], call["raw_number"]) == (
        ZIELINSKA,
        "information",
        "",
    )


async def _open_job_edit(app: Any, pilot: Any) -> str:
    await pilot.press("enter", "e")  # the first job on the board, its edit dialog
    return "#edit-description"


async def _open_sign(app: Any, pilot: Any) -> str:
    from screens.sign_contract import SignContractScreen

    app.push_screen(SignContractScreen(BUSY_CLIENT))
    return "#rules"


async def _open_note(app: Any, pilot: Any) -> str:
    from screens.note_prompt import NotePrompt

    app.push_screen(NotePrompt("Why?"))
    return "#note-input"


async def _open_assign(app: Any, pilot: Any) -> str:
    await pilot.press("a")  # job 11 is on-site: the visit is proposed, then typed over
    return "#visit"


OPENERS = {"job edit": _open_job_edit, "sign": _open_sign, "note": _open_note,
           "assign": _open_assign}  # fmt: skip


@pytest.mark.parametrize("name", list(OPENERS))
async def test_esc_asks_before_a_dialog_drops_what_was_typed(
    ctx_factory: Any, demo_db_path: Path, name: str
) -> None:
    from screens.board import BoardScreen
    from screens.widgets.confirm import ConfirmScreen
    from screens.widgets.form_dialog import FormDialog

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field = await OPENERS[name](app, pilot)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog | ConfirmScreen)
        if name == "job edit":
            await pilot.press("e")
        else:
            await OPENERS[name](app, pilot)
        await settle(pilot)
        app.screen.query_one(field, Input).value = "12.12.2026 10:00"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one("#confirm-question").render()) == "Discard changes?"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one(field, Input).value == "12.12.2026 10:00"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog | ConfirmScreen)
        assert isinstance(app.screen, BoardScreen) or name == "job edit"


async def _promise_callback(app: Any, pilot: Any, when: str) -> Any:
    """Promise a callback to the board's first job's client at ``when``; the dialog after Save."""
    from screens.callback_dialog import CallbackDialog

    await pilot.press("ctrl+b")
    await settle(pilot)
    assert isinstance(app.screen, CallbackDialog)
    await type_text(pilot, "serwer")
    app.screen.query_one("#callback-when", Input).value = when
    await pilot.press("ctrl+s")
    await settle(pilot)
    return app.screen


async def test_a_callback_time_in_the_past_is_refused_at_the_field_and_kept(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.callback_dialog import CallbackDialog

    before = _count(demo_db_path, "callback")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _promise_callback(app, pilot, "9:00")  # the clock says 09:42
        assert isinstance(dialog, CallbackDialog)
        assert "passed" in str(dialog.query_one("#callback-error").render())
        assert dialog.query_one("#callback-when", Input).value == "9:00"
        assert app.focused is dialog.query_one("#callback-when", Input)
        assert "serwer" in dialog.query_one("#callback-reason", Input).value
    assert _count(demo_db_path, "callback") == before


async def test_no_answer_keeps_the_callback_open_records_the_try_and_done_closes_it(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.callback_outcome import CallbackOutcomeDialog
    from screens.callbacks import CallbacksScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _promise_callback(app, pilot, "10:00")
        cb = _last_callback(demo_db_path)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        table = app.screen.query_one("#cb-table", DataTable)
        table.move_cursor(row=table.get_row_index(f"cb-{cb['id']}"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbackOutcomeDialog)
        app.screen.query_one("#cb-next", Input).value = "9:30"  # in the past: refused, kept
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, CallbackOutcomeDialog)
        assert "passed" in str(app.screen.query_one("#cb-error").render())
        assert app.screen.query_one("#cb-next", Input).value == "9:30"
        app.screen.query_one("#cb-next", Input).value = "11:15"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        row = [str(c) for c in table.get_row(f"cb-{cb['id']}")]  # still on the list
        assert row[0] == "24/11 11:15" and "1 try, last 24/11 09:42: No answer" in row[3]
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "Umowiona wizyta")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        assert f"cb-{cb['id']}" not in [k.value for k in table.rows]
    done = _last_callback(demo_db_path)
    assert (done["attempts"], done["outcome"]) == (1, "Umowiona wizyta")
    assert done["done_at"] is not None and done["due_at"].startswith("2026-11-24T10:15")
    tried = query(demo_db_path, "SELECT * FROM audit_log WHERE entity = 'callback'"
                  " AND action = 'no_answer'")  # fmt: skip
    assert len(tried) == 1


async def test_a_callback_called_off_closes_with_its_reason(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.callbacks import CallbacksScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _promise_callback(app, pilot, "10:00")
        cb = _last_callback(demo_db_path)
        app.push_screen(CallbacksScreen())
        await settle(pilot)
        table = app.screen.query_one("#cb-table", DataTable)
        table.move_cursor(row=table.get_row_index(f"cb-{cb['id']}"))
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "Klient sam zadzwonil")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    done = _last_callback(demo_db_path)
    assert done["done_at"] is not None and "Klient sam zadzwonil" in done["outcome"]


async def test_enter_in_the_agreed_price_field_saves_the_job_like_enter_in_the_site(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.board import BoardScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"515303404")  # Maria Zielińska, a private person
        await settle(pilot)
        await type_text(pilot, "Drukarka")
        await pilot.press("enter", "r", "1", "tab")
        app.screen.query_one("#agreed", Input).focus()
        await type_text(pilot, "350")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    job = query(demo_db_path, "SELECT * FROM job ORDER BY id DESC LIMIT 1")[0]
    assert (job["client_id"], job["agreed_price_grosze"]) == (ZIELINSKA, 35000)
