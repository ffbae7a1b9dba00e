"""An admin's correction of an issued period: freed hours reach uncovered billed work, and the
next statement shows one correction line per entry, hours and money with the same sign."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.reports import render
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, sign_contract
from bbdispatch.services.corrections import add_late_entry, correct_locked_entry
from bbdispatch.services.ledger import contract_views
from bbdispatch.services.statements import build_statement, issue_statement
from bbdispatch.storage import work as work_store
from tests.unit.test_freed_hours import LINGWA, NOV, anna, charges, entry

OCT = (date(2026, 10, 1), date(2026, 10, 31))


def oct_(day: int, hour: int) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=FIRM_ZONE)


async def oct_charges(ctx: Ctx, entry_id: int) -> list[tuple[str, int]]:
    s = await build_statement(ctx, LINGWA, *OCT)
    (line,) = [ln for ln in s.lines if ln.entry_id == entry_id]
    return [(c.basis.value, c.minutes) for c in line.charges]


async def test_hours_freed_by_a_correction_cover_late_and_uncovered_billed_work(
    demo_ctx: Ctx,
) -> None:
    await sign_contract(demo_ctx, SignRequest(LINGWA, "starter-10h", date(2026, 10, 1)))
    a = await entry(demo_ctx, oct_(20, 8), 9 * 60 + 45)
    c = await entry(demo_ctx, oct_(22, 8), 60)  # 0:15 on the block, 0:45 uncovered
    await issue_statement(demo_ctx, LINGWA, *OCT)
    job = (await work_store.get_entry(demo_ctx.db, c)).job_id  # type: ignore[union-attr]
    tech = await anna(demo_ctx)
    late = await add_late_entry(
        demo_ctx, job_id=job, technician_id=tech.id, started_at=oct_(26, 10),
        ended_at=oct_(26, 11), description="Praca", reason="zapomniany wpis",
    )  # fmt: skip
    assert await oct_charges(demo_ctx, late) == [("uncovered", 60)]
    await correct_locked_entry(
        demo_ctx, a, started_at=oct_(20, 8), ended_at=oct_(20, 15).replace(minute=45),
        description="Praca", reason="Wpisano o 2 h za dużo",
    )  # fmt: skip
    # The 2 h freed: 0:45 to c, 1:00 to the late entry, the last 0:15 to November's work.
    assert await oct_charges(demo_ctx, c) == [("block", 60)]  # one piece per block
    assert await oct_charges(demo_ctx, late) == [("block", 60)]
    (view,) = [v for v in await contract_views(demo_ctx, LINGWA)]
    assert view.balance.left_minutes == 0
    assert ("block", 15) in await charges(demo_ctx, (await _november_entry(demo_ctx)))

    draft = await build_statement(demo_ctx, LINGWA, *NOV)
    lines = {(ln.entry_id, ln.minutes_delta, ln.net_delta) for ln in draft.corrections}
    assert lines == {
        (a, -120, Decimal("0.00")),
        (c, 0, Decimal("-75.00")),
        (late, 60, Decimal("0.00")),
    }
    for ln in draft.corrections:
        assert ln.entry_id != 0 and ln.refers_to.startswith("WP/")
        assert not (ln.minutes_delta < 0 < ln.net_delta or ln.net_delta < 0 < ln.minutes_delta)
    # The client's document names the issued statement and the entry of each line.
    md = render(draft, "md", ",")
    number = draft.corrections[0].refers_to
    assert all(f"{number}, wpis {e}" in md for e in (a, c, late))


async def _november_entry(ctx: Ctx) -> int:
    s = await build_statement(ctx, LINGWA, *NOV)
    return s.lines[0].entry_id


async def test_late_work_on_a_statement_issued_before_documents_were_kept_is_charged(
    demo_ctx: Ctx,
) -> None:
    """Such a statement has no document to start from: the late work is charged by the rules."""
    c = await entry(demo_ctx, oct_(22, 8), 60)
    await issue_statement(demo_ctx, LINGWA, *OCT)
    async with demo_ctx.db.transaction():
        await demo_ctx.db.execute("DELETE FROM statement_document", ())
    job = (await work_store.get_entry(demo_ctx.db, c)).job_id  # type: ignore[union-attr]
    tech = await anna(demo_ctx)
    late = await add_late_entry(
        demo_ctx, job_id=job, technician_id=tech.id, started_at=oct_(26, 10),
        ended_at=oct_(26, 11), description="Praca", reason="zapomniany wpis",
    )  # fmt: skip
    assert await oct_charges(demo_ctx, late) == [("uncovered", 60)]
    draft = await build_statement(demo_ctx, LINGWA, *NOV)
    assert sum(ln.net_delta for ln in draft.corrections) == Decimal("100.00")
