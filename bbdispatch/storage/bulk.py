"""Bulk loading for generated data: millions of rows in minutes, not hours.

The scale benchmarks need a database the size of a busy firm's three years of
work. Going through the services would take hours (one transaction, audit row
and charge allocation per entry), so the generator computes consistent rows
itself and hands them here. This module is the only place that writes them,
with plain ``executemany`` inside large transactions on a synchronous
connection tuned for one-off loading. It is not for the running application.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

CHUNK_ROWS = 50_000
"""Rows handed to one ``executemany`` call (bounds memory, not transactions)."""

_TABLES = frozenset(
    {
        "client",
        "client_phone",
        "technician",
        "technician_skill",
        "contract",
        "job",
        "job_status_change",
        "work_entry",
        "charge",
        "audit_log",
    }
)
"""Tables the generator may fill."""


def open_for_loading(path: Path) -> sqlite3.Connection:
    """A connection tuned for a one-off load of a file nobody else has open.

    No journal and no fsync: if the load fails the file is thrown away anyway.
    """
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def finish_loading(conn: sqlite3.Connection) -> None:
    """Put the file back into the mode the application expects (WAL) and close it."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def insert_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert many rows into one table (inside :func:`loading_transaction`); returns how many.

    Raises:
        ValueError: the table is not one the generator may fill, or a column is unknown.
    """
    if table not in _TABLES:
        raise ValueError(f"not a table for bulk loading: {table}")
    known = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ValueError(f"unknown columns of {table}: {unknown}")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    count = 0
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        conn.executemany(sql, chunk)
        count += len(chunk)
    return count


@contextmanager
def loading_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One large transaction around many ``insert_rows`` calls (rolled back on error)."""
    conn.execute("BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def ensure_dispatcher(conn: sqlite3.Connection, login: str, name: str) -> None:
    """Make ``login`` a dispatcher, so the TUI started by the benchmark lets them in."""
    conn.execute(
        "INSERT INTO technician (login, name, role, does_onsite) VALUES (?, ?, 'dispatcher', 0)"
        " ON CONFLICT (login) DO UPDATE SET role = 'dispatcher', active = 1",
        (login, name),
    )
    record_role(conn, login, "dispatcher")


def record_role(conn: sqlite3.Connection, login: str, role: str) -> None:
    """Record ``login``'s role in the audit trail, chained, as bbdispatch records every role.

    A role with no such row counts as a technician's (``docs/rights.md``,
    "Roles"); generated databases and test set-ups that write people straight
    into the table record their roles with this.
    """
    import json
    from datetime import UTC, datetime

    from bbdispatch.clock import to_db
    from bbdispatch.domain.audit_chain import GENESIS, canonical, digest, link

    (person_id,) = conn.execute("SELECT id FROM technician WHERE login = ?", (login,)).fetchone()
    last = conn.execute("SELECT id, chain_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row_id = 1 if last is None else int(last[0]) + 1
    at = to_db(datetime.now(UTC))
    detail = json.dumps({"login": login, "role": role}, ensure_ascii=False)
    detail_digest = digest(detail)
    chain_hash = link(
        GENESIS if last is None else str(last[1]),
        canonical(row_id, at, "system", "technician", person_id, "role_changed", detail_digest),
    )
    conn.execute(
        "INSERT INTO audit_log"
        " (id, at, actor, entity, entity_id, action, detail, detail_digest, chain_hash)"
        " VALUES (?, ?, 'system', 'technician', ?, 'role_changed', ?, ?, ?)",
        (row_id, at, person_id, detail, detail_digest, chain_hash),
    )


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per generated table, for the generator's summary line."""
    return {
        t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in sorted(_TABLES)
    }
