"""Stand-in for the statements service: the entries + charges query a statement needs.

Used only when ``bbdispatch.services.statements`` is not on the branch being
measured; the benchmark labels its figure as "query only". It reads through the
same ``Database`` (aiosqlite) the services use and builds domain objects, so the
cost is close to what the real service will pay.
"""

from __future__ import annotations

from collections import defaultdict

from bbdispatch.domain.work import Charge
from bbdispatch.storage.database import Database
from bbdispatch.storage.work import entry_from_row


async def statement_rows(db: Database, client_id: int, start: str, end: str) -> list[object]:
    """Finished entries of a client's jobs started in [start, end), each with its charges."""
    rows = await db.fetch_all(
        "SELECT w.*, t.name AS tech_name FROM work_entry w"
        " JOIN job j ON j.id = w.job_id JOIN technician t ON t.id = w.technician_id"
        " WHERE j.client_id = ? AND w.ended_at IS NOT NULL"
        " AND w.started_at >= ? AND w.started_at < ? ORDER BY w.started_at, w.id",
        (client_id, start, end),
    )
    ids = [r["id"] for r in rows]
    charges: dict[int, list[Charge]] = defaultdict(list)
    for offset in range(0, len(ids), 5000):
        part = ids[offset : offset + 5000]
        marks = ",".join("?" * len(part))
        for r in await db.fetch_all(
            "SELECT ch.*, c.number FROM charge ch LEFT JOIN contract c ON c.id = ch.contract_id"
            f" WHERE ch.work_entry_id IN ({marks}) ORDER BY ch.id",
            part,
        ):
            charges[r["work_entry_id"]].append(
                Charge(
                    id=r["id"],
                    work_entry_id=r["work_entry_id"],
                    contract_id=r["contract_id"],
                    minutes=r["minutes"],
                    rate_grosze=r["rate_grosze"],
                    reason=r["reason"],
                )
            )
    return [(entry_from_row(r), r["tech_name"], tuple(charges.get(r["id"], ()))) for r in rows]
