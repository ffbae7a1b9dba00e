"""Copying a whole database between backends, table by table, and comparing the copies.

For ``bbdispatch migrate --to postgresql://...``: every row keeps its id, and the
counts, money and minutes of both sides are compared afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from bbdispatch.storage.database import Database

SKIPPED = frozenset({"id_high_water"})
"""Kept by triggers on the target as rows arrive; compared, not copied."""
BATCH = 5000
"""Rows read and written at a time."""


@dataclass(frozen=True)
class TableFigures:
    """What one table holds: rows, and the sum of each money or minutes column."""

    table: str
    rows: int
    sums: tuple[tuple[str, int], ...]


async def table_columns(db: Database) -> dict[str, list[str]]:
    """Every bbdispatch table and its columns, parents before children (foreign keys)."""
    if db.dialect == "sqlite":
        tables = await db.fetch_all(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'client_search%'"
            " ORDER BY rowid"
        )
        found: dict[str, list[str]] = {}
        for (table,) in [tuple(t) for t in tables]:
            cols = await db.fetch_all(f'PRAGMA table_info("{table}")')
            found[str(table)] = [str(c[1]) for c in cols]
        return found
    rows = await db.fetch_all(
        "SELECT c.relname, a.attname FROM pg_class c"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
        " AND c.relname <> 'bbdispatch_schema' ORDER BY c.oid, a.attnum"
    )
    ordered: dict[str, list[str]] = {}
    for r in rows:
        ordered.setdefault(str(r[0]), []).append(str(r[1]))
    return ordered


async def copy_all(source: Database, target: Database) -> list[str]:
    """Copy every row of ``source`` into the empty ``target``, in its transaction.

    Returns the tables copied. Raises what the target raises (a constraint, a
    type): the caller's transaction then rolls everything back.
    """
    copied = []
    for table, columns in (await table_columns(source)).items():
        if table in SKIPPED:
            continue
        names = ", ".join(f'"{c}"' for c in columns)
        offset = 0
        while True:
            rows = await source.fetch_all(
                f'SELECT {names} FROM "{table}" ORDER BY rowid LIMIT ? OFFSET ?',
                (BATCH, offset),
            )
            if not rows:
                break
            await target.copy_rows(table, columns, [tuple(r) for r in rows])
            offset += len(rows)
        copied.append(table)
    for r in await source.fetch_all("SELECT entity, last_id FROM id_high_water"):
        # An erased record's id stays used on the target too.
        await target.execute(
            "UPDATE id_high_water SET last_id = ? WHERE entity = ? AND last_id < ?",
            (r[1], r[0], r[1]),
        )
    return copied


async def figures(db: Database) -> list[TableFigures]:
    """Rows per table and the sum of every ``*_grosze``, ``*minutes*`` and ``*_delta`` column."""
    found = []
    for table, columns in (await table_columns(db)).items():
        summed = [c for c in columns if c.endswith("_grosze") or "minutes" in c or c == "last_id"]
        parts = ["COUNT(*)", *[f'COALESCE(SUM("{c}"), 0)' for c in summed]]
        row = await db.fetch_one(f'SELECT {", ".join(parts)} FROM "{table}"')
        values = list(row) if row is not None else [0] * len(parts)
        found.append(
            TableFigures(
                table,
                int(values[0]),
                tuple((c, int(v)) for c, v in zip(summed, values[1:], strict=True)),
            )
        )
    return sorted(found, key=lambda f: f.table)


async def audit_head(db: Database) -> str:
    """The newest audit row's chain hash: equal on both sides when the trail came across whole."""
    value = await db.fetch_value("SELECT chain_hash FROM audit_log ORDER BY id DESC LIMIT 1")
    return "" if value is None else str(value)
