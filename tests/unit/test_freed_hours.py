"""Freed hours: after any change the client's open entries are charged again, in order."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.contracts import Balance, Contract, ContractStatus
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.domain.ledger import ChargeBasis, JobTerms, ToCharge, charge_in_order
from bbdispatch.domain.people import Technician
from bbdispatch.pricelist import ProductType
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, sign_contract
from bbdispatch.services.corrections import correct_locked_entry
from bbdispatch.services.jobs import create_job
from bbdispatch.services.my_entries import delete_my_entry, edit_my_entry
from bbdispatch.services.statements import build_statement, issue_statement
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage import people as people_store
from tests.unit.test_ledger_scenarios import received_at

LINGWA = 6  # a demo client without contracts
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=FIRM_ZONE)


async def anna(ctx: Ctx) -> Technician:
    found = await people_store.person_by_login(ctx.db, "anna")
    assert found is not None
    return found


async def entry(ctx: Ctx, start: datetime, minutes: int) -> int:
    job = await create_job(
        ctx,
        NewJob(
            client_id=LINGWA, description="Zlecenie", mode=JobMode.REMOTE,
            priority=Priority.NORMAL, category=Category.SOFTWARE,
        ),
    )  # fmt: skip
    await received_at(ctx, job, start)
    tech = await anna(ctx)
    return await add_entry(
        ctx, job_id=job, technician_id=tech.id, started_at=start,
        ended_at=start + timedelta(minutes=minutes), description="Praca", mode=JobMode.REMOTE,
    )  # fmt: skip


async def charges(ctx: Ctx, entry_id: int) -> list[tuple[str, int]]:
    s = await build_statement(ctx, LINGWA, *NOV)
    (line,) = [ln for ln in s.lines if ln.entry_id == entry_id]
    return [(c.basis.value, c.minutes) for c in line.charges]


async def starter_with_a_and_b(ctx: Ctx) -> tuple[int, int]:
    await sign_contract(ctx, SignRequest(LINGWA, "starter-10h", date(2026, 11, 1)))
    a = await entry(ctx, at(20, 8), 9 * 60 + 45)
    b = await entry(ctx, at(23, 10), 30)
    assert await charges(ctx, b) == [("block", 15), ("uncovered", 15)]
    return a, b


async def test_correcting_a_frees_hours_for_b(demo_ctx: Ctx) -> None:
    # The issue's starter: A 9:45, B 0:30 (0:15 block + 0:15 uncovered); A corrected to 7:45.
    a, b = await starter_with_a_and_b(demo_ctx)
    await edit_my_entry(
        demo_ctx, await anna(demo_ctx), a, started_at=at(20, 8), ended_at=at(20, 15, 45),
        description="Praca", mode=JobMode.REMOTE, billable=True,
    )  # fmt: skip
    assert await charges(demo_ctx, a) == [("block", 465)]
    assert await charges(demo_ctx, b) == [("block", 30)]
    s = await build_statement(demo_ctx, LINGWA, *NOV)
    (starter,) = s.contracts
    assert (starter.left_before, starter.minutes, starter.left_after) == (600, 495, 105)


async def test_deleting_a_frees_hours_for_b(demo_ctx: Ctx) -> None:
    a, b = await starter_with_a_and_b(demo_ctx)
    await delete_my_entry(demo_ctx, await anna(demo_ctx), a)
    assert await charges(demo_ctx, b) == [("block", 30)]


async def test_an_earlier_entry_added_late_takes_the_hours_first(demo_ctx: Ctx) -> None:
    await sign_contract(demo_ctx, SignRequest(LINGWA, "starter-10h", date(2026, 11, 1)))
    late = await entry(demo_ctx, at(23, 8), 9 * 60)
    early = await entry(demo_ctx, at(20, 8), 2 * 60)  # worked earlier, entered afterwards
    assert await charges(demo_ctx, early) == [("block", 120)]
    assert await charges(demo_ctx, late) == [("block", 480), ("uncovered", 60)]


async def test_admin_correction_of_a_billed_entry_frees_hours_for_open_work(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    await sign_contract(demo_ctx, SignRequest(LINGWA, "starter-10h", date(2026, 10, 1)))
    a = await entry(demo_ctx, datetime(2026, 10, 20, 8, tzinfo=FIRM_ZONE), 9 * 60 + 45)
    await issue_statement(demo_ctx, LINGWA, date(2026, 10, 1), date(2026, 10, 31))
    # The demo's 2:15 on 12.11 took the last 0:15 of the block; B found none.
    b = await entry(demo_ctx, at(23, 10), 30)
    assert await charges(demo_ctx, b) == [("uncovered", 30)]
    await correct_locked_entry(
        demo_ctx, a, started_at=datetime(2026, 10, 20, 8, tzinfo=FIRM_ZONE),
        ended_at=datetime(2026, 10, 20, 13, 45, tzinfo=FIRM_ZONE), description="Praca",
        reason="Wpisano o 4 h za dużo",
    )  # fmt: skip
    s = await build_statement(demo_ctx, LINGWA, *NOV)
    assert all(c.basis is ChargeBasis.BLOCK for ln in s.lines for c in ln.charges)
    assert await charges(demo_ctx, b) == [("block", 30)]


# --- the rule in general -------------------------------------------------------------------

DAY = date(2026, 11, 2)
PLAIN = JobTerms(False, None, None, None)


def block(cid: int, hours: int, age: int) -> Contract:
    return Contract(
        id=cid, client_id=1, product_code="starter-10h", kind=ProductType.BLOCK,
        number=f"BB/{cid}", title="t", starts_on=DAY - timedelta(days=age), ends_on=None,
        minutes_included=hours * 60, net=Decimal("600.00"), vat_rate=Decimal("0.23"),
        status=ContractStatus.ACTIVE, assessment_id=None,
        signed_at=datetime(2026, 1, 1, tzinfo=FIRM_ZONE), signed_by="x",
    )  # fmt: skip


def run(minutes: list[int], blocks: list[Contract]) -> dict[int, list[tuple[ChargeBasis, int]]]:
    queue = [ToCharge(i, m, PLAIN, DAY) for i, m in enumerate(minutes)]
    found = charge_in_order(queue, [Balance(c, 0) for c in blocks], Decimal("100.00"))
    return {i: [(p.basis, p.minutes) for p in parts] for i, parts in found.items()}


quarters = st.integers(1, 60).map(lambda n: n * 15)


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.lists(quarters, min_size=1, max_size=12),
    hours=st.lists(st.sampled_from([10, 50]), min_size=1, max_size=3),
    change=st.tuples(st.integers(0, 11), quarters),
)
def test_a_correction_never_leaves_uncovered_time_while_a_block_has_hours(
    minutes: list[int], hours: list[int], change: tuple[int, int]
) -> None:
    blocks = [block(i + 1, h, 100 - i) for i, h in enumerate(hours)]
    index, new = change
    corrected = list(minutes)
    corrected[index % len(minutes)] = new
    charged = run(corrected, blocks)
    total = sum(corrected)
    used = sum(m for parts in charged.values() for b, m in parts if b is ChargeBasis.BLOCK)
    uncovered = sum(m for parts in charged.values() for b, m in parts if b is ChargeBasis.UNCOVERED)
    assert used + uncovered == total
    if uncovered:
        assert used == sum(h * 60 for h in hours)  # every block is used up
    # Uncovered time is always the latest work: no entry is uncovered before one on a block.
    kinds = [b for i in sorted(charged) for b, _m in charged[i]]
    if ChargeBasis.UNCOVERED in kinds:
        first = kinds.index(ChargeBasis.UNCOVERED)
        assert ChargeBasis.BLOCK not in kinds[first + 1 :]


async def test_time_moved_onto_a_later_contract_stays_there_when_charged_again(
    demo_ctx: Ctx,
) -> None:
    from bbdispatch.services.ledger import move_uncovered

    first = await entry(demo_ctx, at(19, 8), 60)  # no contract yet: uncovered
    assert await charges(demo_ctx, first) == [("uncovered", 60)]
    # Signed later, but from the 19th: only time within the contract's dates moves.
    starter = await sign_contract(demo_ctx, SignRequest(LINGWA, "starter-10h", date(2026, 11, 19)))
    assert await move_uncovered(demo_ctx, starter) > 0
    assert await charges(demo_ctx, first) == [("block", 60)]
    # A change before it charges it again: what the dispatcher moved stays moved.
    await entry(demo_ctx, at(18, 8), 30)
    assert await charges(demo_ctx, first) == [("block", 60)]


async def test_late_work_takes_back_freed_hours_that_later_open_work_used(demo_ctx: Ctx) -> None:
    """Issue 15's leftover: late work on a closed period left them with the open work.

    The demo's Lingwa has open work on 12.11 (2:10, 0:15 of it on the new
    starter once A fills it). A correction of A, in the issued 01.–05.11, frees
    2 h, and the 12.11 work takes them. Work forgotten on 04.11, added late, was
    worked first: it takes those hours back, and the 12.11 work is uncovered again.
    """
    from bbdispatch.services.corrections import add_late_entry

    await sign_contract(demo_ctx, SignRequest(LINGWA, "starter-10h", date(2026, 11, 1)))
    a = await entry(demo_ctx, at(2, 8), 9 * 60 + 45)
    await issue_statement(demo_ctx, LINGWA, date(2026, 11, 1), date(2026, 11, 5))
    await correct_locked_entry(
        demo_ctx, a, started_at=at(2, 8), ended_at=at(2, 15, 45), description="Praca",
        reason="Krócej",
    )  # fmt: skip  # frees 2 h of the starter
    rest = (date(2026, 11, 6), date(2026, 11, 30))
    open_work = [ln for ln in (await build_statement(demo_ctx, LINGWA, *rest)).lines]
    assert [[(c.basis.value, c.minutes) for c in ln.charges] for ln in open_work] == [
        [("block", 135)]
    ]
    job = await create_job(
        demo_ctx,
        NewJob(
            client_id=LINGWA, description="Zapomniane", mode=JobMode.REMOTE,
            priority=Priority.NORMAL, category=Category.SOFTWARE,
        ),
    )  # fmt: skip
    await received_at(demo_ctx, job, at(4, 8))
    late = await add_late_entry(
        demo_ctx, job_id=job, technician_id=(await anna(demo_ctx)).id, started_at=at(4, 8),
        ended_at=at(4, 10), description="Zapomniana praca", reason="Technik nie wpisał",
    )  # fmt: skip
    # Worked first, charged first: the late 2 h take the block, the 12.11 work what is left.
    late_charges = await demo_ctx.db.fetch_all(
        "SELECT basis, minutes FROM charge WHERE work_entry_id = ? ORDER BY id", (late,)
    )
    assert [(r["basis"], r["minutes"]) for r in late_charges] == [("block", 120)]
    draft = await build_statement(demo_ctx, LINGWA, *rest)
    assert [[(c.basis.value, c.minutes) for c in ln.charges] for ln in draft.lines] == [
        [("block", 15), ("uncovered", 120)]
    ]
    late_line = [x for x in draft.corrections if x.entry_id == late]
    assert [(x.minutes_delta, x.net_delta) for x in late_line] == [(120, Decimal("0.00"))]
