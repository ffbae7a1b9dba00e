"""Statements and corrections: the queries behind work statements, and the only writer of both.

Entries' and charges' own writes (locking entries on a statement, moving a
charge) live in :mod:`bbdispatch.storage.work`. Periods are dates, moments
aware datetimes, money Decimal: nothing in stored form leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bbdispatch.clock import LocalDays, from_db, to_db
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.statements import ChargeRow, StatementLine
from bbdispatch.domain.work import WorkEntry
from bbdispatch.money import from_grosze, to_grosze
from bbdispatch.storage.database import Database, Row, id_chunks, member, next_id
from bbdispatch.storage.jobs import FixedPrice, fixed_price_first_entries
from bbdispatch.storage.work import entry_from_row


@dataclass(frozen=True)
class IssuedStatement:
    """An issued statement: whose, which period (days inclusive), when."""

    id: int
    client_id: int
    period_from: date
    period_to: date
    issued_at: datetime
    number: str = ""
    """The firm's number (``WP/2026/11/005``)."""
    worth_net: Decimal | None = None
    """Its work lines and fees, net, when issued; None for one issued before numbering."""
    worth_minutes: int | None = None
    """Its billed minutes when issued; None like ``worth_net``."""


def _issued(row: Row) -> IssuedStatement:
    return IssuedStatement(
        id=row["id"],
        client_id=row["client_id"],
        period_from=date.fromisoformat(row["period_from"]),
        period_to=date.fromisoformat(row["period_to"]),
        issued_at=from_db(row["issued_at"]),
        number=row["number"] or "",
        worth_net=None if row["worth_grosze"] is None else from_grosze(row["worth_grosze"]),
        worth_minutes=row["worth_minutes"],
    )


@dataclass(frozen=True)
class Settlement:
    """A correction of an issued statement carried by a later one."""

    refers_to: int
    """The corrected statement's id."""
    minutes_delta: int
    net_delta: Decimal
    reason: str


@dataclass(frozen=True)
class UncoveredCharge:
    """A charge no contract covers, with the entry it belongs to."""

    charge_id: int
    entry_id: int
    minutes: int
    started_at: datetime
    locked: bool


@dataclass(frozen=True)
class PendingCorrection:
    """A correction not yet shown on a statement."""

    id: int
    made_at: datetime
    entry_id: int
    job_id: int
    reason: str
    minutes_delta: int
    net_delta: Decimal
    locked_by: int = 0
    """The issued statement the corrected entry is on."""


@dataclass(frozen=True)
class PeriodWork:
    """A client's finished work in a period, as the statement's lines, and its fixed prices.

    ``lines`` are new :class:`StatementLine` objects, oldest first, each with its
    charge pieces as written (not yet priced: ``amount`` is None); no one else
    holds them, so the service may price them in place
    (:func:`bbdispatch.domain.statements.price_fresh_lines`).
    """

    lines: list[StatementLine]
    fixed_prices: dict[str, FixedPrice]
    """Jobs among the lines agreed at a fixed price, by job number: the price and
    the job's first finished billable entry, which carries it."""


_BASES = {b.value: b for b in ChargeBasis}
_MODES = {m.value: m for m in JobMode}
_MINUTE = timedelta(minutes=1)


async def statement_lines(
    db: Database, client_id: int, start: datetime, end: datetime
) -> PeriodWork:
    """The statement lines of finished entries on a client's jobs that started in [start, end).

    One query for the entries and their charges (a year of the busiest client is
    ten thousand entries), each line built once from its rows: the local day
    it started (the firm's zone), its actual and billed minutes and its charge
    pieces in the order they were written. Only the columns a line needs, read
    by position (a name is looked up among all of a row's columns).

    The lines and pieces are built without their frozen dataclasses'
    ``__init__`` (which sets each field through ``object.__setattr__``): they
    are plain rows with no ``__post_init__``, no slots and no validation, and
    every field is set here (``tests/unit/test_statement_pricing.py`` checks).
    """
    rows = await db.fetch_all(
        "SELECT w.id, w.job_id, w.started_at, w.ended_at, w.description, w.mode,"
        " w.statement_id, t.name, j.agreed_price_grosze, ch.id, ch.contract_id, ch.basis,"
        " ch.minutes, ch.rate_grosze, ch.reason, c.number"
        " FROM work_entry w"
        " JOIN job j ON j.id = w.job_id JOIN technician t ON t.id = w.technician_id"
        " LEFT JOIN charge ch ON ch.work_entry_id = w.id"
        " LEFT JOIN contract c ON c.id = ch.contract_id"
        " WHERE j.client_id = ? AND w.ended_at IS NOT NULL"
        " AND w.started_at >= ? AND w.started_at < ? ORDER BY w.started_at, w.id, ch.id",
        (client_id, to_db(start), to_db(end)),
    )
    lines: list[StatementLine] = []
    fixed_jobs: set[int] = set()
    new = object.__new__
    rates: dict[int, Decimal] = {}
    days = LocalDays()
    entry_id: int | None = None
    line: dict[str, object] = {}
    charges: list[ChargeRow] = []
    billed = 0
    for r in rows:
        if r[0] != entry_id:
            # A new entry: the one before gets its pieces, this one its line.
            line["charges"], line["billed_minutes"] = tuple(charges), billed
            charges, billed = [], 0
            entry_id = r[0]
            started, ended = from_db(r[2]), from_db(r[3])
            mode = _MODES.get(r[5])
            built = new(StatementLine)
            lines.append(built)
            line = built.__dict__
            line["entry_id"] = entry_id
            line["day"] = days.of(r[2], started)
            line["job_number"] = str(r[1])
            line["technician"] = r[7]
            line["mode"] = mode if mode is not None else member(JobMode, r[5])
            line["description"] = r[4]
            line["actual_minutes"] = (ended - started) // _MINUTE
            line["started_at"] = started
            line["ended_at"] = ended
            line["statement_id"] = r[6]
            if r[8] is not None:
                fixed_jobs.add(r[1])
        if r[9] is not None:
            rate = rates.get(r[13])
            if rate is None:
                rate = rates[r[13]] = from_grosze(r[13])
            basis = _BASES.get(r[11])
            c = new(ChargeRow)
            piece = c.__dict__
            piece["contract_id"] = r[10]
            piece["contract_number"] = r[15]
            piece["basis"] = basis if basis is not None else member(ChargeBasis, r[11])
            piece["minutes"] = r[12]
            piece["rate"] = rate
            piece["reason"] = r[14]
            piece["fixed"] = None
            piece["amount"] = None
            piece["priced"] = False
            charges.append(c)
            billed += r[12]
    line["charges"], line["billed_minutes"] = tuple(charges), billed
    fixed = await fixed_price_first_entries(db, sorted(fixed_jobs)) if fixed_jobs else {}
    return PeriodWork(lines, {str(job): price for job, price in fixed.items()})


async def charges_of(db: Database, entry_ids: list[int]) -> dict[int, list[ChargeRow]]:
    """Charges of the given entries with their contract numbers, by entry."""
    found: dict[int, list[ChargeRow]] = defaultdict(list)
    if not entry_ids:
        return found
    marks = ",".join("?" * len(entry_ids))
    # Ordered by entry first, so the look-up goes through charge_by_entry
    # (ordering by charge id alone made SQLite scan every charge).
    rows = await db.fetch_all(
        "SELECT ch.*, c.number FROM charge ch LEFT JOIN contract c ON c.id = ch.contract_id"
        f" WHERE ch.work_entry_id IN ({marks}) ORDER BY ch.work_entry_id, ch.id",
        entry_ids,
    )
    for r in rows:
        found[r["work_entry_id"]].append(
            ChargeRow(
                contract_id=r["contract_id"],
                contract_number=r["number"],
                basis=member(ChargeBasis, r["basis"]),
                minutes=r["minutes"],
                rate=from_grosze(r["rate_grosze"]),
                reason=r["reason"],
            )
        )
    return found


async def charged_minutes_before(
    db: Database, contract_ids: list[int], moment: datetime
) -> dict[int, int]:
    """Minutes used of each contract before ``moment``.

    That is the opening balance of an imported contract plus the charges of
    entries that started before then.
    """
    (used,) = await charged_minutes_before_each(db, contract_ids, [moment])
    return used


async def charged_minutes_before_each(
    db: Database, contract_ids: Sequence[int], moments: Sequence[datetime]
) -> list[dict[int, int]]:
    """:func:`charged_minutes_before` at each of ``moments``, in one pass over the charges.

    One dict per moment, in their order. A statement asks at its period's start
    and end: the busiest client's 150 contracts hold some 30,000 charges, and
    reading them once instead of once per moment halves that work.
    """
    if not contract_ids or not moments:
        return [{} for _moment in moments]
    marks = ",".join("?" * len(contract_ids))
    sums = ", ".join(
        f"SUM(CASE WHEN w.started_at < ? THEN ch.minutes ELSE 0 END) AS m{i}"
        for i in range(len(moments))
    )
    picked = ", ".join(f"s.m{i}" for i in range(len(moments)))
    rows = await db.fetch_all(
        f"SELECT c.id, c.opening_used_minutes, {picked} FROM contract c LEFT JOIN"
        f" (SELECT ch.contract_id AS contract_id, {sums} FROM charge ch"
        " JOIN work_entry w ON w.id = ch.work_entry_id"
        f" WHERE ch.contract_id IN ({marks}) GROUP BY ch.contract_id) s"
        f" ON s.contract_id = c.id WHERE c.id IN ({marks})",
        [*(to_db(m) for m in moments), *contract_ids, *contract_ids],
    )
    found: list[dict[int, int]] = [dict.fromkeys(contract_ids, 0) for _moment in moments]
    for r in rows:
        opening = int(r[1])
        for i, used in enumerate(found):
            used[r[0]] = opening + int(r[2 + i] or 0)
    return found


async def charged_minutes_since(
    db: Database, contract_ids: Sequence[int], moment: datetime
) -> dict[int, int]:
    """Minutes charged to each contract by entries that started at or after ``moment``."""
    found = {cid: 0 for cid in contract_ids}
    for part in id_chunks(contract_ids):
        marks = ",".join("?" * len(part))
        for r in await db.fetch_all(
            "SELECT ch.contract_id, SUM(ch.minutes) AS used FROM charge ch"
            " JOIN work_entry w ON w.id = ch.work_entry_id"
            f" WHERE ch.contract_id IN ({marks}) AND w.started_at >= ?"
            " GROUP BY ch.contract_id",
            (*part, to_db(moment)),
        ):
            found[r["contract_id"]] = int(r["used"])
    return found


async def client_block_pace(
    db: Database, client_ids: Sequence[int], since: datetime
) -> dict[int, int]:
    """Billed minutes of each client's work since ``since`` that blocks pay for or no contract.

    The pace a client uses prepaid hours at, whichever block took them (and the
    time no block covered), for run-out forecasts.
    """
    found = dict.fromkeys(client_ids, 0)
    for part in id_chunks(client_ids):
        marks = ",".join("?" * len(part))
        for r in await db.fetch_all(
            "SELECT j.client_id, SUM(ch.minutes) AS used FROM charge ch"
            " JOIN work_entry w ON w.id = ch.work_entry_id JOIN job j ON j.id = w.job_id"
            f" WHERE j.client_id IN ({marks}) AND w.started_at >= ?"
            " AND ch.basis IN ('block', 'uncovered') GROUP BY j.client_id",
            (*part, to_db(since)),
        ):
            found[r["client_id"]] = int(r["used"])
    return found


async def overlapping_statement(
    db: Database, client_id: int, period_from: date, period_to: date
) -> IssuedStatement | None:
    """An issued statement of the client whose period overlaps the given one."""
    row = await db.fetch_one(
        "SELECT * FROM statement WHERE client_id = ?"
        " AND period_from <= ? AND period_to >= ? ORDER BY id LIMIT 1",
        (client_id, period_to.isoformat(), period_from.isoformat()),
    )
    return _issued(row) if row else None


async def statement_covering_job_day(
    db: Database, job_id: int, day: date
) -> IssuedStatement | None:
    """An issued statement of the job's client whose period contains ``day`` (the latest)."""
    row = await db.fetch_one(
        "SELECT s.* FROM statement s JOIN job j ON j.client_id = s.client_id"
        " WHERE j.id = ? AND s.period_from <= ? AND s.period_to >= ?"
        " ORDER BY s.period_to DESC, s.id LIMIT 1",
        (job_id, day.isoformat(), day.isoformat()),
    )
    return _issued(row) if row else None


async def timer_running_between(
    db: Database, client_id: int, start: datetime, end: datetime
) -> WorkEntry | None:
    """A timer on the client's jobs, started in [start, end) and still running."""
    row = await db.fetch_one(
        "SELECT w.* FROM work_entry w JOIN job j ON j.id = w.job_id"
        " WHERE j.client_id = ? AND w.ended_at IS NULL"
        " AND w.started_at >= ? AND w.started_at < ? ORDER BY w.started_at, w.id LIMIT 1",
        (client_id, to_db(start), to_db(end)),
    )
    return entry_from_row(row) if row else None


async def statement_of_period(
    db: Database, client_id: int, period_from: date, period_to: date
) -> IssuedStatement | None:
    """The issued statement for exactly this client and period."""
    row = await db.fetch_one(
        "SELECT * FROM statement WHERE client_id = ? AND period_from = ? AND period_to = ?",
        (client_id, period_from.isoformat(), period_to.isoformat()),
    )
    return _issued(row) if row else None


async def issued_of_client(db: Database, client_id: int) -> list[IssuedStatement]:
    """Every statement issued to the client, oldest period first."""
    rows = await db.fetch_all(
        "SELECT * FROM statement WHERE client_id = ? ORDER BY period_from, id", (client_id,)
    )
    return [_issued(r) for r in rows]


async def numbers_with_prefix(db: Database, prefix: str) -> list[str]:
    """Statement numbers already given in a series (``WP/2026/11/``), to pick the next."""
    rows = await db.fetch_all(
        "SELECT number FROM statement WHERE substr(number, 1, ?) = ?", (len(prefix), prefix)
    )
    return [r["number"] for r in rows]


async def insert_statement(
    db: Database,
    *,
    client_id: int,
    period_from: date,
    period_to: date,
    issued_at: datetime,
    issued_by: str,
    number: str,
    worth_net: Decimal,
    worth_minutes: int,
) -> int:
    """Record an issued statement with its number and what its own period was worth."""
    return await db.execute(
        "INSERT INTO statement (id, client_id, period_from, period_to, issued_at, issued_by,"
        f" number, worth_grosze, worth_minutes) VALUES ({next_id('statement')},"
        " ?, ?, ?, ?, ?, ?, ?, ?)",
        (client_id, period_from.isoformat(), period_to.isoformat(), to_db(issued_at), issued_by,
         number, to_grosze(worth_net), worth_minutes),
    )  # fmt: skip


async def save_documents(db: Database, statement_id: int, documents: dict[str, str]) -> None:
    """Keep an issued statement's documents, one per format, exactly as issued."""
    await db.execute_many(
        "INSERT INTO statement_document (statement_id, format, body) VALUES (?, ?, ?)",
        [(statement_id, fmt, body) for fmt, body in documents.items()],
    )


async def document_of(db: Database, statement_id: int, fmt: str) -> str | None:
    """One format of an issued statement as it was issued, or None when not kept."""
    row = await db.fetch_one(
        "SELECT body FROM statement_document WHERE statement_id = ? AND format = ?",
        (statement_id, fmt),
    )
    return str(row["body"]) if row else None


async def settled_for(db: Database, client_id: int) -> dict[int, Settlement]:
    """Corrections of the client's issued statements already carried by later ones.

    Returns, per corrected statement id, the sum of what later statements carried
    (the reasons left empty).
    """
    rows = await db.fetch_all(
        "SELECT ss.refers_to, SUM(ss.minutes_delta) AS minutes,"
        " SUM(ss.net_delta_grosze) AS grosze FROM statement_settlement ss"
        " JOIN statement s ON s.id = ss.refers_to WHERE s.client_id = ?"
        " GROUP BY ss.refers_to",
        (client_id,),
    )
    return {
        r["refers_to"]: Settlement(
            r["refers_to"], int(r["minutes"]), from_grosze(int(r["grosze"])), ""
        )
        for r in rows
    }


async def insert_settlements(
    db: Database, statement_id: int, settled: Sequence[Settlement]
) -> None:
    """Record the corrections of earlier statements an issued statement carried."""
    await db.execute_many(
        "INSERT INTO statement_settlement (statement_id, refers_to, minutes_delta,"
        " net_delta_grosze, reason) VALUES (?, ?, ?, ?, ?)",
        [
            (statement_id, s.refers_to, s.minutes_delta, to_grosze(s.net_delta), s.reason)
            for s in settled
        ],
    )


async def settlements_carried_by(db: Database, statement_id: int) -> list[Settlement]:
    """The corrections of earlier statements that an issued statement carried, in order."""
    rows = await db.fetch_all(
        "SELECT * FROM statement_settlement WHERE statement_id = ? ORDER BY id", (statement_id,)
    )
    return [
        Settlement(
            r["refers_to"], r["minutes_delta"], from_grosze(r["net_delta_grosze"]), r["reason"]
        )
        for r in rows
    ]


async def uncovered_charges(db: Database, client_id: int) -> list[UncoveredCharge]:
    """A client's uncovered charges, oldest work first."""
    rows = await db.fetch_all(
        "SELECT ch.id, ch.work_entry_id, ch.minutes, w.started_at, w.statement_id"
        " FROM charge ch JOIN work_entry w ON w.id = ch.work_entry_id"
        " JOIN job j ON j.id = w.job_id"
        " WHERE j.client_id = ? AND ch.basis = 'uncovered' ORDER BY w.started_at, ch.id",
        (client_id,),
    )
    return [
        UncoveredCharge(
            r["id"],
            r["work_entry_id"],
            r["minutes"],
            from_db(r["started_at"]),
            r["statement_id"] is not None,
        )
        for r in rows
    ]


async def insert_correction(
    db: Database,
    *,
    client_id: int,
    entry_id: int,
    locked_by: int,
    made_at: datetime,
    made_by: str,
    reason: str,
    minutes_delta: int,
    net_delta: Decimal,
) -> int:
    """Record what an admin's correction changed; returns its id."""
    return await db.execute(
        "INSERT INTO correction (id, client_id, work_entry_id, locked_by, made_at, made_by,"
        f" reason, minutes_delta, net_delta_grosze) VALUES ({next_id('correction')},"
        " ?, ?, ?, ?, ?, ?, ?, ?)",
        (client_id, entry_id, locked_by, to_db(made_at), made_by, reason, minutes_delta,
         to_grosze(net_delta)),
    )  # fmt: skip


async def corrections_for(
    db: Database, client_id: int, until: datetime, statement_id: int | None
) -> list[PendingCorrection]:
    """Corrections not yet on a statement (made before ``until``), or those on a given one."""
    rows = await db.fetch_all(
        "SELECT c.*, w.job_id FROM correction c JOIN work_entry w ON w.id = c.work_entry_id"
        " WHERE c.client_id = ? AND ((CAST(? AS INTEGER) IS NULL AND c.statement_id IS NULL"
        " AND c.made_at < ?)"
        " OR c.statement_id = ?) ORDER BY c.made_at, c.id",
        (client_id, statement_id, to_db(until), statement_id),
    )
    return [
        PendingCorrection(
            r["id"],
            from_db(r["made_at"]),
            r["work_entry_id"],
            r["job_id"],
            r["reason"],
            r["minutes_delta"],
            from_grosze(r["net_delta_grosze"]),
            r["locked_by"],
        )
        for r in rows
    ]


async def apply_corrections(db: Database, statement_id: int, ids: list[int]) -> None:
    """Mark corrections as shown on an issued statement."""
    await db.execute_many(
        "UPDATE correction SET statement_id = ? WHERE id = ?", [(statement_id, i) for i in ids]
    )


async def corrected_entries(db: Database, client_id: int) -> dict[int, int]:
    """Every billed entry of the client ever corrected: entry id → its issued statement's id.

    Corrections made and work added late after issue, settled or not: the
    entries whose charges may differ from their issued document.
    """
    rows = await db.fetch_all(
        "SELECT DISTINCT work_entry_id, locked_by FROM correction WHERE client_id = ?"
        " ORDER BY work_entry_id",
        (client_id,),
    )
    return {r["work_entry_id"]: r["locked_by"] for r in rows}


async def set_correction_delta(
    db: Database, correction_id: int, minutes_delta: int, net_delta: Decimal
) -> None:
    """Record what a correction changed in its entry's billed time and money, once charged."""
    await db.execute(
        "UPDATE correction SET minutes_delta = ?, net_delta_grosze = ? WHERE id = ?",
        (minutes_delta, to_grosze(net_delta), correction_id),
    )
