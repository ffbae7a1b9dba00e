"""Creating jobs and reading job lists."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from bbdispatch.domain.calendar import calendar_of
from bbdispatch.domain.clients import ClientKind, ClientStatus
from bbdispatch.domain.errors import DomainError, FieldError, NotFound
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Job, JobRow
from bbdispatch.domain.response import hold_spans, response_clock
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_money
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.erased import refuse_if_erased
from bbdispatch.services.rights import check, check_job
from bbdispatch.services.saving import saves
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import dispatch as dispatch_store
from bbdispatch.storage import jobs as store
from bbdispatch.storage import people as people_store


@saves
async def create_job(ctx: Ctx, new: NewJob) -> int:
    """Record a new job, its first status and an audit row, in one transaction.

    Raises:
        DomainError: empty description, unknown or archived client.
    """
    await check(ctx, Action.JOB_CREATE)
    if not new.description.strip():
        raise DomainError(_("Describe the request."))
    async with ctx.db.transaction():
        job_id = await insert_job_in_tx(ctx, new)
    return job_id


async def insert_job_in_tx(ctx: Ctx, new: NewJob, received_at: datetime | None = None) -> int:
    """Insert a job inside a transaction the caller already holds.

    ``received_at`` is when the request came in (the phone rang), which starts
    the response clock; default now. A private person's first job makes them an
    active client (a company becomes one by signing a contract). An archived
    client gets no job: it is reactivated first (the one place every path that
    opens a job passes).

    Raises:
        FieldError: both an agreed price and rate, or a negative one.
        NotFound: no such client.
        DomainError: the client is archived.
        ClientErased: the client's data was erased.
    """
    check_terms(new.agreed_price, new.agreed_rate)
    await refuse_if_erased(ctx, new.client_id)
    client = await client_store.get_client(ctx.db, new.client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=new.client_id))
    if client.status is ClientStatus.ARCHIVED:
        # Every path that opens a job (intake, jobs add, the client page) comes here.
        raise DomainError(
            _("{name} is archived; reactivate the client first.").format(name=client.name)
        )
    job_id = await store.insert_job(ctx.db, new, received_at or ctx.clock.now(), ctx.actor)
    if client.kind is ClientKind.PRIVATE and client.status is ClientStatus.PROSPECT:
        # A private person signs no contract: their first job (at an agreed price or
        # by the hour) makes them a client, as a signed contract makes a company one.
        await client_store.set_status(ctx.db, client.id, ClientStatus.ACTIVE)
        await audit.record(
            ctx, "client", client.id, "status", status={"from": "prospect", "to": "active"},
            job_id=job_id,
        )  # fmt: skip
    await audit.record(
        ctx, "job", job_id, "created", client_id=new.client_id, priority=new.priority.value,
        mode=new.mode.value, category=new.category.value,
        agreed_price=_money(new.agreed_price), agreed_rate=_money(new.agreed_rate),
    )  # fmt: skip
    return job_id


async def get_job(ctx: Ctx, job_id: int) -> Job:
    """One job.

    Raises:
        NotFound: no such job.
    """
    await check_job(ctx, Action.JOB_VIEW, job_id)
    job = await store.get_job(ctx.db, job_id)
    if job is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    return job


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


MAX_AGREED_PRICE = Decimal("100000.00")
"""The largest agreed fixed price of one job, net: more is a typing error (``1e9``)."""
MAX_AGREED_RATE = Decimal("2000.00")
"""The largest agreed hourly rate, net: more is a typing error (``1e9`` would bill billions)."""


def check_terms(price: Decimal | None, rate: Decimal | None) -> None:
    """A job carries an agreed fixed price or an agreed hourly rate, never both.

    Raises:
        FieldError: ``price`` (both given, zero or less, or over :data:`MAX_AGREED_PRICE`)
            or ``rate`` (negative or over :data:`MAX_AGREED_RATE`).
    """
    if price is not None and rate is not None:
        raise FieldError("price", _("Agree either a fixed price or an hourly rate, not both."))
    if price is not None and price <= 0:
        # A price of nothing would bill the job at nothing without a word;
        # work done for free is an agreed rate of 0 (its hours still listed).
        raise FieldError(
            "price",
            _(
                "An agreed price is more than {zero}; for free work agree a rate of 0 instead."
            ).format(zero=format_money(Decimal(0))),
        )
    if rate is not None and rate < 0:
        raise FieldError("rate", _("The agreed rate cannot be negative."))
    if price is not None and price > MAX_AGREED_PRICE:
        raise FieldError(
            "price",
            _("An agreed price is at most {limit} net: check the amount.").format(
                limit=format_money(MAX_AGREED_PRICE)
            ),
        )
    if rate is not None and rate > MAX_AGREED_RATE:
        raise FieldError(
            "rate",
            _("An agreed rate is at most {limit} net per hour: check the amount.").format(
                limit=format_money(MAX_AGREED_RATE)
            ),
        )


@saves
async def add_job(ctx: Ctx, new: NewJob, *, received_at: datetime | None = None) -> int:
    """The office opens a job for a client (scripts, monitoring alerts, the client screen).

    The job starts *triaged* with the client's address as the site of an on-site
    visit, like a job taken at the intake. ``received_at`` backdates the call
    (an alert raised earlier); default now.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        FieldError: no description (``description``), or bad agreed terms.
        NotFound: no such client.
        DomainError: the client is archived.
    """
    await check(ctx, Action.JOB_CREATE)
    if not new.description.strip():
        raise FieldError("description", _("Describe the request."))
    async with ctx.db.transaction():
        client = await client_store.get_client(ctx.db, new.client_id)
        if client is None:
            raise NotFound(_("No client with id {id}.").format(id=new.client_id))
        site = new.site_address.strip() or client.address
        job_id = await insert_job_in_tx(ctx, replace(new, site_address=site))
        if received_at is not None:
            await store.backdate_job(ctx.db, job_id, received_at)
        return job_id


@dataclass(frozen=True)
class JobListing:
    """One job of the office's job list, with what scripts need to act on it."""

    row: JobRow
    due_at: datetime | None
    """When the response target runs out (open jobs not on hold), else None."""
    technician_login: str | None
    contract_number: str | None
    """The contract set on the job, else the first one its time was charged to."""
    charged_to: tuple[str, ...] = ()
    """Every contract the job's time was charged to (a block that ran out splits it)."""


async def list_jobs(
    ctx: Ctx, *, open_only: bool = False, client_id: int | None = None
) -> list[JobListing]:
    """Jobs, newest first: all, the open ones, or one client's.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        NotFound: no such client.
    """
    await check(ctx, Action.JOB_LIST)
    if client_id is not None and await client_store.get_client(ctx.db, client_id) is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    rows = await store.job_rows_filtered(ctx.db, open_only=open_only, client_id=client_id)
    histories = await dispatch_store.status_histories(
        ctx.db, [r.job.id for r in rows if r.job.status.is_open]
    )
    logins = {p.id: p.login for p in await people_store.all_people(ctx.db, active_only=False)}
    numbers = await contract_store.contract_numbers(
        ctx.db, [r.job.contract_id for r in rows if r.job.contract_id is not None]
    )
    charged = await contract_store.contracts_charged(ctx.db, [r.job.id for r in rows])
    now = ctx.clock.now()
    calendar = calendar_of(ctx.prices)
    found = []
    for r in rows:
        job = r.job
        target = ctx.prices.response_targets.get(job.priority.value)
        due = None
        if job.status.is_open and target is not None:
            due = response_clock(
                job.received_at, now, target, calendar,
                hold_spans(histories.get(job.id, [])),
            ).due_at  # fmt: skip
        landed = charged.get(job.id, [])
        pinned = numbers.get(job.contract_id) if job.contract_id else None
        found.append(
            JobListing(
                row=r,
                due_at=due,
                technician_login=logins.get(job.technician_id) if job.technician_id else None,
                contract_number=pinned or (landed[0] if landed else None),
                charged_to=tuple(landed),
            )
        )
    return found
