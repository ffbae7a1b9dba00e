"""Queries a person waits on read what they need from an index (SQLite's plan)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bbdispatch.storage.database import Database


async def test_used_minutes_of_contracts_come_from_the_index_alone(tmp_path: Path) -> None:
    """``lookup`` and the caller card sum every charge of a client's contracts.

    The busiest client's contracts hold tens of thousands of charges: summed
    from the table, each costs a page read (8-30 ms at 100,000 clients); from
    a covering index, under a millisecond.
    """
    db = await Database.open(tmp_path / "plan.db")
    await db.close()
    conn = sqlite3.connect(tmp_path / "plan.db")
    plan = " ".join(
        str(row[-1])
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT c.id, c.opening_used_minutes + coalesce("
            "(SELECT SUM(ch.minutes) FROM charge ch WHERE ch.contract_id = c.id), 0)"
            " FROM contract c WHERE c.id IN (1, 2)"
        )
    )
    conn.close()
    assert "USING COVERING INDEX charge_by_contract" in plan, plan
