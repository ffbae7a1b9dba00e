"""The issue's flows at 80x24: agreed price at intake, signing from the caller card, the client page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.widgets import Input, Select, Static, TextArea

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.jobs import JobMode
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.statements import build_statement
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage.database import Database
from screens.board import BoardScreen
from screens.client import ClientScreen
from screens.client_edit import ClientEditScreen
from screens.intake import IntakeScreen
from screens.sign_contract import SignContractScreen
from screens.widgets.client_form import NewClientForm
from tests.conftest import DEMO_NOW
from tests.helpers import count, make_app, new_caller, query, settle, type_text


async def work_on(db_path: Path, prices: PriceList, job_id: int, minutes: int) -> Ctx:
    db = await Database.open(db_path)
    # The work starts when the job came in (the intake's call, at the demo's now) and
    # is recorded once it is done, later that day.
    ctx = Ctx(db=db, clock=FrozenClock(DEMO_NOW + timedelta(hours=3)), prices=prices,
              actor="tester")  # fmt: skip
    start = DEMO_NOW
    await add_entry(
        ctx, job_id=job_id, technician_id=5, started_at=start,  # beata: nothing else then
        ended_at=start + timedelta(minutes=minutes), description="Naprawa", mode=JobMode.REMOTE,
    )  # fmt: skip
    return ctx


async def test_new_private_caller_with_an_agreed_350_job_bills_350_net(
    ctx_factory: Any, demo_db_path: Path, prices: PriceList
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"500600711", "enter")
        await settle(pilot)
        await pilot.press("tab")  # the name field's kind toggle is first: private
        app.screen.query_one("#nc-kind").focus()
        await pilot.press("p")
        app.screen.query_one("#nc-name", Input).focus()
        await type_text(pilot, "Zofia Lis")
        app.screen.query_one("#description", Input).focus()
        await type_text(pilot, "Laptop nie startuje")
        agreed = app.screen.query_one("#agreed", Input)
        agreed.value = "35O"  # a typo: refused at the field, kept
        app.screen.query_one("#triage").focus()
        await pilot.press("r", "1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "Not an amount" in str(app.screen.query_one("#agreed-error", Static).render())
        assert agreed.value == "35O"
        agreed.value = "35"  # still being typed: a right value already clears the message
        await settle(pilot)
        assert str(app.screen.query_one("#agreed-error", Static).render()) == ""
        agreed.value = "350"
        app.screen.query_one("#triage").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    job = query(demo_db_path, "SELECT j.* FROM job j JOIN client c ON c.id = j.client_id"
                " WHERE c.name = 'Zofia Lis'")[0]  # fmt: skip
    assert job["agreed_price_grosze"] == 35000
    ctx = await work_on(demo_db_path, prices, job["id"], 90)
    try:
        statement = await build_statement(ctx, job["client_id"], date(2026, 11, 1),
                                          date(2026, 11, 30))  # fmt: skip
    finally:
        await ctx.db.close()
    assert statement.net == Decimal("350.00")


async def test_new_company_signs_the_starter_from_the_caller_card_and_its_job_lands_on_it(
    ctx_factory: Any, demo_db_path: Path, prices: PriceList
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"500600722", "enter")
        await settle(pilot)
        assert app.screen.query_one(NewClientForm).display
        await type_text(pilot, "Biuro Lis")
        assert "^t" in str(app.screen.query_one("#hint", Static).render())
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, SignContractScreen)
        title = str(app.screen.query_one("#sign-title").render())
        assert "Biuro Lis" in title
        app.screen.query_one("#product", Select).value = "starter-10h"
        await settle(pilot)
        price = str(app.screen.query_one("#sign-price", Static).render())
        assert "600.00" in price and "138.00" in price and "738.00" in price
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        card = str(app.screen.query_one("#card", Static).render())
        assert "Starter:" in card
        app.screen.query_one("#description", Input).focus()
        await type_text(pilot, "Drukarka")
        await pilot.press("enter", "r", "1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    rows = query(demo_db_path, "SELECT j.id, j.contract_id, k.product_code FROM job j"
                 " JOIN client c ON c.id = j.client_id LEFT JOIN contract k ON k.id = j.contract_id"
                 " WHERE c.name = 'Biuro Lis'")  # fmt: skip
    assert [r["product_code"] for r in rows] == ["starter-10h"]
    ctx = await work_on(demo_db_path, prices, rows[0]["id"], 60)
    await ctx.db.close()
    charges = query(demo_db_path, "SELECT contract_id, minutes FROM charge c JOIN work_entry w"
                    " ON w.id = c.work_entry_id WHERE w.job_id = ?", (rows[0]["id"],))  # fmt: skip
    assert [(c["contract_id"], c["minutes"]) for c in charges] == [(rows[0]["contract_id"], 60)]


async def test_a_new_caller_cancelling_the_signing_form_leaves_nothing_saved(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """^t for a new caller saved the prospect before the form opened; Esc left it behind."""
    clients_before = count(demo_db_path, "client")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await new_caller(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, SignContractScreen)
        assert "Biuro Lis" in str(app.screen.query_one("#sign-title").render())
        assert count(demo_db_path, "client") == clients_before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        form = app.screen.query_one(NewClientForm)
        assert form.display and form.value().name == "Biuro Lis"  # what was typed stays
        assert count(demo_db_path, "client") == clients_before
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "Biuro Lis" in str(app.screen.query_one("#card", Static).render())
    rows = query(demo_db_path, "SELECT c.status, count(k.id) AS n FROM client c"
                 " JOIN contract k ON k.client_id = c.id WHERE c.name = 'Biuro Lis'"
                 " GROUP BY c.id")  # fmt: skip
    assert [(r["status"], r["n"]) for r in rows] == [("active", 1)]


async def test_client_page_from_the_board_edit_and_archive(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        client_id = app.screen.client_id
        page = str(app.screen.query_one("#client-page", Static).render())
        assert "Contracts" in page and "Open jobs" in page and "Calls" in page
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        postal = app.screen.query_one("#ce-postal_code", Input)
        postal.value = "00514"
        phones = app.screen.query_one("#ce-phones", TextArea)
        phones.text = phones.text + "\n500 600 733, serwis, Jan Kot"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        assert "postal code" in str(app.screen.query_one("#ce-postal_code-error", Static).render())
        assert app.screen.focused is postal and postal.value == "00514"
        postal.value = "00-514"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        await settle(pilot)
        assert "Jan Kot" in str(app.screen.query_one("#client-page", Static).render())
        await pilot.press("x")  # the board's first job is open: archiving is refused
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
    client = query(demo_db_path, "SELECT * FROM client WHERE id = ?", (client_id,))[0]
    assert (client["status"], client["postal_code"]) == ("active", "00-514")
    audit = query(demo_db_path, "SELECT action FROM audit_log WHERE entity = 'client' AND"
                  " entity_id = ? ORDER BY id", (client_id,))  # fmt: skip
    assert [a["action"] for a in audit][-1:] == ["edited"]


async def test_a_call_with_a_callback_is_counted_on_the_board_and_worked_off(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.callback_dialog import CallbackDialog
    from screens.callback_outcome import CallbackOutcomeDialog
    from screens.callbacks import CallbacksScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        summary = app.screen.query_one("#board-summary", Static)
        before = str(summary.render())
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        await type_text(pilot, "Pyta o cene nowego laptopa")
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        when = app.screen.query_one("#callback-when", Input)
        when.value = "9:42"  # due now (the clock says 09:42; a past time is refused)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await settle(pilot)
        after = str(app.screen.query_one("#board-summary", Static).render())
        assert "call back" in after and after != before
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        table = app.screen.query_one("#cb-table")
        assert "Pyta o cene" in str(
            app.screen.query_one("#cb-table").get_row_at(table.row_count - 1)
        )  # type: ignore[attr-defined]
        table.move_cursor(row=table.row_count - 1)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbackOutcomeDialog)
        await type_text(pilot, "Wyslana oferta")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    call = query(demo_db_path, "SELECT * FROM call_log ORDER BY id DESC LIMIT 1")[0]
    assert (call["outcome"], call["note"]) == ("information", "Pyta o cene nowego laptopa")
    cb = query(demo_db_path, "SELECT * FROM callback")[0]
    assert (cb["client_id"], cb["call_id"], cb["outcome"]) == (1, call["id"], "Wyslana oferta")
