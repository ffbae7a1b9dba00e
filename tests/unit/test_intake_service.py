from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.calls import CallOutcome
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.contracts import Balance, Contract, ContractStatus
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.intake import suggest_contract
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.phones import InvalidPhoneNumber
from bbdispatch.pricelist import ProductType
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import starter_signed
from bbdispatch.services.intake import (
    IntakeFieldError,
    IntakeRequest,
    call_log,
    caller_card,
    lookup_number,
    mark_call,
    record_ring,
    save_intake,
)
from bbdispatch.services.rings import latest_call_id, pending_rings_after

TODAY = date(2026, 11, 24)


ACTIVE = ContractStatus.ACTIVE


def contract(
    cid: int, kind: ProductType, starts: date, minutes: int | None = None,
    code: str = "service-50h", status: ContractStatus = ACTIVE,
) -> Contract:  # fmt: skip
    return Contract(
        id=cid, client_id=1, product_code=code, kind=kind, number=f"BB/2026/{cid:03d}",
        title=code, starts_on=starts, ends_on=None, minutes_included=minutes,
        net=Decimal("100"), vat_rate=Decimal("0.23"), status=status, assessment_id=None,
        signed_at=from_db("2026-01-01T00:00:00Z"), signed_by="x",
    )  # fmt: skip


def test_suggests_oldest_block_with_hours_left() -> None:
    old = Balance(contract(1, ProductType.BLOCK, date(2026, 1, 1), 600), 600)  # used up
    newer = Balance(contract(2, ProductType.BLOCK, date(2026, 6, 1), 3000), 100)
    newest = Balance(contract(3, ProductType.BLOCK, date(2026, 9, 1), 600), 0)
    s = suggest_contract([newest, old, newer], Category.SOFTWARE, ClientKind.COMPANY, TODAY,
                         has_assessment=True)  # fmt: skip
    assert s.contract_id == 2
    assert "BB/2026/002" in s.reason
    assert {c.id for c in s.choices} == {1, 2, 3}
    assert s.hint == ""


def test_network_work_goes_on_hourly_network_service() -> None:
    block = Balance(contract(1, ProductType.BLOCK, date(2026, 1, 1), 600), 0)
    net = Balance(contract(2, ProductType.HOURLY, date(2026, 1, 1), code="network-1h"), 0)
    s = suggest_contract([block, net], Category.NETWORK, ClientKind.COMPANY, TODAY,
                         has_assessment=True)  # fmt: skip
    assert s.contract_id == 2
    assert "network" in s.reason
    other = suggest_contract([block, net], Category.HARDWARE, ClientKind.COMPANY, TODAY,
                             has_assessment=True)  # fmt: skip
    assert other.contract_id == 1


def test_no_contract_hints_starter_and_assessment() -> None:
    company = suggest_contract([], Category.OTHER, ClientKind.COMPANY, TODAY, has_assessment=False)
    assert company.contract_id is None
    assert "starter" in company.hint
    assert "needs assessment" in company.hint
    assessed = suggest_contract([], Category.OTHER, ClientKind.COMPANY, TODAY, has_assessment=True)
    assert "starter" in assessed.hint
    assert "needs assessment" not in assessed.hint
    private = suggest_contract([], Category.OTHER, ClientKind.PRIVATE, TODAY, has_assessment=False)
    assert "agreed" in private.reason
    assert "needs assessment" not in private.hint


def test_closed_or_future_contracts_are_not_choices() -> None:
    shut = contract(1, ProductType.BLOCK, date(2026, 1, 1), 600, status=ContractStatus.CLOSED)
    closed = Balance(shut, 0)
    future = Balance(contract(2, ProductType.BLOCK, date(2027, 1, 1), 600), 0)
    s = suggest_contract([closed, future], Category.OTHER, ClientKind.COMPANY, TODAY,
                         has_assessment=True)  # fmt: skip
    assert s.contract_id is None
    assert s.choices == ()
    assert "starter" in s.hint


async def test_lookup_and_card(demo_ctx: Ctx) -> None:
    match = await lookup_number(demo_ctx, "0048 698-765-432")
    assert match.e164 == "+48698765432"
    assert sorted(c.name for c in match.clients) == [
        "Ewa Wójcik",
        "Pracownia Architektoniczna Forma",
    ]
    with pytest.raises(InvalidPhoneNumber):
        await lookup_number(demo_ctx, "12345")
    card = await caller_card(demo_ctx, 1)
    assert card.client.name.startswith("Kancelaria")
    assert card.has_assessment
    assert [r.job.status.is_open for r in card.open_jobs] == [True] * len(card.open_jobs)
    assert len(card.last_jobs) <= 3


def _job(client_id: int = 0, text: str = "Printer jams") -> NewJob:
    return NewJob(client_id=client_id, description=text, mode=JobMode.ONSITE,
                  priority=Priority.NORMAL, category=Category.HARDWARE)  # fmt: skip


async def test_save_intake_writes_job_call_and_audit_together(demo_ctx: Ctx) -> None:
    result = await save_intake(
        demo_ctx, IntakeRequest(job=_job(1), client_id=1, raw_number="601 234 567")
    )
    assert result.job_id is not None
    db = demo_ctx.db
    job = await db.fetch_one("SELECT * FROM job WHERE id = ?", (result.job_id,))
    assert job is not None
    assert (job["status"], job["caller_phone"]) == ("triaged", "+48601234567")
    call = await db.fetch_one("SELECT * FROM call_log WHERE id = ?", (result.call_id,))
    assert call is not None
    assert (call["outcome"], call["job_id"], call["source"]) == (
        "job_created",
        result.job_id,
        "manual",
    )
    actions = await db.fetch_all("SELECT entity, action FROM audit_log WHERE at = ? ORDER BY id",
                                 (to_db(demo_ctx.clock.now()),))  # fmt: skip
    assert [(a["entity"], a["action"]) for a in actions][-2:] == [
        ("job", "created"),
        ("call", "handled"),
    ]


async def test_failed_save_leaves_nothing_behind(demo_ctx: Ctx) -> None:
    before = await demo_ctx.db.fetch_value("SELECT COUNT(*) FROM client")
    taken = NewClient(kind=ClientKind.COMPANY, name="Copycat", nip="5260001246")
    with pytest.raises(IntakeFieldError) as err:
        await save_intake(
            demo_ctx, IntakeRequest(job=_job(), new_client=taken, raw_number="500600700")
        )
    assert err.value.field == "nip"
    assert await demo_ctx.db.fetch_value("SELECT COUNT(*) FROM client") == before
    assert await demo_ctx.db.fetch_value("SELECT COUNT(*) FROM call_log") == 0


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (IntakeRequest(job=_job(1), client_id=1, raw_number="12345"), "phone"),
        (IntakeRequest(job=_job(1, "  "), client_id=1), "description"),
        (IntakeRequest(job=_job()), "client"),
        (IntakeRequest(job=None, new_client=NewClient(kind=ClientKind.COMPANY, name=" ")), "name"),
        (IntakeRequest(job=None, new_client=NewClient(ClientKind.COMPANY, "A", nip="123")), "nip"),
        (IntakeRequest(None, new_client=NewClient(ClientKind.PRIVATE, "A", email="a@")), "email"),
    ],
)  # fmt: skip
async def test_validation_names_the_field(
    demo_ctx: Ctx, request_: IntakeRequest, field: str
) -> None:
    with pytest.raises(IntakeFieldError) as err:
        await save_intake(demo_ctx, request_)
    assert err.value.field == field


async def test_new_prospect_without_job(demo_ctx: Ctx) -> None:
    new = NewClient(kind=ClientKind.PRIVATE, name="Zofia Nowicka", email="zofia@example.pl")
    result = await save_intake(
        demo_ctx, IntakeRequest(job=None, new_client=new, raw_number="500 600 700")
    )
    assert result.job_id is None
    client = await demo_ctx.db.fetch_one("SELECT * FROM client WHERE id = ?", (result.client_id,))
    assert client is not None
    assert (client["status"], client["contact_person"]) == ("prospect", "")
    call = await demo_ctx.db.fetch_one("SELECT * FROM call_log WHERE id = ?", (result.call_id,))
    assert call is not None
    assert call["outcome"] == "new_prospect"
    match = await lookup_number(demo_ctx, "500600700")
    assert [c.name for c in match.clients] == ["Zofia Nowicka"]


async def test_ring_then_handle_and_mark(demo_ctx: Ctx) -> None:
    base = await latest_call_id(demo_ctx)
    call_id, match = await record_ring(demo_ctx, "+48 601 234 567")
    assert match is not None
    assert [c.id for c in match.clients] == [1]
    blank_id, blank = await record_ring(demo_ctx, "")
    assert blank is None
    pending = await pending_rings_after(demo_ctx, base)
    assert [c.id for c in pending] == [call_id, blank_id]
    assert pending[0].client_id == 1
    result = await save_intake(demo_ctx, IntakeRequest(job=_job(1), client_id=1, call_id=call_id,
                                                       raw_number="601234567"))  # fmt: skip
    assert result.call_id == call_id
    with pytest.raises(DomainError, match="already handled"):
        await save_intake(demo_ctx, IntakeRequest(job=_job(1), client_id=1, call_id=call_id))
    await mark_call(demo_ctx, blank_id, CallOutcome.MISSED)
    assert await pending_rings_after(demo_ctx, base) == []
    with pytest.raises(DomainError):
        await mark_call(demo_ctx, call_id, CallOutcome.MISSED)
    rows = await call_log(demo_ctx)
    assert [r.call.outcome for r in rows] == [CallOutcome.MISSED, CallOutcome.JOB_CREATED]
    assert rows[1].client_name is not None


async def test_site_defaults_to_the_new_clients_address(demo_ctx: Ctx) -> None:
    new = NewClient(ClientKind.COMPANY, "Piekarnia Kłos", street="ul. Polna 2", city="Radom",
                    postal_code="26-600")  # fmt: skip
    result = await save_intake(demo_ctx, IntakeRequest(job=_job(), new_client=new))
    job = await demo_ctx.db.fetch_one("SELECT * FROM job WHERE id = ?", (result.job_id,))
    assert job is not None
    assert job["site_address"] == "ul. Polna 2, 26-600 Radom"
    assert job["caller_phone"] is None


def test_used_up_blocks_and_fee_only_contracts() -> None:
    spent = Balance(contract(1, ProductType.BLOCK, date(2026, 1, 1), 600), 600)
    s = suggest_contract([spent], Category.SOFTWARE, ClientKind.COMPANY, TODAY, has_assessment=True)
    assert s.contract_id is None
    assert "used up" in s.reason
    assert "new block" in s.hint
    admin = Balance(contract(2, ProductType.MONTHLY, date(2026, 1, 1), code="it-admin"), 0)
    s = suggest_contract([admin], Category.HARDWARE, ClientKind.COMPANY, TODAY, has_assessment=True)
    assert s.contract_id is None
    assert "no prepaid hours" in s.reason
    assert [c.id for c in s.choices] == [2]


def test_ring_does_not_import_textual(demo_db_path: Path) -> None:
    code = (
        "import sys; from bbdispatch.cli import main; "
        f"rc = main(['--db', {str(demo_db_path)!r}, 'ring', '601234567']); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_client_who_had_the_starter_is_offered_a_block_not_the_starter() -> None:
    """The starter is signed once per client: the hint must not offer what signing refuses."""
    closed = contract(
        1, ProductType.BLOCK, date(2026, 1, 1), 600, "starter-10h", ContractStatus.CLOSED
    )
    spent = Balance(closed, 600)
    company = suggest_contract([spent], Category.OTHER, ClientKind.COMPANY, TODAY,
                               has_assessment=False, starter_signed=True)  # fmt: skip
    assert "starter contract (10 h)" not in company.hint
    assert "block of hours" in company.hint
    assert "needs assessment" in company.hint
    assessed = suggest_contract([spent], Category.OTHER, ClientKind.COMPANY, TODAY,
                                has_assessment=True, starter_signed=True)  # fmt: skip
    assert assessed.hint == "No contract, starter already used: offer a block of hours."


def test_starter_signed_reads_the_price_list(demo_ctx: Ctx) -> None:
    closed = contract(
        1, ProductType.BLOCK, date(2026, 1, 1), 600, "starter-10h", ContractStatus.CLOSED
    )
    service = contract(2, ProductType.BLOCK, date(2026, 1, 1), 3000)
    assert starter_signed(demo_ctx, [service, closed])
    assert not starter_signed(demo_ctx, [service])
    assert not starter_signed(
        demo_ctx, [contract(3, ProductType.BLOCK, date(2026, 1, 1), 60, "gone")]
    )


async def test_a_private_caller_is_named_on_the_job_and_becomes_a_client_with_it(
    demo_ctx: Ctx,
) -> None:
    """The tester's examples: "Caller: —" for a known private caller; a new private person's
    job left them a prospect (a private person signs no contract: the job makes them a client).
    """
    from bbdispatch.services.clients import get_client
    from bbdispatch.services.jobs import get_job

    known = await save_intake(
        demo_ctx, IntakeRequest(job=_job(10), client_id=10, raw_number="600 700 800")
    )  # the demo's Jan Kowalski
    assert known.job_id is not None
    assert (await get_job(demo_ctx, known.job_id)).caller_name == "Jan Kowalski"
    new = NewClient(kind=ClientKind.PRIVATE, name="Zofia Nowicka")
    result = await save_intake(
        demo_ctx, IntakeRequest(job=_job(), new_client=new, raw_number="500 600 701")
    )
    assert result.client_id is not None and result.job_id is not None
    assert (await get_client(demo_ctx, result.client_id)).status.value == "active"
    assert (await get_job(demo_ctx, result.job_id)).caller_name == "Zofia Nowicka"
    info_only = await save_intake(
        demo_ctx,
        IntakeRequest(job=None, new_client=NewClient(kind=ClientKind.PRIVATE, name="Ewa Bez"),
                      raw_number="500 600 702"),
    )  # fmt: skip
    assert info_only.client_id is not None
    assert (await get_client(demo_ctx, info_only.client_id)).status.value == "prospect"


async def test_the_job_names_the_person_of_the_number_that_rang(demo_ctx: Ctx) -> None:
    """The job said "Caller: Jan Lis" (the company's contact) for Ewa Lis's own number."""
    db = demo_ctx.db
    async with db.transaction():
        await db.execute(
            "UPDATE client_phone SET contact_person = 'Ewa Lis' WHERE e164 = '+48601234567'"
        )
    client = await db.fetch_one("SELECT contact_person FROM client WHERE id = 1")
    assert client is not None and client["contact_person"] != "Ewa Lis"
    rang = await save_intake(
        demo_ctx, IntakeRequest(job=_job(1), client_id=1, raw_number="601 234 567")
    )
    other = await save_intake(demo_ctx, IntakeRequest(job=_job(1), client_id=1, raw_number=""))
    names = {
        r["id"]: r["caller_name"]
        for r in await db.fetch_all(
            "SELECT id, caller_name FROM job WHERE id IN (?, ?)", (rang.job_id, other.job_id)
        )  # fmt: skip
    }
    assert names[rang.job_id] == "Ewa Lis"
    assert names[other.job_id] == client["contact_person"]
