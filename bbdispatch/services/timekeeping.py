"""Recording technicians' time: nothing may be lost, nothing may overlap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bbdispatch.clock import format_local, local
from bbdispatch.domain.errors import DomainError, FieldError, NotAllowed, NotFound
from bbdispatch.domain.jobs import Job, JobMode, JobStatus
from bbdispatch.domain.lifecycle import STATUS_LABEL as JOB_STATUS_LABEL
from bbdispatch.domain.people import Technician
from bbdispatch.domain.rights import Action
from bbdispatch.domain.timers import (
    LONG_LIMIT,
    MIN_ENTRY,
    over_limit,
    timer_forgotten,
)
from bbdispatch.domain.work import WorkEntry
from bbdispatch.formats import format_date, format_duration
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check, check_job
from bbdispatch.services.saving import saves
from bbdispatch.services.workspace import move_own_job_in_tx, own_job
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import work as store


class TooLong(DomainError):
    """An entry longer than the price list's ``timer_limit_hours``, not confirmed as real.

    A timer started on Friday and stopped on Monday would bill the weekend; the
    technician gives the real end, or confirms the length (``--long`` on the
    command line, the "really this long" box in the TUI).
    """


class TooShort(DomainError):
    """An entry under a minute: a timer started by mistake, never work to bill."""


def check_entry_times(
    ctx: Ctx, started_at: datetime, ended_at: datetime, *, long: bool = False
) -> None:
    """The rules every finished entry's times obey, however it was made.

    Every length is real (UTC) time: the night the clocks go back has a 25-hour
    day, and 00:00–09:30 that night is 10:30 of work, billed and limited as such.

    Raises:
        FieldError: the end is not after the start, or in the future (``to``).
        DomainError: the entry is longer than
            :data:`~bbdispatch.domain.timers.LONG_LIMIT` even confirmed.
        TooShort: under a minute (discard the timer instead).
        TooLong: longer than ``timer_limit_hours`` and ``long`` not given.
    """
    # In UTC: two Warsaw times subtract and compare by their wall clocks, and
    # 03:30 is after 02:30 on the wall while both are 01:30 UTC on the night
    # clocks go forward.
    start = started_at.astimezone(UTC)
    end = ended_at.astimezone(UTC)
    if end <= start:
        raise FieldError("to", _("The end must be after the start."))
    if end > ctx.clock.now():
        raise FieldError("to", _("The end is in the future."))
    length = end - start
    if length < MIN_ENTRY:
        raise TooShort(
            _(
                "Under a minute ({seconds} s) is not work to bill: discard the timer or"
                " enter the real times."
            ).format(seconds=int(length.total_seconds()))
        )
    if length > LONG_LIMIT:
        raise DomainError(
            _(
                "{length} is more than {hours} h, longer than any one entry: record each"
                " day's work as its own entry."
            ).format(length=format_duration(length), hours=int(LONG_LIMIT.total_seconds()) // 3600)
        )
    limit = ctx.prices.billing.timer_limit_hours
    if not long and over_limit(length, limit):
        raise TooLong(
            _(
                "{length} is longer than {limit} h: enter the real end, or confirm that it"
                " really took this long."
            ).format(length=format_duration(length), limit=limit)
        )


def check_after_received(job: Job, started_at: datetime) -> None:
    """Refuse work that starts before its job was received (for a job from a call: the ring).

    Time before the job existed would bill the client for work nobody asked for
    yet. The job's moment is taken to the minute (a job received at 09:07:20
    takes work from 09:07, as times are typed). Work done before the job was
    written down belongs on a job whose received moment says so
    (``jobs add --received-at``).

    Raises:
        FieldError: naming when the job was received (``from``).
    """
    if started_at < job.received_at.replace(second=0, microsecond=0):
        raise FieldError(
            "from",
            _("Job {job} was received on {received}: work from {start} cannot be on it.").format(
                job=job.id,
                received=format_local(job.received_at),
                start=format_local(started_at),
            ),
        )


def check_while_open(job: Job, started_at: datetime, ended_at: datetime) -> None:
    """Refuse work outside the job's life: before it was received, or after it was closed.

    Every way of recording or correcting unbilled work calls this (the office's
    and the technician's time, in the TUI and on the command line), so both
    give one answer. A closed job (done or cancelled) still takes work written
    down afterwards that was done while it was open: the entry must end by the
    moment it was closed. Work after that is new work and goes on a new job
    (``jobs add``, the intake): a closed job stays closed. Only an admin's
    correction of work on an issued statement (``time add --late``, ``time edit
    --reason``, the statement screen) is not held to it: it is an audited
    decision with its reason, shown on the next statement.

    Raises:
        FieldError: a start before the job was received (``from``), an end after
            it was closed (``to``), naming when.
    """
    check_after_received(job, started_at)
    if job.status.is_open or job.closed_at is None:
        return
    closed = job.closed_at.replace(second=0, microsecond=0)
    if closed < job.closed_at:
        closed += timedelta(minutes=1)  # to the minute, as times are typed: 10:07:20 takes 10:08
    if ended_at > closed:
        raise FieldError(
            "to",
            _(
                "Job {job} was closed ({status}) on {closed}: work on it ends by then;"
                " later work goes on a new job."
            ).format(
                job=job.id, status=JOB_STATUS_LABEL[job.status], closed=format_local(job.closed_at)
            ),
        )


async def check_on_the_job_in_tx(ctx: Ctx, job: Job, technician_id: int) -> None:
    """Refuse time booked for a technician who is not on the job.

    On the job: the job's technician, or someone who already has time on it (a
    job handed over keeps its first technician's work and corrections). A job
    nobody was given yet takes anyone's time (work written down afterwards).

    Raises:
        FieldError: the job is another technician's (``tech``).
    """
    if job.technician_id is None or job.technician_id == technician_id:
        return
    if any(e.technician_id == technician_id for e in await store.entries_of_job(ctx.db, job.id)):
        return
    raise FieldError(
        "tech",
        _("This technician is not on job {job}: assign the job to them first.").format(job=job.id),
    )


def check_finished_entry(
    ctx: Ctx, started_at: datetime, ended_at: datetime, description: str, *, long: bool = False
) -> None:
    """Check a finished entry's text and times before any query, for adding and editing alike.

    Raises:
        FieldError: no description (``text``).
        DomainError: the times break :func:`check_entry_times`.
    """
    if not description.strip():
        raise FieldError("text", _("Describe the work for the client's statement."))
    check_entry_times(ctx, started_at, ended_at, long=long)


class PeriodIssued(NotAllowed):
    """Time refused because its day is on an issued statement (an admin adds it late)."""


async def check_period_open_in_tx(ctx: Ctx, job_id: int, started_at: datetime) -> None:
    """Refuse time whose local start day the job's client has already been billed for.

    An issued statement is final: time added behind it would never be billed (the
    next statement starts after it) and the issued one would re-render with a
    different total. Later changes to billed work go through the office's
    correction, which shows up on the next statement.

    Raises:
        PeriodIssued: the day is inside the period of an issued statement.
    """
    from bbdispatch.storage import statements as statement_store  # on a write only

    day = local(started_at).date()
    issued = await statement_store.statement_covering_job_day(ctx.db, job_id, day)
    if issued is not None:
        until = format_date(issued.period_to)
        raise PeriodIssued(
            _("The period up to {day} is already on an issued statement; ask the office.").format(
                day=until
            )
        )


@saves
async def add_entry(
    ctx: Ctx,
    *,
    job_id: int,
    technician_id: int,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    mode: JobMode,
    billable: bool = True,
    long: bool = False,
) -> int:
    """Record finished work (done offline, or entered afterwards) and charge it.

    ``long`` confirms an entry longer than the price list's ``timer_limit_hours``.

    Raises:
        NotFound: no such job.
        NotAllowed: the start falls in a period already on an issued statement.
        FieldError: a start before the job was received (``from``), an end
            after a closed job was closed (``to``), a technician not on the job
            (``tech``).
        DomainError: no description, end not after start, end in the future, or
            an overlap with another entry of the same technician (named).
    """
    from bbdispatch.services.billing import (
        charge_entry_in_tx,  # on a write: a read path skips billing
    )

    await check_job(ctx, Action.JOB_WORK, job_id)
    await check(ctx, Action.TIME_EDIT, owner_id=technician_id)
    check_finished_entry(ctx, started_at, ended_at, description, long=long)
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        if job is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        await check_period_open_in_tx(ctx, job_id, started_at)
        check_while_open(job, started_at, ended_at)
        await check_on_the_job_in_tx(ctx, job, technician_id)
        clash = await store.overlapping_entry(ctx.db, technician_id, started_at, ended_at)
        if clash is not None:
            raise DomainError(overlap_message(clash.job_id, clash.started_at, clash.ended_at))
        entry_id = await store.insert_entry(
            ctx.db,
            job_id=job_id,
            technician_id=technician_id,
            started_at=started_at,
            ended_at=ended_at,
            description=description.strip(),
            mode=mode,
            billable=billable,
            now=ctx.clock.now(),
        )
        entry = await store.get_entry(ctx.db, entry_id)
        assert entry is not None
        await charge_entry_in_tx(ctx, entry)
        await audit.record(
            ctx, "work_entry", entry_id, "created", job_id=job_id, start=started_at, end=ended_at
        )
    return entry_id


def overlap_message(job_id: int, started_at: datetime, ended_at: datetime | None) -> str:
    """Name the entry a new one would overlap, so the technician can find it."""
    end = _("running")
    if ended_at is not None:
        end = format_local(ended_at, with_date=local(ended_at).date() != local(started_at).date())
    return _("Overlaps your entry on job {job} ({start}–{end}).").format(
        job=job_id, start=format_local(started_at), end=end
    )


class TimerRunning(DomainError):
    """A timer is already running; the message says where, ``entry`` carries it."""

    def __init__(self, entry: WorkEntry) -> None:
        super().__init__(
            _("Your timer is running on job {job} since {start}. Stop it first.").format(
                job=entry.job_id, start=format_local(entry.started_at)
            )
        )
        self.entry = entry


async def running_timer(ctx: Ctx, tech: Technician) -> WorkEntry | None:
    """The technician's running timer, if any (it survives any crash: it is a row)."""
    await check(ctx, Action.TIME_VIEW, owner_id=tech.id)
    return await store.running_entry_of(ctx.db, tech.id)


def timer_is_forgotten(ctx: Ctx, entry: WorkEntry) -> bool:
    """Whether a running timer looks forgotten (too long, or across midnight)."""
    return entry.running and timer_forgotten(
        entry.started_at, ctx.clock.now(), ctx.prices.billing.timer_limit_hours
    )


@saves
async def start_timer(ctx: Ctx, tech: Technician, job_id: int) -> int:
    """Start the technician's timer on one of their jobs, now; returns the entry id.

    The timer is committed at once, so closing the terminal loses nothing. An
    assigned or on-hold job moves to in progress: working on it is progress.

    Raises:
        TimerRunning: another timer of this technician is running.
        NotAllowed: not the technician's job.
        DomainError: the job is closed, or the start overlaps another entry.
    """
    await check_job(ctx, Action.JOB_WORK, job_id)
    await check(ctx, Action.TIME_EDIT, owner_id=tech.id)
    async with ctx.db.transaction():
        job = await own_job(ctx, tech, job_id)
        if not job.status.is_open:
            raise DomainError(_("Job {id} is already closed.").format(id=job_id))
        running = await store.running_entry_of(ctx.db, tech.id)
        if running is not None:
            raise TimerRunning(running)
        now = ctx.clock.now()
        clash = await store.overlapping_entry(ctx.db, tech.id, now, None)
        if clash is not None:
            raise DomainError(overlap_message(clash.job_id, clash.started_at, clash.ended_at))
        entry_id = await store.insert_entry(
            ctx.db, job_id=job.id, technician_id=tech.id, started_at=now, ended_at=None,
            description="", mode=job.mode, billable=True, now=now,
        )  # fmt: skip
        if job.status in (JobStatus.TRIAGED, JobStatus.ASSIGNED, JobStatus.ON_HOLD):
            await move_own_job_in_tx(ctx, job, JobStatus.IN_PROGRESS)
        await audit.record(ctx, "work_entry", entry_id, "timer_started", job_id=job.id, start=now)
    return entry_id


@saves
async def stop_timer(
    ctx: Ctx,
    tech: Technician,
    *,
    description: str,
    mode: JobMode,
    billable: bool = True,
    ended_at: datetime | None = None,
    long: bool = False,
) -> int:
    """Stop the technician's running timer and charge the time; returns the entry id.

    Args:
        ctx: the service environment.
        tech: whose timer.
        description: what was done, for the client's statement (required).
        mode: on-site or remote.
        billable: whether the client pays for this time.
        ended_at: when the work ended (now if None; earlier for a forgotten timer).
        long: confirms a timer longer than the price list's ``timer_limit_hours``.

    Raises:
        NotAllowed: the timer started in a period already on an issued statement
            (discard it and ask the office).
        TooLong: longer than ``timer_limit_hours`` and not confirmed: ask for the real end.
        TooShort: under a minute: discard the timer.
        DomainError: no timer running, no description, a bad end, or an overlap.
    """
    from bbdispatch.services.billing import (
        charge_entry_in_tx,  # on a write: a read path skips billing
    )

    await check(ctx, Action.TIME_EDIT, owner_id=tech.id)
    if not description.strip():
        raise FieldError("text", _("Describe the work for the client's statement."))
    end = ended_at or ctx.clock.now()
    async with ctx.db.transaction():
        entry = await store.running_entry_of(ctx.db, tech.id)
        if entry is None:
            raise DomainError(_("No timer is running."))
        check_entry_times(ctx, entry.started_at, end, long=long)
        await check_period_open_in_tx(ctx, entry.job_id, entry.started_at)
        clash = await store.overlapping_entry(ctx.db, tech.id, entry.started_at, end, entry.id)
        if clash is not None:
            raise DomainError(overlap_message(clash.job_id, clash.started_at, clash.ended_at))
        await store.update_entry(
            ctx.db, entry.id, started_at=entry.started_at, ended_at=end,
            description=description.strip(), mode=mode, billable=billable, now=ctx.clock.now(),
        )  # fmt: skip
        stopped = await store.get_entry(ctx.db, entry.id)
        assert stopped is not None
        await charge_entry_in_tx(ctx, stopped)
        await audit.record(
            ctx, "work_entry", entry.id, "timer_stopped", job_id=entry.job_id, end=end,
            mode=mode, billable=billable,
        )  # fmt: skip
    return entry.id
