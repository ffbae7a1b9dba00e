"""Storage contract: contracts, jobs and their lifecycle, work entries, charges, statements.

Everything is written through the storage functions themselves, with domain
values, and read back: what goes in (aware datetimes, Decimal money, enums,
bools) comes out equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.domain.job_edits import JobEdit, NewJob
from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.lifecycle import plan_assignment, plan_step
from bbdispatch.domain.people import Role
from bbdispatch.pricelist import ProductType
from bbdispatch.storage import (
    clients,
    contracts,
    dispatch,
    job_counts,
    jobs,
    people,
    statements,
    work,
)
from bbdispatch.storage.database import Database
from tests.storage.conftest import AT

S = JobStatus


@dataclass(frozen=True)
class World:
    """A client with a 10 h block, a technician and one triaged remote job."""

    client: int
    tech: int
    block: int
    job: int


@pytest.fixture
async def world(db: Database) -> World:
    async with db.transaction():
        client = await clients.insert_client(
            db, NewClient(kind=ClientKind.COMPANY, name="Biuro Rachunkowe Bilans"), AT
        )
        tech = await people.insert_person(db, "piotr", "Piotr M", Role.TECHNICIAN)
        block = await contracts.insert_contract(
            db, client_id=client, product_code="starter-10h", kind=ProductType.BLOCK,
            number="BB/2026/001", title="Umowa startowa 10 h", starts_on=date(2026, 11, 1),
            ends_on=None, minutes_included=600, net=Decimal("600.00"), vat_rate=Decimal("0.23"),
            assessment_id=None, signed_at=AT, signed_by="beata",
        )  # fmt: skip
        job = await jobs.insert_job(
            db,
            NewJob(client_id=client, description="Błąd licencji", mode=JobMode.REMOTE,
                   priority=Priority.EMERGENCY, category=Category.SOFTWARE, contract_id=block,
                   caller_phone="+48601234567", caller_name="Ewa"),
            AT, "beata",
        )  # fmt: skip
    return World(client, tech, block, job)


async def test_contracts_round_trip(db: Database, world: World) -> None:
    found = await contracts.get_contract(db, world.block)
    assert found is not None
    assert (found.kind, found.net, found.vat_rate, found.minutes_included, found.status) == (
        ProductType.BLOCK, Decimal("600.00"), Decimal("0.23"), 600, ContractStatus.ACTIVE,
    )  # fmt: skip
    assert (found.starts_on, found.ends_on, found.signed_at) == (date(2026, 11, 1), None, AT)
    assert await contracts.get_contract(db, 999) is None
    assert [c.id for c in await contracts.contracts_of(db, world.client)] == [world.block]
    assert [c.id for c in await contracts.all_contracts(db)] == [world.block]
    assert [c.id for c in await contracts.contracts_of_kind(db, ProductType.BLOCK)] == [world.block]
    assert await contracts.contracts_of_kind(db, ProductType.MONTHLY) == []
    assert await contracts.used_minutes(db, [world.block]) == {world.block: 0}
    assert await contracts.contract_numbers_with_prefix(db, "BB/2026/") == ["BB/2026/001"]
    assert await contracts.contract_numbers(db, [world.block]) == {world.block: "BB/2026/001"}
    assert await contracts.contract_number_taken(db, "BB/2026/001")
    assert not await contracts.contract_number_taken(db, "BB/2026/002")
    async with db.transaction():
        await contracts.set_contract_status(db, world.block, ContractStatus.USED_UP)
    assert (await contracts.get_contract(db, world.block)).status is ContractStatus.USED_UP  # type: ignore[union-attr]
    async with db.transaction():
        await contracts.close_contract(db, world.block, date(2026, 11, 30))
    closed = await contracts.get_contract(db, world.block)
    assert closed is not None
    assert (closed.status, closed.ends_on) == (ContractStatus.CLOSED, date(2026, 11, 30))


async def test_assessments_keep_every_revision(db: Database, world: World) -> None:
    async with db.transaction():
        for needs in ("5 stanowisk", "6 stanowisk"):
            await contracts.insert_assessment(
                db, client_id=world.client, assessed_on=date(2026, 11, 20), needs=needs,
                rules="zdalnie", waived=False, waiver_reason="", recorded_by="beata",
                recorded_at=AT,
            )  # fmt: skip
    found = await contracts.assessments_of(db, world.client)
    assert [(a.revision, a.needs, a.recorded_at, a.waived) for a in found] == [
        (2, "6 stanowisk", AT, False), (1, "5 stanowisk", AT, False),
    ]  # fmt: skip


async def test_open_job_changes_decode_only_what_changed(db: Database, world: World) -> None:
    first = await jobs.open_job_changes(db)
    assert first.changed == await jobs.open_job_rows(db)  # the same rows a full read gives
    assert list(first.marks) == [world.job]
    again = await jobs.open_job_changes(db, first)
    assert (again.changed, again.marks) == ([], first.marks)
    job = await jobs.get_job(db, world.job)
    assert job is not None
    async with db.transaction():
        await jobs.record_remark(db, job, AT, "beata", "oddzwonić")  # history only
    after = await jobs.open_job_changes(db, again)
    assert [r.job.id for r in after.changed] == [world.job]
    async with db.transaction():
        await jobs.set_alert(db, world.job, AT, "Kopia nieudana")
    alerted = await jobs.open_job_changes(db, after)
    assert [r.job.alert for r in alerted.changed] == ["Kopia nieudana"]
    assert alerted.changed == await jobs.open_job_rows(db)


async def test_open_job_changes_see_renames_and_every_row_change(
    db: Database, world: World
) -> None:
    """The marks come from an index (``job.rev``); renaming the client or the
    technician shown on the board moves them too (migration 019's triggers)."""
    known = await jobs.open_job_changes(db)
    async with db.transaction():
        await db.execute("UPDATE client SET name = ? WHERE id = ?", ("Nowa Nazwa", world.client))
    renamed = await jobs.open_job_changes(db, known)
    assert [r.client_name for r in renamed.changed] == ["Nowa Nazwa"]
    async with db.transaction():
        await db.execute("UPDATE job SET technician_id = ? WHERE id = ?", (world.tech, world.job))
    assigned = await jobs.open_job_changes(db, renamed)
    assert [r.job.technician_id for r in assigned.changed] == [world.tech]
    async with db.transaction():
        await db.execute("UPDATE technician SET name = ? WHERE id = ?", ("Anna Nowa", world.tech))
    tech_renamed = await jobs.open_job_changes(db, assigned)
    assert [r.technician_name for r in tech_renamed.changed] == ["Anna Nowa"]
    async with db.transaction():  # a write that leaves the row as it was still counts
        await db.execute("UPDATE job SET description = description WHERE id = ?", (world.job,))
    same = await jobs.open_job_changes(db, tech_renamed)
    assert [r.job.id for r in same.changed] == [world.job]
    assert same.changed == await jobs.open_job_rows(db)
    assert (await jobs.open_job_changes(db, same)).changed == []


async def test_jobs_round_trip_and_lists(db: Database, world: World) -> None:
    job = await jobs.get_job(db, world.job)
    assert job is not None
    assert (job.status, job.priority, job.mode, job.category, job.received_at, job.late) == (
        S.TRIAGED, Priority.EMERGENCY, JobMode.REMOTE, Category.SOFTWARE, AT, False,
    )  # fmt: skip
    assert await jobs.get_job(db, 999) is None
    assert [r.job.id for r in await jobs.open_job_rows(db)] == [world.job]
    # the board's decoding by position gives the Job that decoding by name gives
    (whole,) = await db.fetch_all("SELECT * FROM job WHERE id = ?", (world.job,))
    (listed,) = await db.fetch_all(f"{jobs.JOB_ROW_QUERY} WHERE job.id = ?", (world.job,))
    assert jobs.job_at(listed) == jobs.job_from_row(whole)
    assert set(jobs.JOB_COLUMNS) == set(whole.keys()) - {"rev"}  # every column a Job holds
    assert [r.client_name for r in await jobs.job_rows_of_client(db, world.client)] == [
        "Biuro Rachunkowe Bilans",
    ]  # fmt: skip
    assert [r.job.id for r in await jobs.job_rows_filtered(db, open_only=True)] == [world.job]
    # the card's open and closed jobs, and lookup's count of every open one
    assert [
        r.job.id for r in await jobs.job_rows_of_client(db, world.client, None, which="open")
    ] == [world.job]
    assert await jobs.job_rows_of_client(db, world.client, 3, which="closed") == []
    assert await job_counts.open_jobs_of(db, world.client) == 1
    assert await job_counts.open_jobs_of(db, 999) == 0
    assert await jobs.job_rows_filtered(db, client_id=999) == []
    row = await dispatch.job_row(db, world.job)
    assert row is not None
    assert row.technician_name is None
    assert not row.timer_running
    assert [r.job.id for r in await dispatch.find_job_rows(db, "licencji")] == [world.job]
    assert [r.job.id for r in await dispatch.find_job_rows(db, str(world.job))] == [world.job]
    for wildcard in ("%", "_", "!"):  # typed characters, never LIKE's wildcards
        assert await dispatch.find_job_rows(db, wildcard) == []
        assert await dispatch.find_job_rows(db, wildcard, technician_id=1) == []
    async with db.transaction():
        await jobs.backdate_job(db, world.job, AT - timedelta(days=2))
    assert (await jobs.status_history(db, world.job))[0].at == AT - timedelta(days=2)


async def test_lifecycle_writes(db: Database, world: World) -> None:
    job = await jobs.get_job(db, world.job)
    assert job is not None
    visit = AT + timedelta(days=1)
    async with db.transaction():
        await jobs.record_transition(
            db, job.id, plan_assignment(job, world.tech, visit, "assigned to Piotr"), AT, "beata"
        )
    assigned = await jobs.get_job(db, world.job)
    assert assigned is not None
    assert (assigned.status, assigned.technician_id, assigned.visit_at) == (
        S.ASSIGNED, world.tech, visit,
    )  # fmt: skip
    assert [r.job.id for r in await jobs.job_rows_of_technician(db, world.tech)] == [world.job]
    assert [v.at for v in await dispatch.visits_of(db, world.tech)] == [visit]
    step = plan_step(assigned, S.DONE, "Licencja odnowiona.")
    assert step is not None
    async with db.transaction():
        await jobs.record_transition(db, job.id, step, AT + timedelta(hours=2), "piotr")
    done = await jobs.get_job(db, world.job)
    assert done is not None
    assert (done.status, done.resolution, done.closed_at) == (
        S.DONE, "Licencja odnowiona.", AT + timedelta(hours=2),
    )  # fmt: skip
    history = await jobs.status_history(db, world.job)
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [
        (None, S.TRIAGED, "beata"), (S.TRIAGED, S.ASSIGNED, "beata"), (S.ASSIGNED, S.DONE, "piotr"),
    ]  # fmt: skip
    assert (await dispatch.status_histories(db, [world.job]))[world.job] == history
    async with db.transaction():
        await jobs.record_remark(db, done, AT + timedelta(hours=3), "bogdan", "uwaga")
    assert (await jobs.status_history(db, world.job))[-1].note == "uwaga"


async def test_named_job_edits(db: Database, world: World) -> None:
    async with db.transaction():
        await jobs.set_alert(db, world.job, AT, "Backup failed: NAS", Priority.EMERGENCY)
        await jobs.edit_job(
            db, world.job,
            JobEdit("Błąd licencji programu", Priority.NORMAL, JobMode.ONSITE, None,
                    agreed_rate=Decimal("90.00")),
            AT,
        )  # fmt: skip
        await jobs.set_contract(db, world.job, world.block, AT)
    job = await jobs.get_job(db, world.job)
    assert job is not None
    assert (job.alert, job.description, job.priority, job.mode, job.contract_id) == (
        "Backup failed: NAS", "Błąd licencji programu", Priority.NORMAL, JobMode.ONSITE,
        world.block,
    )  # fmt: skip
    assert (job.agreed_rate, job.agreed_price) == (Decimal("90.00"), None)
    async with db.transaction():
        await jobs.set_agreed_terms(db, world.job, Decimal("250.00"), None, AT)
        await jobs.set_alert(db, world.job, AT, "")
    job = await jobs.get_job(db, world.job)
    assert job is not None
    assert (job.agreed_price, job.agreed_rate, job.alert) == (Decimal("250.00"), None, "")


async def _entry(db: Database, world: World, start_hours: int, minutes: int) -> int:
    start = AT + timedelta(hours=start_hours)
    return await work.insert_entry(
        db, job_id=world.job, technician_id=world.tech, started_at=start,
        ended_at=start + timedelta(minutes=minutes), description="Reinstalacja",
        mode=JobMode.REMOTE, billable=True, now=start,
    )  # fmt: skip


async def test_work_entries_and_timers(db: Database, world: World) -> None:
    async with db.transaction():
        done = await _entry(db, world, 0, 45)
        timer = await work.insert_entry(
            db, job_id=world.job, technician_id=world.tech, started_at=AT + timedelta(hours=2),
            ended_at=None, description="", mode=JobMode.ONSITE, billable=False, now=AT,
        )  # fmt: skip
    entry = await work.get_entry(db, done)
    assert entry is not None
    assert (entry.started_at, entry.ended_at, entry.billable, entry.mode) == (
        AT, AT + timedelta(minutes=45), True, JobMode.REMOTE,
    )  # fmt: skip
    running = await work.running_entry_of(db, world.tech)
    assert running is not None
    assert (running.id, running.ended_at, running.billable) == (timer, None, False)
    assert await work.timer_running_on(db, world.job)
    assert [e.id for e in await work.running_entries_on(db, world.job)] == [timer]
    assert [e.id for e in await work.entries_of_job(db, world.job)] == [done, timer]
    assert [e.id for e in await work.entries_of_technician_since(db, world.tech, AT)] == [
        timer, done,
    ]  # fmt: skip
    assert [e.id for e in await work.open_entries_of_client(db, world.client, AT)] == [done]
    clash = await work.overlapping_entry(
        db, world.tech, AT + timedelta(minutes=30), AT + timedelta(hours=1)
    )
    assert clash is not None
    assert clash.id == done
    assert await work.overlapping_entry(db, world.tech, AT - timedelta(hours=2), AT) is None
    assert await work.overlapping_entry(db, world.tech, AT, AT + timedelta(hours=1), done) is None
    assert (
        await statements.timer_running_between(db, world.client, AT, AT + timedelta(days=1))
    ).id == timer  # type: ignore[union-attr]
    stop = AT + timedelta(hours=3)
    async with db.transaction():
        await work.update_entry(
            db, timer, started_at=AT + timedelta(hours=2), ended_at=stop, description="Serwis",
            mode=JobMode.ONSITE, billable=True, now=stop,
        )  # fmt: skip
        await work.correct_entry(db, done, AT, AT + timedelta(minutes=30), "Poprawione", stop)
    assert not await work.timer_running_on(db, world.job)
    assert await work.running_entries_on(db, world.job) == []
    assert await work.running_entry_of(db, world.tech) is None
    corrected = await work.get_entry(db, done)
    assert corrected is not None
    assert (corrected.ended_at, corrected.description, corrected.updated_at) == (
        AT + timedelta(minutes=30), "Poprawione", stop,
    )  # fmt: skip
    async with db.transaction():
        await work.delete_entry(db, timer)
    assert await work.get_entry(db, timer) is None


async def test_charges(db: Database, world: World) -> None:
    async with db.transaction():
        entry = await _entry(db, world, 0, 60)
        other = await _entry(db, world, 2, 30)
        await work.insert_charge(
            db, work_entry_id=entry, contract_id=world.block, basis=ChargeBasis.BLOCK,
            minutes=45, rate=Decimal(0), reason="blok",
        )  # fmt: skip
        await work.insert_charge(
            db, work_entry_id=entry, contract_id=None, basis=ChargeBasis.UNCOVERED, minutes=15,
            rate=Decimal("100.00"), reason="bez umowy",
        )  # fmt: skip
        await work.insert_charge(
            db, work_entry_id=other, contract_id=None, basis=ChargeBasis.UNCOVERED, minutes=30,
            rate=Decimal("100.00"), reason="bez umowy",
        )  # fmt: skip
    charges = await work.charges_of_entries(db, [entry, other])
    assert [(c.minutes, c.rate) for c in charges] == [
        (45, Decimal("0.00")), (15, Decimal("100.00")), (30, Decimal("100.00")),
    ]  # fmt: skip
    assert await contracts.used_minutes(db, [world.block]) == {world.block: 45}
    # Uncovered time names no contract; only the block's charge does.
    assert await contracts.contracts_charged(db, [world.job, 999]) == {
        world.job: ["BB/2026/001"],
    }  # fmt: skip
    rows = await statements.charges_of(db, [entry])
    assert [(r.contract_number, r.basis) for r in rows[entry]] == [
        ("BB/2026/001", ChargeBasis.BLOCK), (None, ChargeBasis.UNCOVERED),
    ]  # fmt: skip
    assert await statements.charged_minutes_before(db, [world.block], AT + timedelta(hours=1)) == {
        world.block: 45,
    }  # fmt: skip
    assert await statements.charged_minutes_before_each(
        db, [world.block, world.job + 999], [AT, AT + timedelta(hours=1)]
    ) == [{world.block: 0, world.job + 999: 0}, {world.block: 45, world.job + 999: 0}]
    assert await statements.charged_minutes_before_each(db, [world.block], []) == []
    assert await statements.charged_minutes_since(db, [world.block], AT + timedelta(hours=1)) == {
        world.block: 0,
    }  # fmt: skip
    # The client's pace on blocks and without a contract, whichever block took it.
    assert await statements.client_block_pace(db, [world.client], AT - timedelta(days=1)) == {
        world.client: 90,  # 45 min on the block and 15 + 30 without a contract
    }  # fmt: skip
    assert await statements.client_block_pace(db, [world.client], AT + timedelta(days=1)) == {
        world.client: 0,
    }  # fmt: skip
    uncovered = await statements.uncovered_charges(db, world.client)
    assert [(u.minutes, u.started_at, u.locked) for u in uncovered] == [
        (15, AT, False), (30, AT + timedelta(hours=2), False),
    ]  # fmt: skip
    async with db.transaction():
        await work.move_charge(
            db, uncovered[0].charge_id, world.block, ChargeBasis.BLOCK, Decimal(0), "przeniesione"
        )
        await work.shrink_charge(db, uncovered[1].charge_id, 10)
    assert await contracts.used_minutes(db, [world.block]) == {world.block: 60}
    assert [u.minutes for u in await statements.uncovered_charges(db, world.client)] == [10]
    async with db.transaction():
        await work.delete_charges_of(db, entry)
    assert [c.work_entry_id for c in await work.charges_of_entries(db, [entry, other])] == [other]
    async with db.transaction():
        await work.delete_charges_of_entries(db, [other])
    assert await work.charges_of_entries(db, [entry, other]) == []


async def test_statements_and_corrections(db: Database, world: World) -> None:
    period = (date(2026, 11, 1), date(2026, 11, 30))
    async with db.transaction():
        entry = await _entry(db, world, 0, 60)
        await work.insert_charge(
            db, work_entry_id=entry, contract_id=world.block, basis=ChargeBasis.BLOCK,
            minutes=45, rate=Decimal(0), reason="z bloku",
        )  # fmt: skip
        await work.insert_charge(
            db, work_entry_id=entry, contract_id=None, basis=ChargeBasis.UNCOVERED,
            minutes=30, rate=Decimal("100.00"), reason="bez umowy",
        )  # fmt: skip
        sid = await statements.insert_statement(
            db, client_id=world.client, period_from=period[0], period_to=period[1], issued_at=AT,
            issued_by="bogdan", number="WP/2026/11/001", worth_net=Decimal("75.00"),
            worth_minutes=45,
        )  # fmt: skip
        await work.lock_entries(db, sid, [entry])
    found = await statements.statement_lines(
        db, world.client, AT - timedelta(days=1), AT + timedelta(days=1)
    )
    assert [
        (ln.entry_id, ln.statement_id, ln.technician, ln.day, ln.job_number, ln.mode,
         ln.description, ln.started_at, ln.ended_at, ln.actual_minutes, ln.billed_minutes)
        for ln in found.lines
    ] == [
        (entry, sid, "Piotr M", date(2026, 11, 24), str(world.job), JobMode.REMOTE,
         "Reinstalacja", AT, AT + timedelta(minutes=60), 60, 75),
    ]  # fmt: skip
    assert [
        (c.contract_id, c.contract_number, c.basis, c.minutes, c.rate, c.reason, c.amount)
        for c in found.lines[0].charges
    ] == [
        (world.block, "BB/2026/001", ChargeBasis.BLOCK, 45, Decimal("0.00"), "z bloku", None),
        (None, None, ChargeBasis.UNCOVERED, 30, Decimal("100.00"), "bez umowy", None),
    ]  # fmt: skip
    assert found.fixed_prices == {}
    assert (await statements.statement_lines(db, world.client, AT, AT)).lines == []
    issued = await statements.statement_of_period(db, world.client, *period)
    assert issued is not None
    assert (issued.id, issued.period_from, issued.period_to, issued.issued_at) == (
        sid, *period, AT,
    )  # fmt: skip
    assert (
        await statements.statement_of_period(db, world.client, date(2026, 10, 1), period[1]) is None
    )
    clash = await statements.overlapping_statement(
        db, world.client, date(2026, 11, 15), date(2026, 12, 15)
    )
    assert clash == issued
    assert (
        await statements.overlapping_statement(
            db, world.client, date(2026, 12, 1), date(2026, 12, 31)
        )
        is None
    )
    assert await statements.statement_covering_job_day(db, world.job, date(2026, 11, 24)) == issued
    assert await statements.statement_covering_job_day(db, world.job, date(2026, 12, 1)) is None
    async with db.transaction():
        correction = await statements.insert_correction(
            db, client_id=world.client, entry_id=entry, locked_by=sid, made_at=AT + timedelta(days=10),
            made_by="bogdan", reason="pomyłka", minutes_delta=-15, net_delta=Decimal("-25.00"),
        )  # fmt: skip
    pending = await statements.corrections_for(db, world.client, AT + timedelta(days=30), None)
    assert [(p.id, p.minutes_delta, p.net_delta, p.made_at, p.job_id) for p in pending] == [
        (correction, -15, Decimal("-25.00"), AT + timedelta(days=10), world.job),
    ]  # fmt: skip
    async with db.transaction():
        await statements.set_correction_delta(db, correction, -30, Decimal("-50.00"))
    [changed] = await statements.corrections_for(db, world.client, AT + timedelta(days=30), None)
    assert (changed.minutes_delta, changed.net_delta) == (-30, Decimal("-50.00"))
    async with db.transaction():
        await statements.set_correction_delta(db, correction, -15, Decimal("-25.00"))
    assert await statements.corrected_entries(db, world.client) == {entry: sid}
    async with db.transaction():
        later = await statements.insert_statement(
            db, client_id=world.client, period_from=date(2026, 12, 1),
            period_to=date(2026, 12, 31), issued_at=AT + timedelta(days=40), issued_by="bogdan",
            number="WP/2027/01/001", worth_net=Decimal("0.00"), worth_minutes=0,
        )  # fmt: skip
        await statements.apply_corrections(db, later, [correction])
        await statements.save_documents(db, later, {"md": "# Wykaz prac", "json": "{}"})
        await statements.insert_settlements(
            db, later, [statements.Settlement(sid, -15, Decimal("-25.00"), "pomyłka")]
        )
    assert await statements.corrections_for(db, world.client, AT + timedelta(days=30), None) == []
    assert [p.id for p in await statements.corrections_for(db, world.client, AT, later)] == [
        correction
    ]
    # Issued documents, numbers and the corrections a later statement carried.
    assert [i.number for i in await statements.issued_of_client(db, world.client)] == [
        "WP/2026/11/001", "WP/2027/01/001",
    ]  # fmt: skip
    assert issued.worth_net == Decimal("75.00") and issued.worth_minutes == 45
    assert await statements.numbers_with_prefix(db, "WP/2026/11/") == ["WP/2026/11/001"]
    assert await statements.document_of(db, later, "md") == "# Wykaz prac"
    assert await statements.document_of(db, later, "csv") is None
    assert await statements.settled_for(db, world.client) == {
        sid: statements.Settlement(sid, -15, Decimal("-25.00"), "")
    }
    assert await statements.settlements_carried_by(db, later) == [
        statements.Settlement(sid, -15, Decimal("-25.00"), "pomyłka")
    ]


async def test_fixed_price_and_loads(db: Database, world: World) -> None:
    async with db.transaction():
        await jobs.set_agreed_terms(db, world.job, Decimal("300.00"), None, AT)
        first = await _entry(db, world, 0, 20)
        await _entry(db, world, 1, 20)
    fixed = await jobs.fixed_price_first_entries(db, [world.job])
    assert (fixed[world.job].price, fixed[world.job].first_entry_id) == (Decimal("300.00"), first)
    # A statement's lines name the fixed price of their jobs, by job number.
    found = await statements.statement_lines(db, world.client, AT, AT + timedelta(hours=2))
    assert [ln.entry_id for ln in found.lines][0] == first
    assert found.fixed_prices == {str(world.job): fixed[world.job]}
    loads = await dispatch.technician_loads(db, AT - timedelta(hours=1), AT + timedelta(hours=3))
    assert loads[world.tech].minutes_today == 40
    assert not loads[world.tech].timer_running
