"""The office's client, contract and agreed-price services (the CLI and the client screen)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.client_details import ClientDetails, PhoneLine
from bbdispatch.domain.clients import ClientKind, ClientStatus
from bbdispatch.domain.contracts import Balance, Contract, ContractStatus
from bbdispatch.domain.errors import DomainError, FieldError, NotAllowed
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.domain.ledger import (
    ChargeBasis,
    JobTerms,
    UncoveredWork,
    allocate,
    movable_minutes,
    moved_text,
)
from bbdispatch.pricelist import ProductType
from bbdispatch.services import audit
from bbdispatch.services.client_view import client_overview
from bbdispatch.services.clients import add_client, archive_client, edit_client, list_clients
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import NewAssessment, SignRequest, sign_for_client
from bbdispatch.services.dispatch import JobEdit, edit_job
from bbdispatch.services.jobs import add_job, get_job
from bbdispatch.services.ledger import move_uncovered
from bbdispatch.services.statements import build_statement
from bbdispatch.services.timekeeping import add_entry

NOV = date(2026, 11, 1), date(2026, 11, 30)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=FIRM_ZONE)


async def new_private(ctx: Ctx) -> int:
    return await add_client(
        ctx,
        ClientDetails(
            kind=ClientKind.PRIVATE, name="Zofia Świętochowska", city="Łódź",
            postal_code="90-001", phones=(PhoneLine("515 111 222", "dom"),),
        ),
    )  # fmt: skip


async def anna(ctx: Ctx) -> int:
    from bbdispatch.storage.people import person_by_login

    person = await person_by_login(ctx.db, "anna")
    assert person is not None
    return person.id


def test_an_agreed_price_takes_the_time_at_no_rate_whatever_the_contracts() -> None:
    block = Contract(
        1, 1, "starter-10h", ProductType.BLOCK, "BB/2026/001", "S", date(2026, 1, 1), None, 600,
        Decimal("600.00"), Decimal("0.23"), ContractStatus.ACTIVE, None,
        datetime(2026, 1, 1, tzinfo=FIRM_ZONE), "x",
    )  # fmt: skip
    terms = JobTerms(False, None, 1, None, agreed_price=Decimal("350.00"))
    parts = allocate(90, terms, [Balance(block, 0)], date(2026, 11, 2), Decimal("100.00"))
    assert [(p.basis, p.minutes, p.hourly_rate) for p in parts] == [
        (ChargeBasis.AGREED, 90, Decimal(0))
    ]


async def test_the_issues_example_a_1_5_h_job_agreed_at_350_bills_350_net(demo_ctx: Ctx) -> None:
    client_id = await new_private(demo_ctx)
    job_id = await add_job(
        demo_ctx,
        NewJob(client_id, "Laptop nie startuje", JobMode.ONSITE, Priority.NORMAL,
               Category.HARDWARE, agreed_price=Decimal("350")),
        received_at=at(19, 8),
    )  # fmt: skip
    tech = await anna(demo_ctx)
    await add_entry(
        demo_ctx, job_id=job_id, technician_id=tech, started_at=at(20, 10),
        ended_at=at(20, 11, 30), description="Naprawa", mode=JobMode.ONSITE,
    )  # fmt: skip
    await add_entry(
        demo_ctx, job_id=job_id, technician_id=tech, started_at=at(21, 10),
        ended_at=at(21, 10, 30), description="Odbiór", mode=JobMode.ONSITE,
    )  # fmt: skip
    statement = await build_statement(demo_ctx, client_id, *NOV)
    assert statement.net == Decimal("350.00")
    assert [ln.net for ln in statement.lines] == [Decimal("350.00"), Decimal("0.00")]
    # Billed once: the statement of the second day alone carries nothing more.
    later = await build_statement(demo_ctx, client_id, date(2026, 11, 21), date(2026, 11, 21))
    assert later.net == Decimal("0.00")


async def test_job_edit_sets_an_agreed_rate_and_recharges(demo_ctx: Ctx) -> None:
    client_id = await new_private(demo_ctx)
    job_id = await add_job(
        demo_ctx,
        NewJob(client_id, "Drukarka", JobMode.REMOTE, Priority.LOW, Category.OTHER),
        received_at=at(19, 8),
    )
    await add_entry(
        demo_ctx, job_id=job_id, technician_id=await anna(demo_ctx), started_at=at(20, 10),
        ended_at=at(20, 11), description="Sterowniki", mode=JobMode.REMOTE,
    )  # fmt: skip
    assert (await build_statement(demo_ctx, client_id, *NOV)).net == Decimal("100.00")
    job = await get_job(demo_ctx, job_id)
    changed = await edit_job(
        demo_ctx, job_id,
        JobEdit(job.description, job.priority, job.mode, None, agreed_rate=Decimal("80")),
    )  # fmt: skip
    assert changed == ["agreed_rate"]
    assert (await build_statement(demo_ctx, client_id, *NOV)).net == Decimal("80.00")
    with pytest.raises(FieldError) as err:
        await edit_job(
            demo_ctx, job_id,
            JobEdit(job.description, job.priority, job.mode, None, Decimal("1"), Decimal("2")),
        )  # fmt: skip
    assert err.value.field == "price"


async def test_client_edit_is_validated_and_audited(demo_ctx: Ctx) -> None:
    client_id = await new_private(demo_ctx)
    details = ClientDetails(
        kind=ClientKind.PRIVATE, name="Zofia Świętochowska", city="Łódź", postal_code="90001",
    )  # fmt: skip
    with pytest.raises(FieldError) as err:
        await edit_client(demo_ctx, client_id, details)
    assert err.value.field == "postal_code"
    ok = ClientDetails(
        kind=ClientKind.PRIVATE, name="Zofia Świętochowska", city="Łódź", postal_code="90-002",
        phones=(PhoneLine("+48 515 111 222", "dom", "Zofia"), PhoneLine("600 111 222")),
    )  # fmt: skip
    assert await edit_client(demo_ctx, client_id, ok) == ["phones", "postal_code"]
    trail = await audit.trail(demo_ctx, "client", client_id)
    assert any(e.action == "edited" for e in trail)
    found = await list_clients(demo_ctx, "swietochowska zofia")
    assert [c.id for c in found] == [client_id]
    assert [p.contact_person for p in found[0].phones] == ["Zofia", ""]


async def test_archive_and_reactivate(demo_ctx: Ctx) -> None:
    client_id = await new_private(demo_ctx)
    assert await archive_client(demo_ctx, client_id) is ClientStatus.ARCHIVED
    with pytest.raises(DomainError):
        await add_job(
            demo_ctx, NewJob(client_id, "x", JobMode.REMOTE, Priority.LOW, Category.OTHER)
        )
    assert await archive_client(demo_ctx, client_id, False) is ClientStatus.PROSPECT


async def test_a_service_contract_signed_with_its_assessment_in_one_step(demo_ctx: Ctx) -> None:
    # A company: a private person signs no contract (the price list's clients).
    client_id = await add_client(demo_ctx, ClientDetails(ClientKind.COMPANY, "Lis"))
    request = SignRequest(client_id, "service-50h", date(2026, 11, 24))
    with pytest.raises(DomainError, match="needs assessment"):
        await sign_for_client(demo_ctx, request)
    signed = await sign_for_client(
        demo_ctx, request, assessment=NewAssessment("Dwa laptopy, drukarka", "Zdalnie najpierw")
    )
    overview = await client_overview(demo_ctx, client_id)
    assert overview.assessments[0].id == signed.assessment_id
    assert overview.contracts[0].balance.contract.number == signed.number
    assert overview.client.status is ClientStatus.ACTIVE


async def test_uncovered_time_never_moves_onto_an_expired_contract(demo_ctx: Ctx) -> None:
    client_id = await add_client(demo_ctx, ClientDetails(ClientKind.COMPANY, "Lis"))
    job_id = await add_job(
        demo_ctx,
        NewJob(client_id, "x", JobMode.REMOTE, Priority.LOW, Category.OTHER),
        received_at=at(19, 8),
    )
    await add_entry(
        demo_ctx, job_id=job_id, technician_id=await anna(demo_ctx), started_at=at(20, 9),
        ended_at=at(20, 10), description="Serwis", mode=JobMode.REMOTE,
    )  # fmt: skip
    old = await sign_for_client(
        demo_ctx, SignRequest(client_id, "starter-10h", date(2026, 1, 1), date(2026, 6, 30))
    )
    with pytest.raises(DomainError, match="expired"):
        await move_uncovered(demo_ctx, old.contract_id)
    new = await sign_for_client(  # the starter is once per client: then a service contract
        demo_ctx, SignRequest(client_id, "service-50h", date(2026, 11, 20)),
        assessment=NewAssessment("Serwis stanowisk", "Zdalnie najpierw"), take_uncovered=True,
    )  # fmt: skip
    assert new.moved_minutes == 60


async def test_technicians_do_not_reach_clients(demo_ctx: Ctx) -> None:
    tech = demo_ctx.acting_as("anna")
    with pytest.raises(NotAllowed):
        await list_clients(tech)
    with pytest.raises(NotAllowed):
        await client_overview(tech, 1)


async def test_the_technician_sees_the_agreed_price_on_the_job_card(demo_ctx: Ctx) -> None:
    from bbdispatch.services.dispatch import assign
    from bbdispatch.services.workspace import job_card
    from bbdispatch.storage.people import person_by_login
    from screens.tech_jobs import card_text

    client_id = await new_private(demo_ctx)
    job_id = await add_job(
        demo_ctx,
        NewJob(client_id, "Laptop", JobMode.REMOTE, Priority.NORMAL, Category.HARDWARE,
               agreed_price=Decimal("350")),
    )  # fmt: skip
    tech = await person_by_login(demo_ctx.db, "anna")
    assert tech is not None
    await assign(demo_ctx, job_id, tech.id)
    text = card_text(await job_card(demo_ctx, tech, job_id)).plain
    assert "Agreed price: 350.00 PLN" in text and "whole job" in text


async def test_callbacks_are_listed_counted_when_due_and_finished(demo_ctx: Ctx) -> None:
    from datetime import timedelta

    from bbdispatch.domain.callbacks import NewCallback
    from bbdispatch.services.callbacks import (
        add_callback,
        callback_list,
        due_count,
        finish_callback,
    )

    now = demo_ctx.clock.now()
    before = await due_count(demo_ctx)
    client_id = await new_private(demo_ctx)
    soon = await add_callback(
        demo_ctx, NewCallback("Oddzwonić w sprawie wyceny", now,
                              client_id=client_id),
    )  # fmt: skip
    await add_callback(
        demo_ctx, NewCallback("Potwierdzić wizytę", now + timedelta(hours=3), e164="+48500600700")
    )
    with pytest.raises(FieldError) as err:
        await add_callback(demo_ctx, NewCallback(" ", now))
    assert err.value.field == "reason"
    assert await due_count(demo_ctx) == before + 1
    listed = await callback_list(demo_ctx)
    assert [c.reason for c in listed.callbacks] == ["Oddzwonić w sprawie wyceny",
                                                    "Potwierdzić wizytę"]  # fmt: skip
    assert listed.callbacks[0].client_name == "Zofia Świętochowska"
    await finish_callback(demo_ctx, soon, "Umówiona wizyta")
    assert await due_count(demo_ctx) == before
    with pytest.raises(DomainError):
        await finish_callback(demo_ctx, soon, "again")


async def test_a_reactivated_client_gets_back_the_status_it_had(demo_ctx: Ctx) -> None:
    from bbdispatch.domain.clients import ClientStatus
    from bbdispatch.services.clients import archive_client, get_client

    wojcik = 13  # a private person, active without a contract (agreed prices)
    assert (await get_client(demo_ctx, wojcik)).status is ClientStatus.ACTIVE
    await archive_client(demo_ctx, wojcik)
    assert await archive_client(demo_ctx, wojcik, archived=False) is ClientStatus.ACTIVE
    assert (await get_client(demo_ctx, wojcik)).status is ClientStatus.ACTIVE
    prospect = await add_client(demo_ctx, ClientDetails(ClientKind.COMPANY, "Nowy Lis"))
    await archive_client(demo_ctx, prospect)
    assert await archive_client(demo_ctx, prospect, archived=False) is ClientStatus.PROSPECT


async def test_signing_with_the_move_goes_ahead_when_the_time_lies_outside_its_dates(
    demo_ctx: Ctx,
) -> None:
    """The Sign dialog used to refuse ("No uncovered time within the dates") and sign nothing."""
    client_id = await add_client(demo_ctx, ClientDetails(ClientKind.COMPANY, "Sowa"))
    job_id = await add_job(
        demo_ctx,
        NewJob(client_id, "x", JobMode.REMOTE, Priority.LOW, Category.OTHER),
        received_at=at(19, 8),
    )
    await add_entry(
        demo_ctx, job_id=job_id, technician_id=await anna(demo_ctx), started_at=at(20, 9),
        ended_at=at(20, 10, 30), description="Serwis", mode=JobMode.REMOTE,
    )  # fmt: skip
    signed = await sign_for_client(
        demo_ctx, SignRequest(client_id, "starter-10h", date(2026, 11, 24)), take_uncovered=True
    )
    assert (signed.moved_minutes, signed.left_minutes) == (0, 90)
    assert moved_text(signed.moved_minutes, signed.left_minutes) == (
        "No uncovered time within its dates or hours: 1.5 h stays uncovered."
    )


def test_movable_minutes_takes_only_work_within_the_dates_and_the_room() -> None:
    work = [UncoveredWork(date(2026, 10, 30), 60), UncoveredWork(date(2026, 11, 20), 135)]
    today = date(2026, 11, 24)
    assert movable_minutes(work, date(2026, 11, 24), None, 600, today) == 0
    assert movable_minutes(work, date(2026, 11, 1), None, 600, today) == 135
    assert movable_minutes(work, date(2026, 10, 1), None, 600, today) == 195
    assert movable_minutes(work, date(2026, 10, 1), None, 100, today) == 100
    assert movable_minutes(work, date(2026, 10, 1), date(2026, 10, 31), None, today) == 0  # expired
    assert movable_minutes(work, date(2026, 10, 1), date(2026, 11, 30), None, today) == 195


@given(
    st.lists(
        st.builds(
            UncoveredWork, st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.integers(1, 600)
        ),
        max_size=8,
    ),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 12, 31))),
    st.one_of(st.none(), st.integers(0, 3000)),
)
def test_movable_minutes_never_exceeds_the_work_or_the_room(
    work: list[UncoveredWork], starts: date, ends: date | None, room: int | None
) -> None:
    today = date(2026, 6, 15)
    can = movable_minutes(work, starts, ends, room, today)
    assert 0 <= can <= sum(w.minutes for w in work)
    assert room is None or can <= room
    if ends is not None and ends < today:
        assert can == 0


async def test_an_entry_of_a_closed_job_cannot_be_moved_past_its_closing(demo_ctx: Ctx) -> None:
    """An entry of a done job ends by the moment the job was closed (office and CLI edits alike)."""
    from datetime import timedelta

    from bbdispatch.services.office_time import change_time
    from bbdispatch.storage import jobs as job_store
    from bbdispatch.storage import work as work_store

    job = await job_store.get_job(demo_ctx.db, 9)  # a done job of the demo
    assert job is not None and job.closed_at is not None and not job.status.is_open
    entry = (await work_store.entries_of_job(demo_ctx.db, job.id))[0]
    with pytest.raises(FieldError, match=rf"Job {job.id} was closed \(done\)") as refused:
        await change_time(demo_ctx, entry.id, ended_at=job.closed_at + timedelta(minutes=30))
    assert refused.value.field == "to"
    await change_time(demo_ctx, entry.id, ended_at=job.closed_at)  # still within its life


async def test_every_needs_assessment_needs_its_agreed_rules(demo_ctx: Ctx) -> None:
    """Issue 14: the TUI saved an assessment without rules; the command line refused one."""
    from bbdispatch.services.contracts import add_assessment, assessments, record_assessment

    bilans = 2
    with pytest.raises(FieldError) as refused:
        await record_assessment(demo_ctx, bilans, date(2026, 11, 24), "Księgowość", "  ")
    assert refused.value.field == "rules"
    with pytest.raises(FieldError) as refused:
        await add_assessment(demo_ctx, bilans, "Księgowość", "")
    assert refused.value.field == "rules"
    with pytest.raises(FieldError) as refused:
        await sign_for_client(
            demo_ctx, SignRequest(bilans, "service-50h", date(2026, 11, 24)),
            assessment=NewAssessment("Księgowość", ""),
        )  # fmt: skip
    assert refused.value.field == "rules"
    assert await assessments(demo_ctx, bilans) == []
    # The needs may be left out: the agreed rules stand for them.
    await record_assessment(demo_ctx, bilans, date(2026, 11, 24), "", "Zgłoszenia telefonicznie")
    kept = await assessments(demo_ctx, bilans)
    assert [(a.needs, a.rules) for a in kept] == [("Zgłoszenia telefonicznie",) * 2]


async def test_a_new_client_and_its_contract_are_saved_together_or_not_at_all(
    demo_ctx: Ctx,
) -> None:
    from bbdispatch.services.contracts import sign_for_new_client

    details = ClientDetails(kind=ClientKind.COMPANY, name="Biuro Lis",
                            phones=(PhoneLine("500 600 722"),))  # fmt: skip
    before = len(await list_clients(demo_ctx))
    far = SignRequest(0, "starter-10h", date(2020, 1, 1))
    with pytest.raises(FieldError) as refused:
        await sign_for_new_client(demo_ctx, details, far)
    assert refused.value.field == "starts"
    assert len(await list_clients(demo_ctx)) == before  # refused: no prospect left behind
    today = date(2026, 11, 24)
    signed = await sign_for_new_client(demo_ctx, details, SignRequest(0, "starter-10h", today))
    overview = await client_overview(demo_ctx, signed.client_id)
    assert overview.client.name == "Biuro Lis"
    assert overview.client.status is ClientStatus.ACTIVE
    assert [c.balance.contract.number for c in overview.contracts] == [signed.number]
