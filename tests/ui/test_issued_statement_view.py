"""The statement screen of an issued period shows the issued document, changes apart (issue 20)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.jobs import Category
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, sign_contract
from bbdispatch.services.corrections import add_late_entry
from bbdispatch.services.statements import issue_statement
from bbdispatch.storage import work as work_store
from screens.statement import StatementScreen
from tests.helpers import settle_twice
from tests.ui.test_contracts_statement import ADMIN, text_of
from tests.unit.test_ledger_scenarios import ANNA, work

APTEKA = 5
TO_23 = (date(2026, 11, 1), date(2026, 11, 23))
REST = (date(2026, 11, 24), date(2026, 12, 31))


async def test_an_issued_period_shows_the_documents_contracts_and_fees_not_todays(
    demo_ctx: Ctx, ctx_factory: Callable[..., Callable[[], object]]
) -> None:
    entry = await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    job = (await work_store.get_entry(demo_ctx.db, entry)).job_id  # type: ignore[union-attr]
    await add_late_entry(
        demo_ctx, job_id=job, technician_id=ANNA,
        started_at=datetime(2026, 11, 21, 9, tzinfo=FIRM_ZONE),
        ended_at=datetime(2026, 11, 21, 10, tzinfo=FIRM_ZONE),
        description="Praca", reason="zapomniany wpis",
    )  # fmt: skip
    await sign_contract(
        demo_ctx,
        SignRequest(APTEKA, "it-admin", date(2026, 11, 1), date(2026, 11, 15), Decimal("1000")),
    )
    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(APTEKA, TO_23))
        await settle_twice(app, pilot)
        totals = text_of(app, "#statement-totals")
    lines = totals.splitlines()
    issued_at = next(i for i, ln in enumerate(lines) if ln.startswith("As issued:"))
    document = "\n".join(lines[:issued_at])
    # Above "As issued": the document's own summary (the demo's 0.75 h and ours) and no fee.
    assert "1.5 h · 150.00 PLN" in document and "2.5 h" not in document
    assert "Monthly fee" not in document
    assert lines[issued_at].startswith("As issued: net 150.00 PLN"), totals
    since = "\n".join(lines[issued_at + 1 :])
    assert "entry —" not in since
    assert "monthly fee BB/2026/" in since and "for November 2026: 1,000.00 PLN" in since
    assert "entry " in since and "100.00 PLN" in since  # the late hour, apart


async def test_a_fee_correction_is_named_on_the_next_statement_before_and_after_issue(
    demo_ctx: Ctx, ctx_factory: Callable[..., Callable[[], object]]
) -> None:
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    await sign_contract(
        demo_ctx,
        SignRequest(APTEKA, "it-admin", date(2026, 11, 1), date(2026, 11, 15), Decimal("1000")),
    )
    named = "monthly fee BB/2026/0"
    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(APTEKA, REST))
        await settle_twice(app, pilot)
        draft = text_of(app, "#statement-totals")
        # Issued, the next statement's document keeps the line's contract and months.
        demo_ctx.clock.advance(timedelta(days=38))  # type: ignore[attr-defined]  # 01.01.2027
        await issue_statement(demo_ctx, APTEKA, *REST)
        await pilot.press("f5")
        await settle_twice(app, pilot)
        issued = text_of(app, "#statement-totals")
    for text in (draft, issued):
        line = next(ln for ln in text.splitlines() if ln.startswith("Correction of WP/"))
        assert named in line and line.endswith("for November 2026: 1,000.00 PLN"), text
    assert "As issued" in issued


async def test_the_statement_screen_starts_a_draft_after_the_issued_period(
    demo_ctx: Ctx, ctx_factory: Callable[..., Callable[[], object]]
) -> None:
    """November's draft after 01.11–23.11 was issued showed 01.11–30.11, which F8 refused."""
    from textual.widgets import Input

    await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(APTEKA))  # the month of today: November
        await settle_twice(app, pilot)
        screen = app.screen
        start = screen.query_one("#period-from", Input).value
        note = text_of(app, "#period-error")
        title = text_of(app, "#statement-title")
        # A period inside the issued one is refused, naming the number.
        screen.query_one("#period-from", Input).value = "20/11/2026"
        screen.query_one("#period-to", Input).value = "22/11/2026"
        await pilot.press("f5")
        await settle_twice(app, pilot)
        refused = text_of(app, "#period-error")
    assert start == "24/11/2026"
    assert "WP/2026/11/001" in note and "01/11/2026" in note
    assert "24/11/2026–30/11/2026" in title and "draft" in title
    assert "WP/2026/11/001" in refused and "is issued" in refused


async def test_an_empty_period_after_f5_shows_no_line_detail_of_the_previous_one(
    demo_ctx: Ctx, ctx_factory: Callable[..., Callable[[], object]]
) -> None:
    """The detail under the table kept November's charges after F5 on an empty period."""
    from textual.widgets import DataTable, Input

    await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(APTEKA, TO_23))
        await settle_twice(app, pilot)
        before = text_of(app, "#line-detail")
        screen = app.screen
        screen.query_one("#period-from", Input).value = "01/01/2025"
        screen.query_one("#period-to", Input).value = "31/01/2025"
        await pilot.press("f5")
        await settle_twice(app, pilot)
        rows = screen.query_one("#statement-lines", DataTable).row_count
        after = text_of(app, "#line-detail")
    assert "h:" in before, before
    assert rows == 0 and after.strip() == "", after
