"""Scenario tests: time lands on the right contract, statements and closing a month."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.domain.errors import DomainError, NotAllowed
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.messages import shown
from bbdispatch.services.audit import trail
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, record_assessment, sign_contract
from bbdispatch.services.corrections import correct_locked_entry
from bbdispatch.services.jobs import create_job
from bbdispatch.services.ledger import contract_views, move_uncovered, uncovered_minutes
from bbdispatch.services.statements import build_statement, issue_statement
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage import jobs as job_store

BILANS, ZDROWIE, KOWALCZYK, ZIELINSKA = 2, 3, 4, 11
STARTER_BILANS, ZDROWIE_NETWORK, KOWALCZYK_OLD, KOWALCZYK_NEW = 2, 4, 5, 6
ANNA = 1
NOV = (date(2026, 11, 1), date(2026, 11, 30))


async def received_at(ctx: Ctx, job_id: int, when: datetime) -> None:
    """The job came in when its work started (work may not start long before its job)."""
    async with ctx.db.transaction():
        await job_store.backdate_job(ctx.db, job_id, when)


async def work(
    ctx: Ctx,
    client_id: int,
    minutes: int,
    *,
    day: int = 23,
    hour: int = 10,
    category: Category = Category.SOFTWARE,
    contract_id: int | None = None,
    agreed_rate: Decimal | None = None,
    offset: int = 0,
) -> int:
    job = await create_job(
        ctx,
        NewJob(
            client_id=client_id, description="Zlecenie testowe", mode=JobMode.REMOTE,
            priority=Priority.NORMAL, category=category, contract_id=contract_id,
            agreed_rate=agreed_rate,
        ),
    )  # fmt: skip
    start = datetime(2026, 11, day, hour, 0, tzinfo=FIRM_ZONE) + timedelta(minutes=offset)
    await received_at(ctx, job, start)
    return await add_entry(
        ctx, job_id=job, technician_id=ANNA, started_at=start,
        ended_at=start + timedelta(minutes=minutes), description="Praca zdalna",
        mode=JobMode.REMOTE,
    )  # fmt: skip


def charges_of(statement_lines: object, entry_id: int) -> list[tuple[str | None, str, int]]:
    lines = [ln for ln in statement_lines if ln.entry_id == entry_id]  # type: ignore[attr-defined]
    assert len(lines) == 1
    return [(c.contract_number, c.basis.value, c.minutes) for c in lines[0].charges]


async def test_starter_with_half_hour_left_splits_an_80_minute_entry(demo_ctx: Ctx) -> None:
    entry = await work(demo_ctx, BILANS, 80)
    s = await build_statement(demo_ctx, BILANS, *NOV)
    line = next(ln for ln in s.lines if ln.entry_id == entry)
    assert (line.actual_minutes, line.billed_minutes) == (80, 90)
    assert charges_of(s.lines, entry) == [("BB/2026/002", "block", 30), (None, "uncovered", 60)]
    assert line.uncovered
    assert line.net == Decimal("100.00")
    assert s.net == Decimal("100.00")
    assert s.vat == Decimal("23.00")
    assert s.gross == Decimal("123.00")
    starter = next(t for t in s.contracts if t.contract.number == "BB/2026/002")
    assert (starter.left_before, starter.left_after, starter.minutes) == (30, 0, 30)
    views = {v.balance.contract.number: v for v in await contract_views(demo_ctx, BILANS)}
    assert views["BB/2026/002"].status is ContractStatus.USED_UP
    assert views["BB/2026/002"].offer_service


async def test_the_rest_goes_to_the_next_block_when_one_exists(demo_ctx: Ctx) -> None:
    # A starter is signed once per client: the next block is a service contract.
    await record_assessment(demo_ctx, BILANS, date(2026, 11, 20), "Księgowość", "Telefonicznie")
    top_up = await sign_contract(demo_ctx, SignRequest(BILANS, "service-50h", date(2026, 11, 20)))
    entry = await work(demo_ctx, BILANS, 80)
    s = await build_statement(demo_ctx, BILANS, *NOV)
    assert charges_of(s.lines, entry) == [
        ("BB/2026/002", "block", 30),
        ("BB/2026/009", "block", 60),
    ]
    assert s.net == Decimal("0.00")
    assert top_up > STARTER_BILANS


async def test_uncovered_time_moves_onto_a_service_contract_signed_later(demo_ctx: Ctx) -> None:
    entry = await work(demo_ctx, BILANS, 80)
    assert await uncovered_minutes(demo_ctx, BILANS) == 60
    with pytest.raises(DomainError, match="needs assessment"):
        await sign_contract(demo_ctx, SignRequest(BILANS, "service-50h", date(2026, 11, 24)))
    await record_assessment(
        demo_ctx, BILANS, date(2026, 11, 24), "Księgowość, 4 stanowiska", "Zgłoszenia telefonicznie"
    )
    # Signed from 1.11, so the 23.11 work lies within its dates and may move.
    service = await sign_contract(demo_ctx, SignRequest(BILANS, "service-50h", date(2026, 11, 1)))
    assert await move_uncovered(demo_ctx, service) == 60
    assert await uncovered_minutes(demo_ctx, BILANS) == 0
    s = await build_statement(demo_ctx, BILANS, *NOV)
    assert charges_of(s.lines, entry) == [
        ("BB/2026/002", "block", 30),
        ("BB/2026/009", "block", 60),
    ]
    assert s.net == Decimal("0.00")
    reason = next(ln for ln in s.lines if ln.entry_id == entry).charges[1].reason
    assert "moved from uncovered" in shown(reason)
    actions = [a.action for a in await trail(demo_ctx, "contract", service)]
    assert "uncovered_moved" in actions
    with pytest.raises(DomainError, match="No uncovered time"):
        await move_uncovered(demo_ctx, service)


async def test_only_uncovered_time_within_the_contracts_dates_moves(demo_ctx: Ctx) -> None:
    # The tester's case: a contract from 1.11 took March and October work too.
    old = []
    for month in (3, 10):
        job = await create_job(
            demo_ctx,
            NewJob(
                client_id=BILANS, description="Dawna praca", mode=JobMode.REMOTE,
                priority=Priority.NORMAL, category=Category.SOFTWARE,
            ),
        )  # fmt: skip
        start = datetime(2026, month, 10, 10, 0, tzinfo=FIRM_ZONE)
        await received_at(demo_ctx, job, start)
        old.append(
            await add_entry(
                demo_ctx,
                job_id=job,
                technician_id=ANNA,
                started_at=start,
                ended_at=start + timedelta(hours=20),
                description="Praca",
                mode=JobMode.REMOTE,
                long=True,
            )  # fmt: skip
        )
    november = await work(demo_ctx, BILANS, 80)
    await record_assessment(demo_ctx, BILANS, date(2026, 11, 1), "Księgowość", "Telefonicznie")
    service = await sign_contract(demo_ctx, SignRequest(BILANS, "service-50h", date(2026, 11, 1)))
    before = await build_statement(demo_ctx, BILANS, *NOV)
    uncovered_in_november = sum(m for _n, basis, m in charges_of(before.lines, november)
                                if basis == "uncovered")  # fmt: skip
    assert uncovered_in_november > 0
    assert await move_uncovered(demo_ctx, service) == uncovered_in_november
    earlier = await build_statement(demo_ctx, BILANS, date(2026, 3, 1), date(2026, 10, 31))
    for entry in old:
        assert all(c[0] != "BB/2026/009" for c in charges_of(earlier.lines, entry))
    assert all(t.contract.id != service for t in earlier.contracts)
    s = await build_statement(demo_ctx, BILANS, *NOV)
    assert ("BB/2026/009", "block", uncovered_in_november) in charges_of(s.lines, november)


async def test_private_person_is_billed_at_the_agreed_rate(demo_ctx: Ctx) -> None:
    entry = await work(demo_ctx, ZIELINSKA, 80, agreed_rate=Decimal("90.00"))
    s = await build_statement(demo_ctx, ZIELINSKA, *NOV)
    assert charges_of(s.lines, entry) == [(None, "agreed", 90)]
    assert s.net == Decimal("135.00")
    assert s.minutes_of(ChargeBasis.AGREED) == 90
    assert s.gross == Decimal("166.05")


async def test_an_agreed_rate_beats_the_jobs_block_contract(demo_ctx: Ctx) -> None:
    # The job names the client's starter block, but its agreed rate is what the client
    # pays: the rate bills the time and the block keeps every minute it had.
    def left(views: list[Any]) -> int | None:
        return next(
            v.balance.left_minutes for v in views if v.balance.contract.id == STARTER_BILANS
        )

    before = left(await contract_views(demo_ctx, BILANS))
    entry = await work(
        demo_ctx, BILANS, 15, contract_id=STARTER_BILANS, agreed_rate=Decimal("80.00")
    )
    s = await build_statement(demo_ctx, BILANS, *NOV)
    assert charges_of(s.lines, entry) == [(None, "agreed", 15)]
    line = next(ln for ln in s.lines if ln.entry_id == entry)
    assert line.net == Decimal("20.00")
    assert left(await contract_views(demo_ctx, BILANS)) == before == 30


async def test_network_work_goes_to_hourly_network_service(demo_ctx: Ctx) -> None:
    entry = await work(demo_ctx, ZDROWIE, 50, category=Category.NETWORK)
    s = await build_statement(demo_ctx, ZDROWIE, *NOV)
    assert charges_of(s.lines, entry) == [("BB/2026/004", "hourly", 60)]
    network = next(t for t in s.contracts if t.contract.number == "BB/2026/004")
    assert network.net == Decimal("100.00")
    # Two backup checks on the IT administration contract, plus one month's fee.
    assert [f.months for f in s.fees] == [1]
    assert s.net == Decimal("1900.00")


async def test_dispatcher_override_picks_the_contract_and_says_so(demo_ctx: Ctx) -> None:
    await record_assessment(demo_ctx, BILANS, date(2026, 11, 1), "Księgowość", "Telefonicznie")
    top_up = await sign_contract(demo_ctx, SignRequest(BILANS, "service-50h", date(2026, 11, 1)))
    entry = await work(demo_ctx, BILANS, 30, contract_id=top_up)
    s = await build_statement(demo_ctx, BILANS, *NOV)
    line = next(ln for ln in s.lines if ln.entry_id == entry)
    assert [(c.contract_id, c.minutes) for c in line.charges] == [(top_up, 30)]
    assert "chosen by dispatcher" in shown(line.charges[0].reason)


async def test_issuing_locks_entries_and_admin_correction_shows_next_time(demo_ctx: Ctx) -> None:
    kowalczyk_nov = await build_statement(demo_ctx, KOWALCZYK, *NOV)
    assert kowalczyk_nov.statement_id is None
    with pytest.raises(DomainError, match="after that day"):
        await issue_statement(demo_ctx, KOWALCZYK, *NOV)
    august = (date(2026, 8, 1), date(2026, 8, 31))
    s = await build_statement(demo_ctx, BILANS, *august)
    assert len(s.lines) == 1
    assert s.lines[0].billed_minutes == 570
    statement_id = await issue_statement(demo_ctx, BILANS, *august)
    issued = await build_statement(demo_ctx, BILANS, *august)
    assert issued.statement_id == statement_id
    assert issued.issued_at is not None
    with pytest.raises(DomainError, match="already issued"):
        await issue_statement(demo_ctx, BILANS, date(2026, 8, 15), date(2026, 9, 15))
    entry_id = s.lines[0].entry_id
    start = datetime.combine(s.lines[0].day, datetime.min.time(), tzinfo=FIRM_ZONE)
    start = start.replace(hour=8)
    with pytest.raises(NotAllowed):
        await correct_locked_entry(
            demo_ctx.acting_as("beata"), entry_id, started_at=start,
            ended_at=start + timedelta(minutes=660), description="x", reason="y", long=True,
        )  # fmt: skip
    await correct_locked_entry(
        demo_ctx, entry_id, started_at=start, ended_at=start + timedelta(minutes=660),
        description="Instalacja programu księgowego na 4 stanowiskach",
        reason="Technik nie wpisał dojazdu", long=True,
    )  # fmt: skip
    nov = await build_statement(demo_ctx, BILANS, *NOV)
    assert [(c.minutes_delta, c.net_delta) for c in nov.corrections] == [(90, Decimal("100.00"))]
    assert nov.net == Decimal("100.00")
    actions = [a.action for a in await trail(demo_ctx, "work_entry", entry_id)]
    assert "corrected" in actions


async def test_forecast_and_expired_status(demo_ctx: Ctx) -> None:
    views = {v.balance.contract.number: v for v in await contract_views(demo_ctx)}
    # Kowalczyk's new block: 5 h in the last 90 days, 45 h left -> 810 days at that pace.
    assert views["BB/2026/005"].runs_out_on == date(2026, 11, 24) + timedelta(days=810)
    assert views["BB/2026/001"].runs_out_on is None  # no work in the last 90 days
    assert views["BB/2025/001"].status is ContractStatus.USED_UP
    old = await sign_contract(
        demo_ctx, SignRequest(KOWALCZYK, "starter-10h", date(2026, 1, 1), date(2026, 3, 31))
    )
    views = {v.balance.contract.id: v for v in await contract_views(demo_ctx, KOWALCZYK)}
    assert views[old].status is ContractStatus.EXPIRED


async def test_bad_periods_and_clients_are_refused(demo_ctx: Ctx) -> None:
    with pytest.raises(DomainError, match="No client with id 99"):
        await build_statement(demo_ctx, 99, *NOV)
    with pytest.raises(DomainError, match="before it starts"):
        await build_statement(demo_ctx, BILANS, NOV[1], NOV[0])
    empty = await build_statement(demo_ctx, BILANS, date(2026, 1, 1), date(2026, 1, 31))
    assert empty.is_empty


async def test_choosing_a_contract_for_a_job_recharges_its_entries(demo_ctx: Ctx) -> None:
    from bbdispatch.services.jobs import get_job
    from bbdispatch.services.ledger import choose_contract

    entry = await work(demo_ctx, KOWALCZYK, 60)
    s = await build_statement(demo_ctx, KOWALCZYK, *NOV)
    assert charges_of(s.lines, entry) == [("BB/2026/005", "block", 60)]
    job_id = next(ln for ln in s.lines if ln.entry_id == entry).job_number
    with pytest.raises(DomainError, match="another client"):
        await choose_contract(demo_ctx, int(job_id), STARTER_BILANS)
    top_up = await sign_contract(demo_ctx, SignRequest(KOWALCZYK, "starter-10h", NOV[0]))
    assert await choose_contract(demo_ctx, int(job_id), top_up) == 1
    assert (await get_job(demo_ctx, int(job_id))).contract_id == top_up
    s = await build_statement(demo_ctx, KOWALCZYK, *NOV)
    line = next(ln for ln in s.lines if ln.entry_id == entry)
    assert [(c.contract_id, c.minutes) for c in line.charges] == [(top_up, 60)]
    assert "chosen by dispatcher" in shown(line.charges[0].reason)


async def test_issued_statement_is_kept_as_issued_in_the_audit_log(demo_ctx: Ctx) -> None:
    august = (date(2026, 8, 1), date(2026, 8, 31))
    statement_id = await issue_statement(demo_ctx, BILANS, *august)
    [issued] = [a for a in await trail(demo_ctx, "statement", statement_id)]
    assert issued.detail["as_issued"]["totals"]["net"] == "0.00"
    assert issued.detail["as_issued"]["lines"][0]["billed_minutes"] == 570


async def test_used_up_block_without_work_is_left_off_the_subtotals(demo_ctx: Ctx) -> None:
    s = await build_statement(demo_ctx, KOWALCZYK, *NOV)
    assert [(t.contract.number, t.left_before, t.left_after) for t in s.contracts] == [
        ("BB/2026/005", 3000, 2700)
    ]


async def test_forecast_uses_the_clients_pace_and_says_why_there_is_none(demo_ctx: Ctx) -> None:
    """Issue 20: a block signed today was forecast for 2038 from its own first hour."""
    from bbdispatch.services.ledger import close_contract

    # Kowalczyk worked 5 h in the last 90 days; a block signed today with 1 h on it
    # runs out at that pace after the older block, not in 2038.
    new = await sign_contract(demo_ctx, SignRequest(KOWALCZYK, "starter-10h", date(2026, 11, 24)))
    await work(demo_ctx, KOWALCZYK, 60, day=24, hour=8, contract_id=new)
    views = {v.balance.contract.id: v for v in await contract_views(demo_ctx, KOWALCZYK)}
    assert views[new].runs_out_on is not None
    assert views[new].runs_out_on < date(2030, 1, 1)
    older = views[KOWALCZYK_NEW].runs_out_on
    assert older is not None and views[new].runs_out_on > older
    # A closed contract has no forecast, and says so.
    await close_contract(demo_ctx, new, "Klient zrezygnował")
    views = {v.balance.contract.id: v for v in await contract_views(demo_ctx, KOWALCZYK)}
    assert views[new].runs_out_on is None
    assert views[new].forecast_note == "closed"
    # A block with no work in 90 days says why it has no forecast.
    notary = {v.balance.contract.number: v for v in await contract_views(demo_ctx, 1)}
    assert notary["BB/2026/001"].forecast_note == "no work in the last 90 days"
