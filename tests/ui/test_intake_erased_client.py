"""An open intake never saves an erased person's details back, and stops showing them.

The tester's finding: a dispatcher had the intake open with Jan Kowalski's
caller card while an admin ran ``privacy erase`` in another process; saving
the job put his name, number and address back into the database. Every service
that writes about a client now refuses an erased one ("this client's data was
erased"), and the intake's card, refreshed on the other process's commit,
drops what it showed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.client_details import ClientDetails
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.pricelist import PriceList
from bbdispatch.services.clients import archive_client, edit_client, get_client
from bbdispatch.services.context import Ctx
from bbdispatch.services.erased import ClientErased
from bbdispatch.services.intake import IntakeRequest, save_intake
from bbdispatch.services.privacy import erase_client
from bbdispatch.services.statements import issue_statement
from bbdispatch.storage.database import Database
from screens.intake import IntakeScreen
from screens.widgets.caller_card import CallerCardView
from tests.helpers import make_app, query, settle, settle_until, type_text

KOWALSKI = 10
"""A demo private person with no open job and no contract, number 600 700 800."""


def _job(client_id: int) -> NewJob:
    return NewJob(
        client_id=client_id, description="Nie działa drukarka", mode=JobMode.REMOTE,
        priority=Priority.NORMAL, category=Category.HARDWARE,
    )  # fmt: skip


def _lines(app: Any) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_no_service_writes_an_erased_client_back(demo_ctx: Ctx, demo_db_path: Path) -> None:
    """Nothing issued: the record is gone; the intake, a callback and a job are refused."""
    card_before = await get_client(demo_ctx, KOWALSKI)
    await erase_client(demo_ctx, KOWALSKI)
    jobs = query(demo_db_path, "SELECT count(*) FROM job")[0][0]
    calls = query(demo_db_path, "SELECT count(*) FROM call_log")[0][0]
    request = IntakeRequest(job=_job(KOWALSKI), client_id=KOWALSKI, raw_number="600700800")
    with pytest.raises(ClientErased, match="erased"):
        await save_intake(demo_ctx, request)
    with pytest.raises(ClientErased):
        await edit_client(demo_ctx, KOWALSKI, ClientDetails.of(card_before))
    assert query(demo_db_path, "SELECT count(*) FROM job")[0][0] == jobs
    assert query(demo_db_path, "SELECT count(*) FROM call_log")[0][0] == calls
    assert query(demo_db_path, "SELECT count(*) FROM client WHERE id = ?", (KOWALSKI,))[0][0] == 0
    phones = "SELECT count(*) FROM client_phone WHERE e164 = '+48600700800'"
    assert query(demo_db_path, phones)[0][0] == 0


async def test_a_client_kept_for_accounting_is_not_filled_in_again(
    demo_db_path: Path, prices: PriceList
) -> None:
    """Issued statements keep the record (name, address): an old form's e-mail stays out."""
    from datetime import datetime, timedelta

    from bbdispatch.clock import FIRM_ZONE
    from tests.storage.test_privacy import add_person_with_history

    clock = FrozenClock(datetime(2026, 10, 10, 9, 0, tzinfo=FIRM_ZONE))
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    try:
        client_id, _job_id = await add_person_with_history(ctx, clock.now() - timedelta(days=3))
        clock.advance(timedelta(days=30))
        await issue_statement(ctx, client_id, date(2026, 10, 1), date(2026, 10, 31))
        form = ClientDetails.of(await get_client(ctx, client_id))  # a form opened before
        done = await erase_client(ctx, client_id)
        assert done.kept_for_accounting
        with pytest.raises(ClientErased):
            await edit_client(ctx, client_id, form)
        with pytest.raises(ClientErased):
            await archive_client(ctx, client_id, archived=False)  # reactivate
        with pytest.raises(ClientErased):
            await save_intake(ctx, IntakeRequest(job=_job(client_id), client_id=client_id))
        row = await db.fetch_one("SELECT email, status FROM client WHERE id = ?", (client_id,))
        assert row is not None and (row["email"], row["status"]) == ("", "archived")
    finally:
        await db.close()


async def test_an_open_intake_drops_an_erased_caller_and_refuses_to_save(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"600700800", "enter")
        await settle_until(pilot, lambda: isinstance(app.screen, IntakeScreen))
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        card = screen.query_one(CallerCardView)
        await settle_until(pilot, lambda: "Jan Kowalski" in str(card.render()))
        screen.query_one("#description", Input).focus()
        await type_text(pilot, "Nie drukuje")

        # An admin erases him in another process (another connection to the file).
        other = await Database.open(demo_db_path)
        try:
            await erase_client(Ctx(db=other, clock=clock, prices=prices, actor="tester"), KOWALSKI)
        finally:
            await other.close()

        await settle_until(pilot, lambda: "erased" in str(card.render()))
        shown = "\n".join(_lines(app))
        assert "Kowalski" not in shown, shown
        assert "erased" in shown
        assert screen.query_one("#description", Input).value == "Nie drukuje"  # kept

        await pilot.press("tab", "r", "2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)  # nothing saved: the form stays
        error = screen.query_one("#triage-error")
        await settle_until(pilot, lambda: "erased" in str(error.render()))
    assert (
        query(demo_db_path, "SELECT count(*) FROM job WHERE description = 'Nie drukuje'")[0][0] == 0
    )
    assert (
        query(demo_db_path, "SELECT count(*) FROM client WHERE name LIKE '%Kowalski%'")[0][0] == 0
    )
