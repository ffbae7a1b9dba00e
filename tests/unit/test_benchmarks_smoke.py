"""The benchmark harness at a tiny scale, so it cannot rot between real runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import phonenumbers
import pytest
from stdnum.pl import nip as stdnum_nip

from bbdispatch.clock import FrozenClock, from_db
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.storage.database import Database
from benchmarks import data_benches, generate
from benchmarks.measure import render


def test_generator_builds_a_consistent_small_firm(tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    counts = generate.generate(path, generate.Scale(200))
    assert counts["client"] == 200
    assert counts["client_phone"] == 300
    assert counts["job"] == 600
    assert 1900 <= counts["work_entry"] <= 2000
    conn = sqlite3.connect(path)
    numbers = [r[0] for r in conn.execute("SELECT e164 FROM client_phone")]
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in numbers)
    nips = [r[0] for r in conn.execute("SELECT nip FROM client WHERE nip IS NOT NULL")]
    assert nips
    assert all(stdnum_nip.is_valid(n) for n in nips)
    # Every charge belongs to an entry, and a block never gives more than it holds.
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    over = conn.execute(
        "SELECT c.id FROM contract c JOIN charge ch ON ch.contract_id = c.id"
        " WHERE c.kind = 'block' GROUP BY c.id HAVING sum(ch.minutes) > c.minutes_included"
    ).fetchall()
    assert over == []
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    # Same generator, same data.
    again = tmp_path / "again.db"
    generate.generate(again, generate.Scale(200))
    first = sqlite3.connect(path).execute("SELECT group_concat(name) FROM client").fetchone()
    second = sqlite3.connect(again).execute("SELECT group_concat(name) FROM client").fetchone()
    assert first == second


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    path = tmp_path / "small.db"
    generate.generate(path, generate.Scale(200))
    return path


async def test_lookup_benchmark_runs_and_reports(small_db: Path, prices: PriceList) -> None:
    path = small_db
    db = await Database.open(path)
    ctx = Ctx(db=db, clock=FrozenClock(from_db(generate.utc(generate.NOW))), prices=prices,
              actor="t", fallback=Principal.SYSTEM)  # fmt: skip
    bare = sqlite3.connect(path)
    try:
        rows = await data_benches.lookup(ctx, bare, 20)
    finally:
        bare.close()
        await db.close()
    assert [r.measure for r in rows][:2] == ["median", "p99"]  # then CPU time, where measured
    assert all(r.value > 0 and r.bare for r in rows)
    table = render(rows)
    assert "caller lookup by number" in table
    assert rows[0].verdict in ("met", "MISSED")
