"""Billing stays consistent: issued periods are closed, fees bill once, contract changes re-charge."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.errors import DomainError, NotAllowed
from bbdispatch.domain.jobs import JobMode, JobStatus
from bbdispatch.domain.messages import shown
from bbdispatch.domain.people import Technician
from bbdispatch.domain.recurring import RunOutcome
from bbdispatch.domain.statements import months_active
from bbdispatch.services.audit import trail
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, sign_contract
from bbdispatch.services.dispatch import JobEdit, edit_job
from bbdispatch.services.jobs import get_job
from bbdispatch.services.ledger import close_contract
from bbdispatch.services.my_entries import add_my_entry, edit_my_entry
from bbdispatch.services.recurring import complete_run
from bbdispatch.services.schedule import run_schedule
from bbdispatch.services.statements import build_statement, issue_statement
from bbdispatch.services.timekeeping import add_entry, start_timer, stop_timer
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import people as people_store
from bbdispatch.storage import work as work_store
from tests.unit.test_ledger_scenarios import KOWALCZYK, charges_of, work

ZDROWIE, MEDIA = 3, 6
IT_ADMIN = 3
MEDIA_JOB = 9
NOV = (date(2026, 11, 1), date(2026, 11, 30))
UP_TO_23 = (date(2026, 11, 1), date(2026, 11, 23))


def w(*args: int) -> datetime:
    return datetime(*args, tzinfo=FIRM_ZONE)  # type: ignore[misc]


async def media_job_open(ctx: Ctx) -> None:
    """The demo's job 9 is done; these scenarios record new work on it, so it is still open.

    (Time on a closed job ends by the moment it was closed.)
    """
    async with ctx.db.transaction():
        await ctx.db.execute(
            "UPDATE job SET status = 'in_progress', closed_at = NULL WHERE id = ?", (MEDIA_JOB,)
        )


async def person(ctx: Ctx, login: str) -> Technician:
    found = await people_store.person_by_login(ctx.db, login)
    assert found is not None
    return found


# 1. Time cannot land in a period already on an issued statement.


async def test_added_time_cannot_land_in_an_issued_period(demo_ctx: Ctx) -> None:
    await media_job_open(demo_ctx)
    await issue_statement(demo_ctx, MEDIA, *UP_TO_23)
    assert (await build_statement(demo_ctx, MEDIA, *UP_TO_23)).net == Decimal("225.00")
    piotr = await person(demo_ctx, "piotr")
    refused = "The period up to 23.11.2026 is already on an issued statement; ask the office."
    with pytest.raises(NotAllowed, match=refused):
        await add_my_entry(
            demo_ctx, piotr, MEDIA_JOB, started_at=w(2026, 11, 20, 10),
            ended_at=w(2026, 11, 20, 12), description="Praca po fakcie", mode=JobMode.REMOTE,
        )  # fmt: skip
    with pytest.raises(NotAllowed, match=refused):
        await add_entry(
            demo_ctx, job_id=MEDIA_JOB, technician_id=piotr.id, started_at=w(2026, 11, 1, 0),
            ended_at=w(2026, 11, 1, 1), description="Pierwszy dzień okresu",
            mode=JobMode.REMOTE,
        )  # fmt: skip
    assert (await build_statement(demo_ctx, MEDIA, *UP_TO_23)).net == Decimal("225.00")
    # The day after the period is still open.
    await add_my_entry(
        demo_ctx, piotr, MEDIA_JOB, started_at=w(2026, 11, 24, 0),
        ended_at=w(2026, 11, 24, 1), description="Praca dzisiaj", mode=JobMode.REMOTE,
    )  # fmt: skip


async def test_an_entry_cannot_be_moved_into_an_issued_period(demo_ctx: Ctx) -> None:
    await media_job_open(demo_ctx)
    await issue_statement(demo_ctx, MEDIA, *UP_TO_23)
    piotr = await person(demo_ctx, "piotr")
    entry_id = await add_my_entry(
        demo_ctx, piotr, MEDIA_JOB, started_at=w(2026, 11, 24, 7),
        ended_at=w(2026, 11, 24, 8), description="Praca dzisiaj", mode=JobMode.REMOTE,
    )  # fmt: skip
    with pytest.raises(NotAllowed, match="period up to 23.11.2026"):
        await edit_my_entry(
            demo_ctx, piotr, entry_id, started_at=w(2026, 11, 20, 10),
            ended_at=w(2026, 11, 20, 12), description="Przeniesione", mode=JobMode.REMOTE,
            billable=True,
        )  # fmt: skip
    entry = await work_store.get_entry(demo_ctx.db, entry_id)
    assert entry is not None
    assert entry.started_at == w(2026, 11, 24, 7)
    assert (await build_statement(demo_ctx, MEDIA, *UP_TO_23)).net == Decimal("225.00")


async def test_a_timer_started_in_an_issued_period_cannot_be_stopped_into_it(
    demo_ctx: Ctx,
) -> None:
    piotr = await person(demo_ctx, "piotr")  # his timer runs on job 18 since 24.11 09:02
    async with demo_ctx.db.transaction():
        await demo_ctx.db.execute(
            "INSERT INTO statement (client_id, period_from, period_to, issued_at, issued_by)"
            " VALUES (?, '2026-11-24', '2026-11-24', '2026-11-24T08:30:00Z', 'beata')",
            (KOWALCZYK,),
        )
    with pytest.raises(NotAllowed, match="period up to 24.11.2026"):
        await stop_timer(demo_ctx, piotr, description="Naprawa", mode=JobMode.REMOTE)


async def test_a_statement_waits_for_a_timer_running_in_its_period(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    piotr = await person(demo_ctx, "piotr")
    clock.advance(timedelta(days=1))  # the timer on job 18 has run since 24.11 09:02
    period = (date(2026, 11, 1), date(2026, 11, 24))
    with pytest.raises(DomainError, match="still running on job 18"):
        await issue_statement(demo_ctx, KOWALCZYK, *period)
    entry_id = await stop_timer(
        demo_ctx, piotr, description="Naprawa", mode=JobMode.REMOTE,
        ended_at=w(2026, 11, 24, 11),
    )  # fmt: skip
    statement_id = await issue_statement(demo_ctx, KOWALCZYK, *period)
    entry = await work_store.get_entry(demo_ctx.db, entry_id)
    assert entry is not None
    assert entry.statement_id == statement_id


# 2. The monthly fee bills each month once, however the month is split.


async def test_each_month_of_the_fee_falls_in_exactly_one_period(demo_ctx: Ctx) -> None:
    it_admin = await contract_store.get_contract(demo_ctx.db, IT_ADMIN)
    assert it_admin is not None
    assert it_admin.starts_on == date(2026, 1, 28)
    # In arrears: a month's fee belongs to the period holding the month's last day.
    assert months_active(it_admin, date(2026, 10, 1), date(2026, 10, 15)) == 0
    assert months_active(it_admin, date(2026, 10, 16), date(2026, 10, 31)) == 1
    assert months_active(it_admin, *NOV) == 1
    assert months_active(it_admin, date(2026, 11, 15), date(2026, 12, 14)) == 1  # November
    assert months_active(it_admin, date(2026, 1, 1), date(2026, 1, 27)) == 0
    assert months_active(it_admin, date(2026, 1, 28), date(2026, 1, 31)) == 1
    assert months_active(it_admin, date(2025, 12, 1), date(2026, 3, 31)) == 3
    # Issue 20's examples: 01.12–01.12 bills no December; 05.02–28.02 bills February.
    assert months_active(it_admin, date(2026, 12, 1), date(2026, 12, 1)) == 0
    assert months_active(it_admin, date(2027, 2, 5), date(2027, 2, 28)) == 1
    ended = dataclasses.replace(it_admin, ends_on=date(2026, 11, 10))
    assert months_active(ended, *NOV) == 1
    assert months_active(ended, date(2026, 11, 1), date(2026, 11, 9)) == 0
    assert months_active(ended, date(2026, 11, 11), date(2026, 12, 31)) == 0
    first = await build_statement(demo_ctx, ZDROWIE, date(2026, 10, 1), date(2026, 10, 15))
    second = await build_statement(demo_ctx, ZDROWIE, date(2026, 10, 16), date(2026, 10, 31))
    assert first.fees == ()
    assert [f.months for f in second.fees] == [1]
    nov = await build_statement(demo_ctx, ZDROWIE, *NOV)
    assert (nov.net, nov.vat, nov.gross) == (
        Decimal("1800.00"),
        Decimal("414.00"),
        Decimal("2214.00"),
    )


# 3. Closing a contract ends it today; the months it ran are still billed.


async def test_closing_keeps_the_fees_of_the_months_the_contract_ran(demo_ctx: Ctx) -> None:
    await close_contract(demo_ctx, IT_ADMIN, "Klient wypowiedział umowę")
    nov = await build_statement(demo_ctx, ZDROWIE, *NOV)
    assert [(f.contract.id, f.months) for f in nov.fees] == [(IT_ADMIN, 1)]
    assert nov.net == Decimal("1800.00")
    closed = await contract_store.get_contract(demo_ctx.db, IT_ADMIN)
    assert closed is not None
    assert closed.ends_on == date(2026, 11, 24)
    dec = await build_statement(demo_ctx, ZDROWIE, date(2026, 12, 1), date(2026, 12, 31))
    assert dec.fees == ()
    [audit_row] = [a for a in await trail(demo_ctx, "contract", IT_ADMIN) if a.action == "closed"]
    assert audit_row.detail["ends_on"] == "2026-11-24"


async def test_closing_pulls_a_later_end_in_and_keeps_an_earlier_one(demo_ctx: Ctx) -> None:
    # A client without IT administration: two in force over the same days are refused.
    fee = Decimal("900")
    later = await sign_contract(
        demo_ctx, SignRequest(KOWALCZYK, "it-admin", date(2026, 11, 1), date(2027, 1, 31), fee)
    )
    earlier = await sign_contract(
        demo_ctx, SignRequest(KOWALCZYK, "it-admin", date(2026, 10, 1), date(2026, 10, 31), fee)
    )
    for contract_id in (later, earlier):
        await close_contract(demo_ctx, contract_id, "Zastąpiona")
    unstarted = await sign_contract(  # after the later one, now ended on 24.11
        demo_ctx, SignRequest(KOWALCZYK, "it-admin", date(2026, 12, 1), date(2027, 1, 31), fee)
    )
    await close_contract(demo_ctx, unstarted, "Zastąpiona")
    ends = {
        c.id: c.ends_on
        for c in await contract_store.contracts_of(demo_ctx.db, KOWALCZYK)
        if c.id in (later, earlier, unstarted)
    }
    assert ends == {later: date(2026, 11, 24), earlier: date(2026, 10, 31), unstarted: None}
    months = date(2026, 10, 1), date(2027, 1, 31)
    s = await build_statement(demo_ctx, KOWALCZYK, *months)
    fees = {f.contract.id: f.months for f in s.fees}
    assert (fees[later], fees[earlier], unstarted in fees) == (1, 1, False)


# 4. Editing a job's contract re-charges its unbilled time, like the override.


async def test_editing_the_contract_of_a_job_recharges_its_entries(demo_ctx: Ctx) -> None:
    entry = await work(demo_ctx, KOWALCZYK, 60)
    s = await build_statement(demo_ctx, KOWALCZYK, *NOV)
    assert charges_of(s.lines, entry) == [("BB/2026/005", "block", 60)]
    job_id = int(next(ln for ln in s.lines if ln.entry_id == entry).job_number)
    top_up = await sign_contract(demo_ctx, SignRequest(KOWALCZYK, "starter-10h", NOV[0]))
    job = await get_job(demo_ctx, job_id)
    changed = await edit_job(
        demo_ctx, job_id, JobEdit(job.description, job.priority, job.mode, top_up)
    )
    assert changed == ["contract_id"]
    s = await build_statement(demo_ctx, KOWALCZYK, *NOV)
    line = next(ln for ln in s.lines if ln.entry_id == entry)
    assert [(c.contract_id, c.minutes) for c in line.charges] == [(top_up, 60)]
    assert "chosen by dispatcher" in shown(line.charges[0].reason)
    edited = [a for a in await trail(demo_ctx, "job", job_id) if a.action == "edited"]
    assert edited[-1].detail["contract_id"] == {"from": None, "to": top_up}


# 5. A recurring run is not closed while a timer runs on it.


async def test_a_run_is_not_documented_while_its_timer_runs(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    created = (await run_schedule(demo_ctx)).created
    assert created
    job = await get_job(demo_ctx, created[0].job_id)
    assert job.technician_id is not None
    tech = await people_store.person_by_id(demo_ctx.db, job.technician_id)
    assert tech is not None
    if (running := await work_store.running_entry_of(demo_ctx.db, tech.id)) is not None:
        await stop_timer(demo_ctx, tech, description="Przerwa", mode=running.mode)
    await start_timer(demo_ctx, tech, job.id)
    clock.advance(timedelta(minutes=20))
    with pytest.raises(DomainError, match="A timer is still running on this job; stop it first."):
        await complete_run(demo_ctx, job.id, checked="Kopie sprawdzone", outcome=RunOutcome.OK)
    assert (await get_job(demo_ctx, job.id)).status is JobStatus.IN_PROGRESS
    await stop_timer(demo_ctx, tech, description="Kontrola kopii", mode=JobMode.REMOTE)
    await complete_run(demo_ctx, job.id, checked="Kopie sprawdzone", outcome=RunOutcome.OK)
    assert (await get_job(demo_ctx, job.id)).status is JobStatus.DONE


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    end=st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2028, 12, 31))),
    cuts=st.lists(st.dates(date(2026, 1, 2), date(2028, 12, 31)), max_size=12, unique=True),
)
def test_a_months_fee_belongs_to_exactly_one_statement_however_periods_are_cut(
    start: date, end: date | None, cuts: list[date]
) -> None:
    from bbdispatch.domain.contracts import Contract, ContractStatus
    from bbdispatch.pricelist import ProductType

    if end is not None and end < start:
        start, end = end, start
    contract = Contract(
        id=1, client_id=1, product_code="it-admin", kind=ProductType.MONTHLY, number="X",
        title="IT", starts_on=start, ends_on=end, minutes_included=None, net=Decimal("900"),
        vat_rate=Decimal("0.23"), status=ContractStatus.ACTIVE, assessment_id=None,
        signed_at=datetime(2026, 1, 1, tzinfo=FIRM_ZONE), signed_by="x",
    )  # fmt: skip
    bounds = [date(2026, 1, 1), *sorted(cuts), date(2029, 1, 1)]
    periods = [(a, b - timedelta(days=1)) for a, b in zip(bounds, bounds[1:], strict=False)]
    total = sum(months_active(contract, a, b) for a, b in periods)
    whole = months_active(contract, date(2026, 1, 1), date(2028, 12, 31))
    last = end or date(2028, 12, 31)
    ran = (last.year - start.year) * 12 + last.month - start.month + 1
    assert total == whole == ran
