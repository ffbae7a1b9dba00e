"""Time recorded or corrected from the command line, by technicians and the office.

A technician records and corrects only their own time within the edit window
(:mod:`bbdispatch.services.my_entries`); a dispatcher or admin may record time
for any technician and correct any unbilled entry. Both go through the same
checks as the TUI: locked periods, overlaps, and the ledger's re-charge.
"""

from __future__ import annotations

from datetime import datetime

from bbdispatch.domain.errors import FieldError, NotAllowed, NotFound
from bbdispatch.domain.people import Role, Technician
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.services.corrections import add_late_entry, correct_locked_entry
from bbdispatch.services.my_entries import add_my_entry, change_entry_in_tx, edit_my_entry
from bbdispatch.services.office import OFFICE_ROLES, acting_person
from bbdispatch.services.rights import check_entry, check_job, refuse
from bbdispatch.services.saving import saves
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage import people as people_store
from bbdispatch.storage import work as work_store


@saves
async def record_time(
    ctx: Ctx,
    job_id: int,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    tech_login: str | None = None,
    *,
    long: bool = False,
    late: str | None = None,
) -> int:
    """Record finished work on a job, by the acting person or (office) for ``tech_login``.

    The entry takes the job's mode (on site or remote). Returns the entry id.
    ``long`` confirms an entry longer than the price list's ``timer_limit_hours``.
    ``late`` (an admin's reason) adds work forgotten in an issued period
    (:func:`bbdispatch.services.corrections.add_late_entry`).

    Raises:
        NotAllowed: a technician recording for someone else or on another's job.
        NotFound: no such job or technician.
        DomainError: the rules of :func:`bbdispatch.services.timekeeping.add_entry`.
    """
    me = await acting_person(ctx, Action.TIME_EDIT)
    tech = await _technician(ctx, me, tech_login)
    job = await check_job(ctx, Action.JOB_WORK, job_id)  # a technician: theirs, or no answer
    if late is not None:
        return await add_late_entry(
            ctx, job_id=job_id, technician_id=tech.id, started_at=started_at,
            ended_at=ended_at, description=description, reason=late, long=long,
        )  # fmt: skip
    if me.role is Role.TECHNICIAN:
        return await add_my_entry(
            ctx, me, job_id, started_at=started_at, ended_at=ended_at,
            description=description, mode=job.mode, long=long,
        )  # fmt: skip
    try:
        return await add_entry(
            ctx, job_id=job_id, technician_id=tech.id, started_at=started_at,
            ended_at=ended_at, description=description, mode=job.mode, long=long,
        )  # fmt: skip
    except FieldError as err:
        if err.field != "tech" or tech_login is not None or job.technician_id is None:
            raise
        raise await _not_you(ctx, me, job_id, job.technician_id) from err


async def _not_you(ctx: Ctx, me: Technician, job_id: int, technician_id: int) -> FieldError:
    """The refusal of the office's own time on a job that is a technician's (no one named).

    The office records a technician's work by naming them; without a name the
    time would be the office person's own, and they are not on the job. The
    message says so and names the job's technician by login, what to pass.
    """
    tech = await people_store.person_by_id(ctx.db, technician_id)
    return FieldError(
        "tech",
        _(
            "not given, so the time would be yours ({me}), and job {job} is assigned to"
            " {name} (login {login}). Give the login of who did the work, or assign the"
            " job to yourself first."
        ).format(
            me=me.login,
            job=job_id,
            name=tech.name if tech is not None else "?",
            login=tech.login if tech is not None else "?",
        ),
    )


@saves
async def change_time(
    ctx: Ctx,
    entry_id: int,
    *,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    description: str | None = None,
    long: bool = False,
    reason: str | None = None,
) -> int | None:
    """Correct an entry's times or text; what is not given stays.

    ``long`` confirms an entry longer than the price list's ``timer_limit_hours``.
    ``reason`` (admins) corrects an entry on an issued statement the way the
    statement screen's F7 does (:func:`correct_locked_entry`): the issued
    document stays as it is and the difference is a correction line, with the
    reason, in the client's next statement.

    Returns:
        The correction's id when ``reason`` corrected an issued entry, else None.

    Raises:
        NotAllowed: a technician changing another's entry or one past the edit
            window; an entry on an issued statement without ``reason``, or with
            it by anyone but an admin.
        NotFound: no such entry.
        FieldError: the end not after the start (``from`` when only the start
            was given, else ``to``).
        DomainError: the rules of a finished entry (times, text, overlap); a
            ``reason`` for an entry that is not on an issued statement.
    """
    me = await acting_person(ctx, Action.TIME_EDIT)
    entry = await check_entry(ctx, Action.TIME_EDIT, entry_id)  # whose, before its state
    if entry.ended_at is None:
        raise NotAllowed(_("Entry {id} is a running timer; stop it first.").format(id=entry_id))
    start = started_at or entry.started_at
    end = ended_at or entry.ended_at
    if end <= start:
        # Name what was changed: a new start after the old end is the start's fault.
        field = "from" if ended_at is None else "to"
        raise FieldError(field, _("The end must be after the start."))
    text = entry.description if description is None else description
    if reason is not None:
        return await correct_locked_entry(
            ctx, entry_id, started_at=start, ended_at=end, description=text, reason=reason,
            long=long,
        )  # fmt: skip
    if entry.statement_id is not None and me.role is not Role.TECHNICIAN:
        raise NotAllowed(
            _(
                "Entry {id} is on an issued statement: an admin corrects it with a reason"
                " (--reason TEXT), billed as a correction in the next statement."
            ).format(id=entry_id)
        )
    if me.role is Role.TECHNICIAN:
        await edit_my_entry(
            ctx, me, entry_id, started_at=start, ended_at=end, description=text,
            mode=entry.mode, billable=entry.billable, long=long,
        )  # fmt: skip
        return None
    async with ctx.db.transaction():
        fresh = await work_store.get_entry(ctx.db, entry_id)
        if fresh is None:
            raise NotFound(_("No work entry {id}.").format(id=entry_id))
        await change_entry_in_tx(
            ctx, fresh, started_at=start, ended_at=end, description=text, mode=fresh.mode,
            billable=fresh.billable, long=long,
        )  # fmt: skip
    return None


async def _technician(ctx: Ctx, me: Technician, login: str | None) -> Technician:
    if login is None or login == me.login:
        return me
    if me.role not in OFFICE_ROLES:
        await refuse(
            ctx, Action.TIME_EDIT, "not own", _("A technician records only their own time.")
        )
    tech = await people_store.person_by_login(ctx.db, login)
    if tech is None or not tech.active:
        raise NotFound(_("Login {login} is not a bbdispatch user.").format(login=login))
    return tech
