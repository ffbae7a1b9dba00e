"""``bbdispatch jobs``: list, add, assign jobs and move them through their lifecycle.

For scripts, a phone system or an RMM/monitoring tool that opens jobs from alerts.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import datetime
from typing import Any

from bbdispatch.clock import format_local, local
from bbdispatch.commands.choice import (
    add_choice,
    category_choice,
    mode_choice,
    priority_choice,
    status_choice,
)
from bbdispatch.commands.common import echo, echo_err, print_json, run
from bbdispatch.commands.office import moment, money, office_ctx, one_line_errors, positive_id
from bbdispatch.commands.table import cell, last
from bbdispatch.domain.audit_text import field_names
from bbdispatch.domain.errors import FieldError
from bbdispatch.domain.ids import parse_id
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority
from bbdispatch.domain.labels import JOB_STATUS_LABEL, PRIORITY_LABEL, width_of
from bbdispatch.domain.lifecycle import missing_note
from bbdispatch.domain.people import Technician
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.money import format_plain
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import (
    Assigned,
    JobEdit,
    assign,
    change_status,
    contract_not_taken,
    edit_job,
)
from bbdispatch.services.intake import get_call
from bbdispatch.services.jobs import JobListing, add_job, get_job, list_jobs
from bbdispatch.services.people import people
from bbdispatch.services.references import Ref
from bbdispatch.services.rights import check


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``jobs`` with ``add``, ``assign``, ``edit`` and ``status``."""
    parser = one_line_errors(sub.add_parser("jobs", help=_("list, add, assign and move jobs")))
    parser.add_argument("--open", action="store_true", help=_("only open jobs"))
    parser.add_argument("--client", type=positive_id, metavar=_("ID"), help=_("only this client's"))
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    parser.set_defaults(handler=handle_list)
    actions = parser.add_subparsers(dest="jobs_command", metavar=_("ACTION"))
    add = one_line_errors(actions.add_parser("add", help=_("open a job for a client")))
    add.add_argument("--client", type=positive_id, metavar=_("ID"), help=_("the client"))
    add.add_argument(
        "--description", required=True, metavar=_("TEXT"), help=_("what the client needs")
    )
    add_choice(
        add,
        "--mode",
        kind=mode_choice(),
        metavar=_("MODE"),
        default=JobMode.REMOTE.value,
    )
    add_choice(
        add,
        "--priority",
        kind=priority_choice(),
        metavar=_("PRIORITY"),
        default=Priority.NORMAL.value,
    )
    add_choice(
        add, "--category", kind=category_choice(), metavar=_("CATEGORY"),
        default=Category.OTHER.value,
    )  # fmt: skip
    source = add.add_mutually_exclusive_group()
    source.add_argument("--received-at", type=moment, metavar=_("ISO"), help=_("default: now"))
    source.add_argument(
        "--call",
        type=positive_id,
        metavar=_("ID"),
        help=_("the waiting call it answers: received when the phone rang, its client by default"),
    )
    terms = add.add_mutually_exclusive_group()
    terms.add_argument("--price", type=money, metavar=_("NET"), help=_("agreed fixed net price"))
    terms.add_argument("--rate", type=money, metavar=_("NET"), help=_("agreed net hourly rate"))
    add.add_argument("--json", action="store_true", help=_("print the new id as JSON"))
    add.set_defaults(handler=handle_add)
    give = one_line_errors(actions.add_parser("assign", help=_("give a job to a technician")))
    give.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the job's id"))
    give.add_argument("--to", required=True, metavar=_("LOGIN"), help=_("the technician's login"))
    give.add_argument(
        "--visit", type=moment, metavar=_("ISO"), help=_("planned visit (on-site jobs)")
    )
    give.add_argument("--json", action="store_true", help=_("print JSON"))
    give.set_defaults(handler=handle_assign, id_refers=Ref.JOB)
    _register_edit(actions)
    move = one_line_errors(actions.add_parser("status", help=_("move a job to another status")))
    move.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the job's id"))
    add_choice(move, "status", kind=status_choice(), metavar=_("STATUS"), help=_("the new status"))
    move.add_argument("--reason", default="", metavar=_("TEXT"), help=_("resolution or reason"))
    move.add_argument("--json", action="store_true", help=_("print JSON"))
    move.set_defaults(handler=handle_status, id_refers=Ref.JOB)


def _register_edit(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``jobs edit``: the job edit form's fields, and the technician (as ``jobs assign``)."""
    edit = one_line_errors(
        actions.add_parser(
            "edit", help=_("correct a job: description, priority, mode, contract, agreed price")
        )
    )
    edit.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the job's id"))
    edit.add_argument("--description", metavar=_("TEXT"), help=_("what the client needs"))
    add_choice(edit, "--mode", kind=mode_choice(), metavar=_("MODE"))
    add_choice(edit, "--priority", kind=priority_choice(), metavar=_("PRIORITY"))
    edit.add_argument(
        "--contract",
        metavar=_("ID|none"),
        help=_("charge the job to this contract of the client; none: by the rules"),
    )
    terms = edit.add_mutually_exclusive_group()
    terms.add_argument("--price", type=money, metavar=_("NET"), help=_("agreed fixed net price"))
    terms.add_argument("--rate", type=money, metavar=_("NET"), help=_("agreed net hourly rate"))
    terms.add_argument(
        "--no-agreed",
        action="store_true",
        help=_("drop the agreed price or rate: bill by the rules"),
    )
    edit.add_argument("--tech", metavar=_("LOGIN"), help=_("give the job to this technician"))
    edit.add_argument(
        "--visit", type=moment, metavar=_("ISO"), help=_("planned visit (on-site jobs)")
    )
    edit.add_argument("--json", action="store_true", help=_("print JSON"))
    edit.set_defaults(handler=handle_edit, id_refers=Ref.JOB)


def _contract_of(text: str | None, current: int | None) -> int | None:
    """The ``--contract`` value: an id, ``none`` (by the rules), or not given (kept).

    Raises:
        FieldError: neither an id nor ``none`` (``contract``).
    """
    if text is None:
        return current
    if text.strip().casefold() in ("none", "-", "brak"):
        return None
    contract_id = parse_id(text)
    if contract_id is not None:
        return contract_id
    raise FieldError("contract", _("Give a contract id or none, not '{v}'.").format(v=text))


def listing_json(item: JobListing) -> dict[str, Any]:
    """One job as scripts see it: ISO 8601 times with offset (Warsaw), amounts as strings."""
    job = item.row.job
    return {
        "id": job.id,
        "client_id": job.client_id,
        "client": item.row.client_name,
        "description": job.description,
        "received_at": local(job.received_at).isoformat(),
        "due_at": local(item.due_at).isoformat() if item.due_at else None,
        "status": job.status.value,
        "priority": job.priority.value,
        "mode": job.mode.value,
        "category": job.category.value,
        "technician": item.technician_login,
        "visit_at": local(job.visit_at).isoformat() if job.visit_at else None,
        "contract": item.contract_number,
        "charged_to": list(item.charged_to),
        "price": None if job.agreed_price is None else format_plain(job.agreed_price),
        "rate": None if job.agreed_rate is None else format_plain(job.agreed_rate),
    }


def handle_list(args: argparse.Namespace) -> int:
    """List jobs (all, open, or a client's)."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            found = await list_jobs(ctx, open_only=args.open, client_id=args.client)
        if args.json:
            print_json([listing_json(i) for i in found])
            return 0
        if not found:
            echo_err(_("No open jobs.") if args.open else _("No jobs."))
            return 0
        status_w, priority_w = width_of(JOB_STATUS_LABEL), width_of(PRIORITY_LABEL)
        for i in found:
            job = i.row.job
            status, priority = JOB_STATUS_LABEL[job.status], PRIORITY_LABEL[job.priority]
            echo(
                f"{job.id:>6} {status:<{status_w}} {priority:<{priority_w}} "
                f"{cell(i.row.client_name, 24)} {last(job.description, 30)}"
            )
        return 0

    return run(body)


def handle_add(args: argparse.Namespace) -> int:
    """Open a job (for a client, or from a waiting call); prints its id."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            received = args.received_at
            if received is not None and received > ctx.clock.now():
                raise FieldError("received_at", _("The call cannot come in the future."))
            if args.client is None and args.call is None:
                raise FieldError("client", _("Give --client, or --call to answer a logged call."))
            new = NewJob(
                client_id=args.client or 0,
                description=args.description,
                mode=JobMode(args.mode),
                priority=Priority(args.priority),
                category=Category(args.category),
                agreed_price=args.price,
                agreed_rate=args.rate,
            )
            if args.call is not None:
                job_id, client_id = await _job_from_call(ctx, args.call, args.client, new)
            else:
                job_id, client_id = await add_job(ctx, new, received_at=received), args.client
        if args.json:
            print_json({"id": job_id})
        else:
            echo(_("job {id} added for client {client}").format(id=job_id, client=client_id))
        return 0

    return run(body)


async def _job_from_call(
    ctx: Ctx, call_id: int, client_id: int | None, new: NewJob
) -> tuple[int, int]:
    """Save a waiting call as a job, as the TUI's intake does for a call from the call log.

    The job was received when the phone rang; its client is ``--client`` or the
    client the call's number matched. Returns the job's id and its client's.

    Raises:
        FieldError: the call matched no client and ``--client`` is missing
            (``client``), or a field the intake refuses.
        DomainError: the call was handled already.
    """
    from bbdispatch.services.intake import IntakeFieldError, IntakeRequest, save_intake

    call = await get_call(ctx, call_id)
    chosen = client_id or call.client_id
    if chosen is None:
        raise FieldError(
            "client", _("Call {id} matched no client: give --client.").format(id=call_id)
        )
    request = IntakeRequest(
        job=replace(new, client_id=chosen), client_id=chosen, e164=call.e164,
        call_id=call_id, received_at=call.received_at,
    )  # fmt: skip
    try:
        result = await save_intake(ctx, request)
    except IntakeFieldError as err:
        raise FieldError(err.field, str(err)) from err
    assert result.job_id is not None
    return result.job_id, chosen


def handle_assign(args: argparse.Namespace) -> int:
    """Assign a job to the technician with the login."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            await check(ctx, Action.JOB_ASSIGN)
            person = next((p for p in await people(ctx) if p.login == args.to), None)
            if person is None:
                raise FieldError("to", _("Login {login} is not a bbdispatch user.").format(
                    login=args.to))  # fmt: skip
            done = await assign(ctx, args.id, person.id, args.visit)
            now = ctx.clock.now()
        clash = done.clash.job_id if done.clash else None
        previous = done.reassigned_from
        if args.json:
            late = done.late_after.isoformat() if done.late_after else None
            print_json(
                {
                    "id": args.id,
                    "technician": args.to,
                    "clash_with_job": clash,
                    "visit_after_response_target": late,
                    "reassigned_from": previous.login if previous else None,
                }
            )
        else:
            # The firm's clock, as typed (``2026-12-02 10:00+01:00``), not the stored UTC.
            visit = local(args.visit).isoformat(sep=" ", timespec="minutes") if args.visit else ""
            at = " " + _("visit {at}").format(at=visit) if visit else ""
            echo(assigned_line(args.id, args.to, done) + at)
        if clash and not args.json:
            # On stderr: a script reading what was done is not told a warning is a result.
            echo_err(_("warning: the visit overlaps job {id}").format(id=clash))
        if not args.json:
            warn_late(done, now)
        return 0

    return run(body)


def assigned_line(job_id: int, login: str, done: Assigned) -> str:
    """``job 25 assigned to kasia``, naming whom it was taken from when it had someone.

    Two dispatchers assigning the same job at once both succeed, one after the
    other: the second hears that it reassigned the job from the first.
    """
    previous = done.reassigned_from
    if previous is None:
        return _("job {id} assigned to {login}").format(id=job_id, login=login)
    return _("job {id} reassigned to {login} from {previous} ({name})").format(
        id=job_id, login=login, previous=previous.login, name=previous.name
    )


def warn_late(done: Assigned, now: datetime) -> None:
    """One line on stderr when the planned visit misses the job's response target."""
    if done.late_after is None:
        return
    due = format_local(done.late_after)
    if done.late_after <= now:
        echo_err(_("warning: the response target passed at {due}: the job is late").format(due=due))
    else:
        echo_err(
            _("warning: the visit is after the response target ({due}): the job will be late")
            .format(due=due)
        )  # fmt: skip


def handle_edit(args: argparse.Namespace) -> int:
    """Change the fields given; the others stay. ``--tech``/``--visit`` assign (``jobs assign``)."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            job = await get_job(ctx, args.id)
            price, rate = job.agreed_price, job.agreed_rate
            if args.no_agreed or args.price is not None or args.rate is not None:
                price, rate = args.price, args.rate
            edit = JobEdit(
                description=job.description if args.description is None else args.description,
                priority=Priority(args.priority) if args.priority else job.priority,
                mode=JobMode(args.mode) if args.mode else job.mode,
                contract_id=_contract_of(args.contract, job.contract_id),
                agreed_price=price,
                agreed_rate=rate,
            )
            if args.visit is not None and args.tech is None and job.technician_id is None:
                raise FieldError("visit", _("The job has no technician: give --tech with --visit."))
            changed = await edit_job(ctx, args.id, edit)
            not_taken = await contract_not_taken(ctx, args.id) if "contract_id" in changed else None
            technician = None
            late: Assigned | None = None
            done: Assigned | None = None
            if args.tech is not None or args.visit is not None:
                person = await _person(ctx, args.tech, job.technician_id)
                done = await assign(ctx, args.id, person.id, args.visit or job.visit_at)
                technician = person.login
                late = done if args.visit is not None else None
                now = ctx.clock.now()
                changed.append("technician")
        if args.json:
            print_json({"id": args.id, "changed": changed})
        else:
            what = field_names(changed) or _("nothing changed")
            echo(_("job {id} edited: {what}").format(id=args.id, what=what))
            if technician and done is not None:
                echo(assigned_line(args.id, technician, done))
            if late is not None:
                warn_late(late, now)
        if not_taken:  # the edit's "contract" is not where the time went: said, as it is
            echo_err(_("warning: {note}").format(note=not_taken))
        return 0

    return run(body)


async def _person(ctx: Ctx, login: str | None, current: int | None) -> Technician:
    """The technician named by ``--tech`` (or the job's own, for a new ``--visit``).

    Raises:
        FieldError: no such person (``tech``).
    """
    for p in await people(ctx):
        if (login is not None and p.login == login) or (login is None and p.id == current):
            return p
    raise FieldError("tech", _("Login {login} is not a bbdispatch user.").format(login=login))


def handle_status(args: argparse.Namespace) -> int:
    """Move a job to another status (done needs a resolution, cancel a reason)."""

    async def body() -> int:
        target = JobStatus(args.status)
        async with office_ctx(args) as ctx:
            missing = missing_note(target, args.reason)
            if missing is not None:
                raise FieldError("reason", missing)
            await change_status(ctx, args.id, target, args.reason)
        if args.json:
            print_json({"id": args.id, "status": args.status})
        else:
            status = JOB_STATUS_LABEL[JobStatus(args.status)]
            echo(_("job {id} is now {status}").format(id=args.id, status=status))
        return 0

    return run(body)
