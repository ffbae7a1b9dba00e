"""Loading a firm's existing client list from a spreadsheet export (CSV).

All or nothing: every row is checked first, a bad row is reported with its
line number, and the whole file becomes visible in one transaction (staged
in short ones before, so other writers get in meanwhile). A re-import skips
clients that are already there (same NIP, else the same name, case, accents
and spacing ignored), so
running it twice is harmless.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bbdispatch.clock import local
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind, ClientStatus, search_key
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_datetime
from bbdispatch.i18n import _, ngettext
from bbdispatch.phones import InvalidPhoneNumber, parse_phone
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import new_prospect_problems, prospect_as_stored
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.services.spreadsheet import (
    Checked,
    ImportFileError,
    RowProblem,
    Sheet,
    SheetRow,
    alias_map,
    as_written,
    fold,
    foreign_digit_problem,
    headers_of,
    stream_sheet,
)
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import imports as import_store
from bbdispatch.storage.database import Database
from bbdispatch.storage.imports import BatchState, StagedClient

COLUMNS = (
    "name", "kind", "nip", "phone", "email", "street", "city", "postal_code", "contact_person",
)  # fmt: skip
"""The columns a client file has, in any order; only ``name`` is required."""

ALIASES = alias_map(
    {
        "name": ("nazwa", "nazwa klienta", "klient", "imie i nazwisko", "nazwa firmy"),
        "kind": ("rodzaj", "typ", "rodzaj klienta"),
        "nip": ("nip klienta",),
        "phone": ("telefon", "tel", "tel.", "numer telefonu", "komorka"),
        "email": ("e-mail", "mail", "adres e-mail"),
        "street": ("ulica", "adres", "ulica i numer"),
        "city": ("miasto", "miejscowosc"),
        "postal_code": ("kod pocztowy", "kod", "postal code"),
        "contact_person": ("osoba kontaktowa", "kontakt", "contact"),
    }
)
"""English and Polish headers a client file may use."""

POLISH_NAMES = {
    "name": "Nazwa", "kind": "Rodzaj", "nip": "NIP", "phone": "Telefon", "email": "E-mail",
    "street": "Ulica", "city": "Miejscowość", "postal_code": "Kod pocztowy",
    "contact_person": "Osoba kontaktowa",
}  # fmt: skip
"""Each column's Polish header, for problems of a file with Polish headers."""

_KINDS = {
    "company": ClientKind.COMPANY, "firma": ClientKind.COMPANY, "": ClientKind.COMPANY,
    "private": ClientKind.PRIVATE, "prywatna": ClientKind.PRIVATE, "osoba": ClientKind.PRIVATE,
    "osoba prywatna": ClientKind.PRIVATE, "osoba fizyczna": ClientKind.PRIVATE,
    "prywatny": ClientKind.PRIVATE, "private person": ClientKind.PRIVATE,
}  # fmt: skip


@dataclass(frozen=True)
class ImportedRow:
    """One checked row of the file."""

    line: int
    client: NewClient


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    added: int
    skipped: int
    """Rows whose client was already in the database."""


@dataclass
class ClientsFile:
    """A client file read in one pass: its good rows and every problem of its own.

    :func:`read_clients` holds every good row in ``rows``; :func:`stream_clients`
    holds none and hands them out one at a time (:meth:`each_row`), so a file
    of any size takes the same memory. Either way the file's own problems are
    in ``problems`` once every row is read. The database part
    (:func:`database_conflicts`) is checked for the good rows, so one
    ``--check`` lists both kinds of problem.
    """

    rows: Checked[ImportedRow]
    """The rows with no problem of their own, remembering the file's headers."""
    problems: list[RowProblem]
    """Problems found in the file alone (canonical column names), filled as rows are read."""
    _pending: Iterator[ImportedRow] = field(default_factory=lambda: iter(()), repr=False)
    warnings: list[RowProblem] = field(default_factory=list)
    """Columns left out (unknown headers), as the file writes them."""
    good: int = 0
    """Good rows read so far (all of them once every row is read)."""

    def each_row(self) -> Iterator[ImportedRow]:
        """Every good row, those held first, then those not read yet (read once)."""
        yield from self.rows
        for row in self._pending:
            self.good += 1
            yield row

    def read_to_end(self) -> None:
        """Read the rows not read yet, for their problems only (a check without a database)."""
        for _row in self._pending:
            self.good += 1

    def error(self, more: Iterable[RowProblem] = ()) -> ImportFileError:
        """Every problem, these and ``more`` (named already), by the file's headers, by line."""
        mine = as_written(self.problems, self.rows.written)
        return ImportFileError(sorted([*mine, *more], key=lambda p: p.line))


def read_clients(source: str | Iterable[str]) -> ClientsFile:
    """Read a whole client file, every good row held: comma or semicolon, English or Polish.

    Rows that cannot be split and bad cells are collected, not raised, so the
    good rows can still be checked against the database.

    Raises:
        ImportFileError: the file is empty, or its header has repeated or
            missing columns (unknown ones are left out, in ``warnings``).
    """
    found = stream_clients(source)
    rows = list(found.each_row())
    found.rows.extend(rows)
    return found


def stream_clients(source: str | Iterable[str]) -> ClientsFile:
    """Read a client file's header now and its rows while they are used, one at a time.

    Nothing but the current row and each NIP's first line (to name a repeated
    NIP) is held.

    Raises:
        ImportFileError: the file is empty, or its header has repeated or
            missing columns (unknown ones are left out, in ``warnings``).
    """
    sheet = stream_sheet(source, ALIASES, required=("name",), polish_names=POLISH_NAMES)
    found = ClientsFile(Checked([], sheet.written), sheet.problems, warnings=sheet.warnings)
    found._pending = _checked_rows(sheet, found.problems)
    return found


def _checked_rows(sheet: Sheet, problems: list[RowProblem]) -> Iterator[ImportedRow]:
    """The good rows of a sheet, each bad one's problems added to ``problems``."""
    seen_nips: dict[str, int] = {}
    for record in sheet.each_row():
        try:
            client = _row_client(record)
        except ImportFileError as err:
            problems.extend(err.problems)
            continue
        if client.nip and client.nip in seen_nips:
            problems.append(
                RowProblem(
                    record.line,
                    "nip",
                    _("NIP {nip} is also on line {m}.").format(
                        nip=client.nip, m=seen_nips[client.nip]
                    ),
                )
            )
            continue
        if client.nip:
            seen_nips[client.nip] = record.line
        yield ImportedRow(record.line, client)


def parse_client_csv(source: str | Iterable[str]) -> list[ImportedRow]:
    """Check a whole client file (no database).

    Raises:
        ImportFileError: repeated or missing columns, or every bad row with its
            line and column.
    """
    found = read_clients(source)
    if found.problems:
        raise found.error()
    return found.rows


def _row_client(record: SheetRow) -> NewClient:
    line = record.line
    problems: list[RowProblem] = []
    kind_text = fold(record.get("kind"))
    if kind_text not in _KINDS:
        problems.append(
            RowProblem(
                line,
                "kind",
                _("must be company/firma or private/osoba prywatna, not '{k}'.").format(
                    k=record.get("kind")
                ),
            )
        )
    odd_digits = {  # numbers take the digits 0-9 only; such a cell is told that alone
        column: odd
        for column in ("nip", "phone", "postal_code")
        if (odd := foreign_digit_problem(record.get(column))) is not None
    }
    problems.extend(RowProblem(line, column, odd) for column, odd in odd_digits.items())
    phones: tuple[tuple[str, str], ...] = ()
    if record.get("phone") and "phone" not in odd_digits:
        try:
            phones = ((parse_phone(record.get("phone")), ""),)
        except InvalidPhoneNumber as err:
            problems.append(RowProblem(line, "phone", str(err)))
    new = NewClient(
        kind=_KINDS.get(kind_text, ClientKind.COMPANY), name=record.get("name"),
        nip=record.get("nip") or None, street=record.get("street"), city=record.get("city"),
        postal_code=record.get("postal_code"), email=record.get("email"),
        contact_person=record.get("contact_person"), phones=phones,
        status=ClientStatus.PROSPECT,
    )  # fmt: skip
    for field_err in new_prospect_problems(new):
        column = _FIELD_COLUMNS.get(field_err.field, field_err.field)
        if column not in odd_digits:
            problems.append(RowProblem(line, column, str(field_err)))
    if problems:
        raise ImportFileError(problems)
    return prospect_as_stored(new)


_FIELD_COLUMNS = {"phones": "phone", "phone": "phone"}
"""The intake form's field names where they differ from the file's columns."""


CHUNK_ROWS = 200
"""Rows per write transaction: tens of milliseconds, so nobody waits long for the lock."""
CHUNK_PAUSE_SECONDS = 0.02
"""Breath between two chunks, in which a ``ring``, a timer or a save takes the lock."""
STALE_STAGING = timedelta(minutes=10)
"""A batch whose liveness lock cannot tell (an older version's import, a file system without
locks) belongs to an import that died once it is this old."""


@dataclass(frozen=True)
class Interrupted:
    """An import killed after its commit point: part of its clients are in, the rest wait.

    Attributes:
        batch_id: the staged batch.
        source: the file's name.
        started: when that import started (aware, UTC).
        added: clients it added before it stopped.
        left: rows still waiting to be added.
    """

    batch_id: int
    source: str
    started: datetime
    added: int
    left: int

    def describe(self) -> str:
        """One line: which import, when, how far it got, and the two ways on."""
        added = ngettext("{a} client added", "{a} clients added", self.added)
        left = ngettext("{n} not yet", "{n} not yet", self.left)
        return _(
            "an earlier import of {f} ({at}) was interrupted: {added}, {left}; "
            "the next import stops until you choose: --finish-interrupted adds the rest, "
            "--drop-interrupted leaves them out (those added stay)"
        ).format(
            f=self.source or "?",
            at=format_datetime(local(self.started)),
            added=added.format(a=self.added),
            left=left.format(n=self.left),
        )


class InterruptedImport(DomainError):
    """An import was asked for while an interrupted one waits for a decision."""

    def __init__(self, interrupted: list[Interrupted]) -> None:
        super().__init__("\n".join(i.describe() for i in interrupted))
        self.interrupted = interrupted


async def interrupted_imports(db: Database) -> list[Interrupted]:
    """Imports that passed their commit point and did not finish (a killed process).

    Takes the database alone, so ``doctor`` (which opens it without a price
    list) can ask too.
    """
    found: list[Interrupted] = []
    for batch in await import_store.unfinished_batches(db):
        if batch.state is BatchState.READY:
            left = await import_store.rows_left(db, batch.id)
            found.append(Interrupted(batch.id, batch.source, batch.created_at, batch.added, left))
    return found


@saves
async def drop_interrupted(ctx: Ctx) -> list[Interrupted]:
    """Leave out the rows interrupted imports had not added (those added stay); audited."""
    dropped = await interrupted_imports(ctx.db)
    for item in dropped:
        async with ctx.db.transaction():
            await client_store.unindex_unpublished(ctx.db, item.batch_id)
            await import_store.discard_batch(ctx.db, item.batch_id)
            await audit.record(
                ctx, "import", item.batch_id, "clients_dropped", rows=item.left, file=item.source
            )
    return dropped


Rows = Iterable[ImportedRow] | ClientsFile
"""An import's rows: checked rows, or a client file read while it is imported."""


@dataclass
class _Plan:
    """What a pass over a file's rows found against the database, a chunk at a time.

    Only the keys of the rows kept so far are held (a row repeated further
    down is not a new client), never the rows themselves.
    """

    rows: int = 0
    """Good rows seen."""
    new: int = 0
    """Rows whose client is neither in the database nor earlier in the file."""
    conflicts: list[RowProblem] = field(default_factory=list)
    """Rows whose NIP belongs to a client of another name (canonical columns)."""
    seen: set[tuple[str, str]] = field(default_factory=set)

    async def sort(self, ctx: Ctx, part: list[ImportedRow]) -> list[ImportedRow]:
        """This chunk's new rows; its conflicts go to ``conflicts`` (two queries a chunk).

        The test is :func:`_existing`'s, set-wise: the NIP, else the name
        folded by ``search_key`` (the one normaliser of client names), against
        the database and the file's earlier rows. The publish's own test is the
        stored ``search_name``, folded the same way, so they agree.
        """
        self.rows += len(part)
        holders = await client_store.nip_holders(
            ctx.db, (r.client.nip for r in part if r.client.nip)
        )
        known = await client_store.known_search_names(
            ctx.db, (search_key(r.client.name) for r in part if not r.client.nip)
        )
        kept: list[ImportedRow] = []
        for row in part:
            new = row.client
            if new.nip:
                holder = holders.get(new.nip)
                if holder is not None and search_key(holder.name) != search_key(new.name):
                    self.conflicts.append(_nip_conflict(row, holder.id, holder.name))
                    continue
                key, there = ("nip", new.nip), holder is not None
            else:
                key = ("name", search_key(new.name))
                there = key[1] in known
            if there or key in self.seen:
                continue
            self.seen.add(key)
            kept.append(row)
        self.new += len(kept)
        return kept


def _chunks(rows: Iterable[ImportedRow], size: int) -> Iterator[list[ImportedRow]]:
    part: list[ImportedRow] = []
    for row in rows:
        part.append(row)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def _each_row(rows: Rows) -> Iterator[ImportedRow]:
    return rows.each_row() if isinstance(rows, ClientsFile) else iter(rows)


def _file_error(rows: Rows, plan: _Plan) -> ImportFileError | None:
    """Every problem of the file and of the database, or None when there is none."""
    if isinstance(rows, ClientsFile):
        if rows.problems or plan.conflicts:
            return rows.error(as_written(plan.conflicts, rows.rows.written))
        return None
    if plan.conflicts:
        return ImportFileError(as_written(plan.conflicts, headers_of(rows)))
    return None


@saves
async def import_clients(
    ctx: Ctx,
    rows: Rows,
    *,
    source: str = "",
    chunk: int = CHUNK_ROWS,
    pause: float = CHUNK_PAUSE_SECONDS,
    interrupted: str = "",
) -> ImportSummary:
    """Add the clients not yet in the database: all of them or none, in short transactions.

    The rows are read, checked against the database (set-wise, a chunk at a
    time) and staged in the same pass, each new row with the client id it will
    take, invisible to everyone; rows already in the database (or earlier in
    the file) are left out. No row is held in memory, so a file of any size
    takes the same. If the file or the database check finds any problem,
    staging stops, the rest of the file is still checked (so every problem is
    reported), and what was staged is dropped. Otherwise one short transaction
    publishes them all (:func:`bbdispatch.storage.clients.publish_staged`), so
    the board, lookup and ring matching see the whole file or nothing of it,
    and a ``ring`` waits at most one chunk or the publish. An import killed
    before the publish leaves nothing (its staged rows are dropped later). Each
    client gets an audit row naming the batch and line, not the person.

    Args:
        ctx: the service context.
        rows: checked rows, or a client file (:func:`stream_clients`) read
            while it is imported.
        source: the file's name, for the audit.
        chunk: rows per staging transaction.
        pause: seconds between transactions, for other writers.
        interrupted: what to do with an import an older version left half-way:
            ``"finish"`` (add its other rows first), ``"drop"`` (leave them
            out), or ``""``.

    Raises:
        InterruptedImport: such an import waits and ``interrupted`` is ``""``:
            nothing is done until someone decides.
        ImportFileError: a bad row in the file, or a row's NIP belongs to a
            client of another name (:func:`database_conflicts`); every problem
            is listed and nothing is written.
    """
    await check(ctx, Action.CLIENT_IMPORT)
    if interrupted == "drop":
        await drop_interrupted(ctx)
    elif interrupted != "finish":
        waiting = await interrupted_imports(ctx.db)
        if waiting:
            raise InterruptedImport(waiting)
    await finish_imports(ctx, pause=pause)
    hold: import_store.BatchHold | None = None  # this import is alive while it is held
    finished = False
    plan = _Plan()
    try:
        async with ctx.db.transaction():
            batch_id = await import_store.create_batch(ctx.db, source, ctx.actor, ctx.clock.now())
            hold = await import_store.hold_batch(ctx.db, batch_id)
        try:
            for part in _chunks(_each_row(rows), chunk):
                new = await plan.sort(ctx, part)
                if not new or _file_error(rows, plan) is not None:
                    continue  # all or nothing: once a problem is found, only check the rest
                async with ctx.db.transaction():
                    first_id = await client_store.reserve_client_ids(ctx.db, len(new))
                    await import_store.stage_clients(
                        ctx.db,
                        batch_id,
                        [StagedClient(r.line, r.client, first_id + n) for n, r in enumerate(new)],
                    )
                    await client_store.index_staged(
                        ctx.db, batch_id, first_id, first_id + len(new) - 1
                    )
                await asyncio.sleep(pause)
            problem = _file_error(rows, plan)
        except BaseException:
            finished = await _forget(ctx, batch_id, chunk=chunk, pause=pause)
            raise
        if problem is not None:
            finished = await _forget(ctx, batch_id, chunk=chunk, pause=pause)
            raise problem
        try:
            await _publish(ctx, batch_id, chunk=chunk, pause=pause)
        except BaseException:
            finished = await _forget(ctx, batch_id, chunk=chunk, pause=pause)
            raise
        async with ctx.db.transaction():  # the commit point: every client shown at once
            added = await client_store.hidden_count(ctx.db, batch_id)
            skipped = plan.rows - added
            await import_store.count_moved(ctx.db, batch_id, added, skipped)
            await import_store.set_state(ctx.db, batch_id, BatchState.DONE)
            await audit.record(
                ctx, "import", batch_id, "clients_imported", rows=plan.rows, added=added,
                file=source,
            )  # fmt: skip
        await _clear(ctx, batch_id, chunk=chunk, pause=pause)
        finished = True
    finally:
        if hold is not None:
            await hold.release(finished=finished)
    return ImportSummary(added, skipped)


async def _publish(ctx: Ctx, batch_id: int, *, chunk: int, pause: float) -> None:
    """Put a batch's staged rows into the client table, hidden, a chunk per short transaction.

    Nobody sees them until the batch is marked done, in one small transaction
    that writes no client (:func:`bbdispatch.storage.clients.shown`), so no
    write transaction of the import holds the lock for more than a chunk and
    ``ring`` keeps landing. A row whose client was added meanwhile is left out
    (by the chunk that meets it, or, later, by the adding itself: migration
    027's trigger removes the hidden row). Killed half-way, the import leaves
    hidden clients only, which the next import or a privacy erasure deletes
    (:func:`drop_dead_imports`).
    """
    after = 0
    while True:
        async with ctx.db.transaction():
            last = await client_store.publish_chunk(ctx.db, batch_id, after, chunk, ctx.clock.now())
        if last is None:
            return
        after = last
        await asyncio.sleep(pause)


async def _forget(
    ctx: Ctx, batch_id: int, *, chunk: int, pause: float, best_effort: bool = True
) -> bool:
    """Drop a batch that will not be published, a chunk per transaction; True once it is gone.

    A bad file's, or a dead import's (:func:`drop_dead_imports`). The hidden
    clients it put in go first (never shown), then its search entries with its
    rows, overwritten with zeros on SQLite (``secure_delete``: they are
    people's details). ``best_effort``: a failure
    meanwhile is not raised (the original failure is the one to report) and
    the batch is left for the next import or erasure, as a dead one.
    """
    try:
        while True:
            async with ctx.db.transaction():
                await import_store.secure_delete_on(ctx.db)
                gone = await client_store.delete_hidden(ctx.db, batch_id, chunk)
                if not gone:
                    await client_store.unindex_unpublished(ctx.db, batch_id, first=chunk)
                    gone = await import_store.clear_rows(ctx.db, batch_id, chunk)
                if not gone:
                    await import_store.discard_batch(ctx.db, batch_id)
                    return True
            await asyncio.sleep(pause)
    except asyncio.CancelledError:
        raise
    except Exception:
        if not best_effort:
            raise
        return False


async def check_clients(ctx: Ctx, rows: Rows) -> ImportSummary:
    """What :func:`import_clients` would do with these rows, writing nothing.

    Reads the rows once, a chunk at a time, two set-wise queries a chunk.

    Raises:
        NotAllowed: the acting person may not import clients.
        ImportFileError: a bad row in the file (when given one), or a row's
            NIP belongs to a client of another name; every problem is listed.
    """
    await check(ctx, Action.CLIENT_IMPORT)
    plan = _Plan()
    for part in _chunks(_each_row(rows), CHECK_ROWS):
        await plan.sort(ctx, part)
    problem = _file_error(rows, plan)
    if problem is not None:
        raise problem
    return ImportSummary(plan.new, plan.rows - plan.new)


CHECK_ROWS = 1000
"""Rows a ``--check`` looks up in the database at once (two queries)."""


async def _clear(ctx: Ctx, batch_id: int, *, chunk: int, pause: float) -> None:
    """Audit a published batch's clients and forget its staged rows, a chunk per transaction.

    Kept out of the publish: each client's audit row (batch and line, not the
    person) is written with the removal of its staged row and of its batch
    mark, so one killed meanwhile is finished by :func:`finish_imports` and no
    row is audited twice. Rows left out at the publish are dropped with their
    search entries.
    """
    while True:
        async with ctx.db.transaction():
            published = await client_store.published_staged(ctx.db, batch_id, chunk)
            if published:
                await audit.record_many(
                    ctx,
                    "client",
                    "imported",
                    [(row.client_id, {"batch": batch_id, "line": row.line}) for row in published],
                )
                await import_store.drop_rows(ctx.db, batch_id, [row.line for row in published])
                await client_store.settle_published(
                    ctx.db, batch_id, [row.client_id for row in published]
                )
                gone = len(published)
            else:
                await client_store.unindex_unpublished(ctx.db, batch_id, first=chunk)
                gone = await import_store.clear_rows(ctx.db, batch_id, chunk)
        if not gone:
            return
        await asyncio.sleep(pause)


@saves
async def finish_imports(ctx: Ctx, *, pause: float = CHUNK_PAUSE_SECONDS) -> list[ImportSummary]:
    """Finish imports an older version left half-way; drop those that died staging.

    Also clears the staged rows of a published import killed while clearing them.
    """
    done: list[ImportSummary] = []
    for batch in await import_store.unfinished_batches(ctx.db):
        if batch.state is BatchState.READY:
            done.append(await _move(ctx, batch.id, chunk=CHUNK_ROWS, pause=pause))
    await drop_dead_imports(ctx, pause=pause)
    return done


@saves
async def drop_dead_imports(ctx: Ctx, *, pause: float = CHUNK_PAUSE_SECONDS) -> int:
    """Clean up after imports whose process died; returns how many batches were cleaned.

    An import holds its batch's liveness lock while it runs
    (:func:`bbdispatch.storage.imports.hold_batch`); a batch nobody holds
    belongs to an import that was killed. One killed while staging leaves
    rows nobody will publish: they and their search entries are dropped (with
    ``secure_delete``: they are people's details). One killed after its publish
    leaves rows not yet cleared: their clients are audited and the rows
    dropped, as the import would have (whoever does it first; a chunk is one
    transaction). Staging batches of running imports are left alone, and so
    are ``ready`` ones of older versions (they wait for
    ``--finish-interrupted`` or ``--drop-interrupted``). Called by every
    import and by a privacy erasure, which must not leave a person in staged
    rows.
    """
    stale = ctx.clock.now() - STALE_STAGING
    cleaned = 0
    for batch in await import_store.unfinished_batches(ctx.db):
        if batch.state is not BatchState.STAGING:
            continue
        if await import_store.batch_alive(ctx.db, batch, stale):
            continue
        if await _forget(ctx, batch.id, chunk=CHUNK_ROWS, pause=pause, best_effort=False):
            import_store.forget_batch_lock(ctx.db, batch.id)
        cleaned += 1
    for batch_id in await import_store.done_batches_with_rows(ctx.db):
        # Safe beside a live import clearing the same batch: each chunk's audit
        # rows and deletes are one transaction, so no client is audited twice.
        await _clear(ctx, batch_id, chunk=CHUNK_ROWS, pause=pause)
        done_batch = await import_store.get_batch(ctx.db, batch_id)
        if done_batch is not None and not await import_store.batch_alive(ctx.db, done_batch, stale):
            import_store.forget_batch_lock(ctx.db, batch_id)
        cleaned += 1
    return cleaned


async def _move(ctx: Ctx, batch_id: int, *, chunk: int, pause: float) -> ImportSummary:
    """Move an older version's committed batch into the client table, chunk by chunk."""
    while True:
        async with ctx.db.transaction():
            part = await import_store.next_clients(ctx.db, batch_id, chunk)
            added = skipped = 0
            for row in part:
                if await _existing(ctx, row.client):
                    skipped += 1
                    continue
                client_id = await client_store.insert_client(ctx.db, row.client, ctx.clock.now())
                await audit.record(
                    ctx, "client", client_id, "imported", batch=batch_id, line=row.line
                )
                added += 1
            await import_store.drop_rows(ctx.db, batch_id, [row.line for row in part])
            await import_store.count_moved(ctx.db, batch_id, added, skipped)
            if not part:
                await import_store.set_state(ctx.db, batch_id, BatchState.DONE)
                batch = await import_store.get_batch(ctx.db, batch_id)
                assert batch is not None
                return ImportSummary(batch.added, batch.skipped)
        await asyncio.sleep(pause)


async def database_conflicts(ctx: Ctx, rows: list[ImportedRow]) -> list[RowProblem]:
    """Rows whose NIP already belongs to a client of another name in the database.

    Such a row is neither new nor the same client: skipping it would hide a
    typo in the NIP or the name, so it is a bad row (column ``nip``), named as
    the file writes the column. One query per 500 NIPs.
    """
    holders = await client_store.nip_holders(ctx.db, (r.client.nip for r in rows if r.client.nip))
    problems: list[RowProblem] = []
    for row in rows:
        holder = holders.get(row.client.nip) if row.client.nip else None
        if holder is not None and search_key(holder.name) != search_key(row.client.name):
            problems.append(_nip_conflict(row, holder.id, holder.name))
    return as_written(problems, headers_of(rows))


def _nip_conflict(row: ImportedRow, client_id: int, name: str) -> RowProblem:
    """The problem of a row whose NIP the database has under another name."""
    return RowProblem(
        row.line,
        "nip",
        _(
            "NIP {nip} belongs to '{name}' (client {id}) in the database, "
            "not to '{row}'; correct the NIP or the name."
        ).format(nip=row.client.nip, name=name, id=client_id, row=row.client.name),
    )


async def _existing(ctx: Ctx, new: NewClient) -> bool:
    """Whether the client is in the database: the same NIP, else the same normalized name.

    A client without a NIP is known by its name alone: a re-import whose row
    has another phone (or none) is the same client, not a second one.
    """
    if new.nip:
        return await client_store.client_by_nip(ctx.db, new.nip) is not None
    return bool(await client_store.client_ids_by_name(ctx.db, search_key(new.name)))


@saves
async def import_client_file(ctx: Ctx, text: str) -> ImportSummary:
    """Check and import a client file's text.

    Raises:
        ImportFileError: the file has a bad row (nothing is imported).
    """
    await check(ctx, Action.CLIENT_IMPORT)
    return await import_clients(ctx, parse_client_csv(text))
