"""What the dispatcher waits for on the data side, through the public services.

Each benchmark times a service function (async, aiosqlite, domain objects: what
screens call) and a bare ``sqlite3`` query that fetches the same data, called in
turn so that both see the same load, by wall clock and by the process's CPU
time: the ratio shows what the layers cost on this noisy machine.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from itertools import cycle

from bbdispatch.domain.jobs import OPEN_STATUSES
from bbdispatch.services import clients as client_service
from bbdispatch.services.board import board_lines
from bbdispatch.services.board import job_detail as job_detail_service
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import balances_of_client
from bbdispatch.services.statements import build_statement

from .measure import Row, Target, paired_rows, time_alternating, time_async

TARGETS_LOOKUP = {"median": Target(limit=5, ratio=3)}
TARGETS_SEARCH = {"p99": Target(limit=50)}
TARGETS_BOARD = {"median": Target(limit=500, ratio=3)}
TARGETS_STATEMENT = {"median": Target(limit=300, ratio=3)}
TARGETS_SERVICE = {"median": Target(ratio=3)}
"""Issue 19, item 7: each service within 3× its bare baseline."""


def sample_numbers(bare: sqlite3.Connection, n: int, seed: int = 1) -> list[str]:
    """Numbers callers ring from: known ones, plus one in ten unknown."""
    total = bare.execute("SELECT max(id) FROM client_phone").fetchone()[0]
    rng = random.Random(seed)
    ids = [rng.randint(1, total) for _ in range(n)]
    found = [
        bare.execute("SELECT e164 FROM client_phone WHERE id = ?", (i,)).fetchone()[0] for i in ids
    ]
    return [num if k % 10 else "+48223334455" for k, num in enumerate(found)]


async def lookup(ctx: Ctx, bare: sqlite3.Connection, repeat: int) -> list[Row]:
    """Caller lookup by number: ``services.clients.clients_by_phone``."""
    numbers = sample_numbers(bare, repeat)
    it = cycle(numbers)

    async def service() -> None:
        await client_service.clients_by_phone(ctx, next(it))

    bare_it = cycle(numbers)
    sql = (
        "SELECT c.*, p.id, p.e164, p.label, p.contact_person FROM client c"
        " JOIN client_phone p ON p.client_id = c.id"
        " WHERE c.id IN (SELECT client_id FROM client_phone WHERE e164 = ?) ORDER BY c.name, p.id"
    )

    def bare_q() -> None:
        bare.execute(sql, (next(bare_it),)).fetchall()

    await time_async(service, 20)  # warm the page cache and the thread
    return paired_rows(
        "caller lookup by number",
        *await time_alternating(service, bare_q, repeat),
        ("median", "p99"),
        TARGETS_LOOKUP,
        "bare = one indexed sqlite3 SELECT of the clients and their phones",
    )


SEARCHES = (
    "kowal", "szpital", "Bilans", "Nowak", "wisla", "dąbrowsk", "apteka pod", "zz",
    "5260", "1000", "601 2", "2262", "88812", "7712",
)  # fmt: skip
"""Typed searches: parts of names, NIPs and numbers, as a dispatcher types them."""


async def search(ctx: Ctx, bare: sqlite3.Connection, repeat: int) -> list[Row]:
    """Search by part of a name, NIP or number: ``services.clients.search_clients``."""
    texts = [SEARCHES[i % len(SEARCHES)] for i in range(repeat)]
    it = cycle(texts)

    async def service() -> None:
        await client_service.search_clients(ctx, next(it))

    bare_it = cycle(texts)

    def bare_q() -> None:
        # The naive way: scan names for the text (no phones, no NIPs, no folding).
        text = next(bare_it)
        bare.execute(
            "SELECT id, name FROM client WHERE name LIKE ? ORDER BY name LIMIT 20", (f"%{text}%",)
        ).fetchall()

    await time_async(service, len(SEARCHES))
    return paired_rows(
        "search name/NIP/number",
        *await time_alternating(service, bare_q, repeat),
        ("median", "p99"),
        TARGETS_SEARCH,
        "bare = sqlite3 `name LIKE '%text%'` scan, names only",
    )


async def board(ctx: Ctx, bare: sqlite3.Connection, repeat: int) -> list[Row]:
    """All open jobs as the board loads them: ``services.board.board_lines``."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    sql = (
        "SELECT job.*, client.name, technician.name FROM job"
        " JOIN client ON client.id = job.client_id"
        " LEFT JOIN technician ON technician.id = job.technician_id"
        f" WHERE job.status IN ({marks})"
    )
    history = (
        "SELECT * FROM job_status_change WHERE job_id IN"
        f" (SELECT id FROM job WHERE status IN ({marks})) ORDER BY job_id, at"
    )
    statuses = [s.value for s in OPEN_STATUSES]

    def bare_q() -> None:
        bare.execute(sql, statuses).fetchall()
        bare.execute(history, statuses).fetchall()

    async def service() -> None:
        await board_lines(ctx)

    count = len(await board_lines(ctx))
    return paired_rows(
        f"board data: board_lines ({count} jobs)",
        *await time_alternating(service, bare_q, repeat),
        ("median", "max"),
        TARGETS_BOARD,
        "bare = sqlite3 SELECTs of open jobs with names and of their status history",
    )


async def job_detail(ctx: Ctx, bare: sqlite3.Connection, repeat: int) -> list[Row]:
    """A job's detail as its screen loads it: ``services.board.job_detail``."""
    total = bare.execute("SELECT max(id) FROM job").fetchone()[0]
    rng = random.Random(3)
    ids = [rng.randint(1, total) for _ in range(repeat)]
    it = cycle(ids)

    async def service() -> None:
        await job_detail_service(ctx, next(it))

    bare_it = cycle(ids)

    def bare_q() -> None:
        # The same data the detail shows, fetched plainly: the job with its
        # client's and technician's names, its history, work and charges, the
        # client with phones, contracts with their used minutes, the people it
        # names, its audit trail.
        job_id = next(bare_it)
        (job,) = bare.execute(
            "SELECT job.client_id, job.technician_id, job.*, client.name, technician.name"
            " FROM job JOIN client ON client.id = job.client_id"
            " LEFT JOIN technician ON technician.id = job.technician_id WHERE job.id = ?",
            (job_id,),
        ).fetchall()
        client_id, tech_id = job[0], job[1]
        history = bare.execute(
            "SELECT technician_id, * FROM job_status_change WHERE job_id = ? ORDER BY at, id",
            (job_id,),
        ).fetchall()
        entries = bare.execute(
            "SELECT id, technician_id, * FROM work_entry WHERE job_id = ? ORDER BY started_at, id",
            (job_id,),
        ).fetchall()
        ids = [e[0] for e in entries]
        if ids:
            bare.execute(
                f"SELECT * FROM charge WHERE work_entry_id IN ({','.join('?' * len(ids))})", ids
            ).fetchall()
        bare.execute("SELECT * FROM client WHERE id = ?", (client_id,)).fetchall()
        bare.execute("SELECT * FROM client_phone WHERE client_id = ?", (client_id,)).fetchall()
        bare.execute("SELECT * FROM contract WHERE client_id = ?", (client_id,)).fetchall()
        bare.execute(
            "SELECT c.id, SUM(ch.minutes) FROM charge ch JOIN contract c ON c.id = ch.contract_id"
            " WHERE c.client_id = ? GROUP BY c.id",
            (client_id,),
        ).fetchall()
        named = {tech_id, *(h[0] for h in history), *(e[1] for e in entries)}
        people = [i for i in named if i is not None]
        if people:
            bare.execute(
                f"SELECT * FROM technician WHERE id IN ({','.join('?' * len(people))})", people
            ).fetchall()
        bare.execute(
            "SELECT * FROM audit_log WHERE entity = 'job' AND entity_id = ?", (job_id,)
        ).fetchall()

    await time_async(service, 10)
    return paired_rows(
        "job detail (services.board.job_detail)",
        *await time_alternating(service, bare_q, repeat),
        ("median", "p99"),
        TARGETS_SERVICE,
        "bare = the same data in ten plain sqlite3 SELECTs: the job with names, history,"
        " work entries and their charges, the client and phones, contracts and used"
        " minutes, the people it names, the audit trail",
    )


def busiest_client(bare: sqlite3.Connection) -> int:
    """The client with most jobs in the last year (the generator makes it client 1)."""
    row = bare.execute(
        "SELECT client_id FROM job WHERE received_at >= '2025-11-24'"
        " GROUP BY client_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return int(row[0])


async def statement(ctx: Ctx, bare: sqlite3.Connection, repeat: int, today: date) -> list[Row]:
    """A year's work statement for the busiest client (about 10,000 entries)."""
    client_id = busiest_client(bare)
    period_to = today
    period_from = today - timedelta(days=365)
    start, end = f"{period_from.isoformat()}T00:00:00Z", f"{period_to.isoformat()}T23:59:59Z"
    label = "statement: services.statements.build_statement"

    async def service() -> object:
        return await build_statement(ctx, client_id, period_from, period_to)

    sql = (
        "SELECT w.*, t.name, ch.minutes, ch.basis, ch.rate_grosze, c.number FROM work_entry w"
        " JOIN job j ON j.id = w.job_id JOIN technician t ON t.id = w.technician_id"
        " LEFT JOIN charge ch ON ch.work_entry_id = w.id"
        " LEFT JOIN contract c ON c.id = ch.contract_id"
        " WHERE j.client_id = ? AND w.ended_at IS NOT NULL"
        " AND w.started_at >= ? AND w.started_at < ? ORDER BY w.started_at, w.id"
    )
    lines = len(bare.execute(sql, (client_id, start, end)).fetchall())

    def bare_q() -> None:
        bare.execute(sql, (client_id, start, end)).fetchall()

    await service()
    return paired_rows(
        f"{label} ({lines} lines)",
        *await time_alternating(service, bare_q, repeat),
        ("median", "max"),
        TARGETS_STATEMENT,
        "bare = one sqlite3 SELECT joining entries, charges and contracts",
    )


async def contracts(ctx: Ctx, bare: sqlite3.Connection, repeat: int) -> list[Row]:
    """The busiest client's contracts with hours used: ``services.contracts.balances_of_client``.

    What the caller card, the client view and ``bbdispatch contracts`` show:
    every contract of the client (about 150 for the busiest one) with the
    minutes charged to it.
    """
    client_id = busiest_client(bare)
    count = len(await balances_of_client(ctx, client_id))

    async def service() -> None:
        await balances_of_client(ctx, client_id)

    def bare_q() -> None:
        rows = bare.execute(
            "SELECT * FROM contract WHERE client_id = ? ORDER BY starts_on, id", (client_id,)
        ).fetchall()
        ids = [r[0] for r in rows]
        bare.execute(
            f"SELECT id, used FROM contract_used WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()

    await time_async(service, 10)
    return paired_rows(
        f"contracts with hours used ({count} contracts)",
        *await time_alternating(service, bare_q, repeat),
        ("median", "p99"),
        TARGETS_SERVICE,
        "bare = two plain SELECTs: the client's contracts, their used minutes"
        " (the contract_used view)",
    )
