"""Reading for the dispatch board, the job detail and the assignment picker."""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from datetime import datetime

from bbdispatch.clock import local_midnight_utc, local_today
from bbdispatch.domain.assignment import Candidate, rank_candidates
from bbdispatch.domain.audit import AuditEntry
from bbdispatch.domain.audit_text import people_in_trail
from bbdispatch.domain.board import BoardLine, build_line, build_lines, line_order, sort_lines
from bbdispatch.domain.clients import Client, search_as_typed_number
from bbdispatch.domain.contracts import Balance
from bbdispatch.domain.errors import NotFound
from bbdispatch.domain.job_edits import StatusChange
from bbdispatch.domain.jobs import JobRow
from bbdispatch.domain.people import Role, Technician
from bbdispatch.domain.rights import Action, Scope
from bbdispatch.domain.work import WorkEntry
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check, check_job, scope_of
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import dispatch as store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import people as people_store


async def board_lines(ctx: Ctx) -> list[BoardLine]:
    """Every open job as a board line, emergencies first, then the longest waiting.

    Two queries whatever the number of jobs, so reloading on every commit is cheap.
    A line needs a job's status history only for its on-hold stretches, so only
    the histories of jobs ever put on hold are read.
    """
    await check(ctx, Action.JOB_LIST)
    rows = await job_store.open_job_rows(ctx.db)
    histories = await store.hold_histories(ctx.db)
    now = ctx.clock.now()
    return sort_lines(build_lines(rows, histories, now, ctx.prices))


@dataclass(frozen=True)
class BoardState:
    """The board's lines and what they were built from: the start of the next load.

    Kept by the screen between loads; :func:`board_update` decodes and rebuilds
    only what changed since, and gives the same lines as :func:`board_lines`.
    """

    lines: list[BoardLine]
    """Every open job's line, in board order (emergencies first, longest waiting)."""
    now: datetime
    """The moment the lines were computed for (waiting times, response clocks)."""
    read: job_store.OpenJobs
    """What storage read, to find the next changes."""
    rows: dict[int, JobRow] = field(default_factory=dict)
    histories: dict[int, list[StatusChange]] = field(default_factory=dict)
    """The status histories of the jobs ever on hold (all a line needs of them)."""
    changed: frozenset[int] = frozenset()
    """Jobs whose line this load built (all of them on a first load or a new moment)."""


async def board_update(ctx: Ctx, previous: BoardState | None = None) -> BoardState:
    """The board's lines, decoding and rebuilding only the jobs changed since ``previous``.

    Storage tells which open jobs changed (:func:`storage.jobs.open_job_changes`);
    only their histories are read and only their rows decoded. Lines depend on
    the moment too (waiting, response clocks): when the clock moved since
    ``previous``, every line is rebuilt from the kept rows, without reading them
    again. The result is always what :func:`board_lines` gives for the same
    database and moment (checked by a test).
    """
    await check(ctx, Action.JOB_LIST)
    read = await job_store.open_job_changes(ctx.db, previous.read if previous else None)
    fresh_ids = [r.job.id for r in read.changed]
    fresh_histories = await store.hold_histories(ctx.db, fresh_ids)
    rows: dict[int, JobRow] = {}
    histories: dict[int, list[StatusChange]] = {}
    for r in read.changed:
        rows[r.job.id] = r
        histories[r.job.id] = fresh_histories.get(r.job.id, [])
    if previous is not None:
        for job_id in read.marks.keys() - rows.keys():
            rows[job_id] = previous.rows[job_id]
            histories[job_id] = previous.histories[job_id]
    now = ctx.clock.now()
    if previous is not None and now == previous.now:
        # Same moment: unchanged lines stay as they are, in their order; the
        # changed ones are built and put in their places.
        todo = fresh_ids
        if not todo and len(read.marks) == len(previous.read.marks):
            lines = previous.lines
        else:
            dropped = set(previous.read.marks) - (read.marks.keys() - set(todo))
            lines = [ln for ln in previous.lines if ln.row.job.id not in dropped]
            for line in build_lines([rows[i] for i in todo], histories, now, ctx.prices):
                insort(lines, line, key=line_order)
    else:
        todo = list(rows)
        lines = sort_lines(build_lines([rows[i] for i in todo], histories, now, ctx.prices))
    return BoardState(
        lines=lines,
        now=now,
        read=read,
        rows=rows,
        histories=histories,
        changed=frozenset(todo),
    )


@dataclass(frozen=True)
class JobDetail:
    """Everything about one job, for the detail screen."""

    line: BoardLine
    client: Client
    balances: list[Balance]
    history: list[StatusChange]
    entries: list[WorkEntry]
    people: dict[int, Technician]
    trail: list[AuditEntry]
    billed_minutes: int
    """Minutes charged after rounding (sum of the entries' charges)."""

    @property
    def worked_minutes(self) -> int:
        """Actual minutes of finished entries (running timers excluded)."""
        return sum(e.minutes() for e in self.entries if not e.running)

    def person_name(self, person_id: int | None) -> str:
        """A person's name, or a dash."""
        if person_id is None or person_id not in self.people:
            return "—"
        return self.people[person_id].name


async def job_detail(ctx: Ctx, job_id: int) -> JobDetail:
    """Gather the detail of a job (open or closed).

    Raises:
        NotFound: no such job.
    """
    who = await check(ctx, Action.JOB_DETAIL, entity="job", entity_id=job_id)
    # The detail shows the audit trail and the contracts too: the same person's
    # rights, asked of the table without looking the person up again.
    for shown in (Action.AUDIT_VIEW, Action.CONTRACT_VIEW):
        if not who.may(shown):
            await check(ctx, shown, entity="job", entity_id=job_id)
    # One storage call, one hand-off to the database (eleven queries).
    found = await store.job_detail_rows(ctx.db, job_id)
    if found is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    if found.client is None:
        raise NotFound(_("No client with id {id}.").format(id=found.row.job.client_id))
    people = {p.id: p for p in found.people}
    # Someone only the trail names (rare: a hand-over since undone) costs one more read.
    missing = sorted(people_in_trail(found.trail) - set(people))
    if missing:
        people |= {p.id: p for p in await people_store.people_with_ids(ctx.db, missing)}
    return JobDetail(
        line=build_line(found.row, found.history, ctx.clock.now(), ctx.prices),
        client=found.client,
        balances=[Balance(c, found.used.get(c.id, 0)) for c in found.contracts],
        history=found.history,
        entries=found.entries,
        people=people,
        trail=found.trail,
        billed_minutes=sum(c.minutes for c in found.charges),
    )


async def response_due(ctx: Ctx, job_id: int) -> datetime | None:
    """When an open job's response target runs out (None: no target, closed, or on hold).

    Raises:
        NotFound: no such job.
    """
    await check_job(ctx, Action.JOB_VIEW, job_id)
    row = await store.job_row(ctx.db, job_id)
    if row is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    history = await job_store.status_history(ctx.db, job_id)
    line = build_line(row, history, ctx.clock.now(), ctx.prices)
    return line.response.due_at if line.response is not None else None


async def candidates(ctx: Ctx, job_id: int) -> list[Candidate]:
    """People who can take a job, best match first, with their load today."""
    await check(ctx, Action.JOB_ASSIGN, entity="job", entity_id=job_id)
    row = await store.job_row(ctx.db, job_id)
    if row is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    people = [
        p for p in await people_store.all_people(ctx.db) if p.role in (Role.TECHNICIAN, Role.ADMIN)
    ]
    day = local_midnight_utc(local_today(ctx.clock))
    loads = await store.technician_loads(ctx.db, day, ctx.clock.now())
    return rank_candidates(people, loads, row.job.category, row.job.mode)


@dataclass(frozen=True)
class Found:
    """Palette hits: clients and jobs matching what was typed."""

    clients: list[Client]
    jobs: list[JobRow]


async def find(ctx: Ctx, text: str, limit: int = 8) -> Found:
    """Clients by name, NIP or phone and jobs by number, text or caller's phone.

    Clients are found as everywhere (the intake's search, ``clients --search``):
    every word, in any order, folded; a NIP as ``PL…`` and a phone as ``00…`` too.

    Only what the acting person may see: a technician finds their own jobs and
    no clients (``docs/rights.md``).

    Raises:
        NotAllowed: the acting login may not search at all (the phone system).
    """
    who, reach = await scope_of(ctx, Action.SEARCH)
    if not text.strip():
        return Found([], [])
    clients = (
        await client_store.search_clients_by_words(ctx.db, search_as_typed_number(text), limit)
        if who.may(Action.CLIENT_VIEW)
        else []
    )
    # A technician's search reaches only their own jobs (``Scope.OWN``).
    only = who.person.id if reach is Scope.OWN and who.person is not None else None
    if reach is Scope.OWN and only is None:
        return Found(clients, [])
    jobs = await store.find_job_rows(ctx.db, text, limit, technician_id=only)
    return Found(clients, jobs)
