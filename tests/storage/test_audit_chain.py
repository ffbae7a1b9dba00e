"""The audit trail's hash chain: changed, deleted or rewritten rows are found.

Unit and property tests of the pure chain, the migration that chains an old
database, two processes appending at once, and ``bbdispatch audit verify``.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.cli import main
from bbdispatch.domain.audit_chain import GENESIS, ChainedRow, Seal, digest, row_hash, verify
from bbdispatch.storage import audit as audit_store
from bbdispatch.storage.database import Database, migrations, split_statements

texts = st.text(max_size=12)


def _chain(contents: list[tuple[str, str, str]]) -> list[ChainedRow]:
    rows, previous = [], GENESIS
    for n, (actor, action, detail) in enumerate(contents, start=1):
        row = ChainedRow(
            n, "2026-12-01T00:00:00Z", actor, "job", n, action, detail, digest(detail), ""
        )
        previous = row_hash(previous, row)
        rows.append(replace(row, chain_hash=previous))
    return rows


trails = st.lists(st.tuples(texts, texts, texts), min_size=2, max_size=12)


@given(trails)
def test_a_chain_as_written_verifies(contents: list[tuple[str, str, str]]) -> None:
    rows = _chain(contents)
    result = verify(rows, Seal(rows[-1].id, rows[-1].chain_hash))
    assert result.ok and result.rows == len(rows)


@settings(max_examples=60)
@given(trails, st.data())
def test_any_changed_row_is_named(
    contents: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    rows = _chain(contents)
    i = data.draw(st.integers(0, len(rows) - 1))
    changed = replace(rows[i], actor=rows[i].actor + "!")
    result = verify([*rows[:i], changed, *rows[i + 1 :]])
    assert result.broken_id == rows[i].id
    assert f"audit row {rows[i].id}" in result.problem


@settings(max_examples=60)
@given(trails, st.data())
def test_a_deleted_row_is_named_by_the_next(
    contents: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    rows = _chain(contents)
    i = data.draw(st.integers(0, len(rows) - 2))
    result = verify([*rows[:i], *rows[i + 1 :]])
    assert result.broken_id == rows[i + 1].id
    assert "deleted" in result.problem


def test_a_changed_detail_is_a_break_but_a_privacy_erasure_is_counted() -> None:
    rows = _chain([("anna", "created", '{"name": "Ala"}'), ("beata", "assigned", '{"n": 1}')])
    edited = [rows[0], replace(rows[1], detail='{"n": 2}')]
    assert verify(edited).problem == "audit row 2: details changed"
    erased = [replace(rows[0], detail="{}"), rows[1]]
    result = verify(erased, Seal(2, rows[1].chain_hash))
    assert result.ok and result.erased == 1


async def test_privacy_erasure_of_stored_details_keeps_the_chain(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    async with demo_ctx.db.transaction():
        await audit_store.clear_details(demo_ctx.db, "client", [1, 2])
    result = verify([r async for r in audit_store.chained_rows(demo_ctx.db)])
    assert result.ok and result.erased > 0


def test_rows_deleted_from_the_end_or_a_rewritten_chain_need_the_seal() -> None:
    rows = _chain([("anna", "created", "{}"), ("beata", "assigned", "{}"), ("x", "y", "{}")])
    seal = Seal(rows[-1].id, rows[-1].chain_hash)
    assert verify(rows[:-1]).ok  # the chain alone cannot see a cut tail
    assert verify(rows[:-1], seal).broken_id == 3
    rewritten = _chain([("anna", "created", "{}"), ("beata", "assigned", "{}"), ("z", "y", "{}")])
    assert verify(rewritten).ok  # consistent in itself...
    assert "rewritten" in verify(rewritten, seal).problem  # ...but not the sealed head


async def test_rows_written_by_the_app_chain_and_verify(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    rows = [r async for r in audit_store.chained_rows(demo_ctx.db)]
    assert len(rows) > 20
    assert verify(rows).ok


async def test_migration_chains_an_old_databases_rows(tmp_path: Path) -> None:
    """A database at the schema before the chain, with audit rows, is chained on open."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    before_chain = [(n, name, sql) for n, name, sql in migrations() if n < 11]
    for number, _name, sql in before_chain:
        for statement in split_statements(sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    for i in range(5):
        conn.execute(
            "INSERT INTO audit_log (at, actor, entity, entity_id, action, detail)"
            " VALUES ('2026-11-24T09:00:00Z', 'anna', 'job', ?, 'created', '{}')",
            (i,),
        )
    conn.commit()
    conn.close()
    db = await Database.open(path, create=False)
    try:
        rows = [r async for r in audit_store.chained_rows(db)]
        assert len(rows) == 5 and all(r.chain_hash for r in rows)
        assert verify(rows).ok
    finally:
        await db.close()


APPENDER = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import datetime, timezone
    from bbdispatch.storage.audit import insert_audit
    from bbdispatch.storage.database import Database

    async def main(path, tag):
        db = await Database.open(path, create=False)
        for i in range(80):
            async with db.transaction():
                await insert_audit(db, datetime.now(timezone.utc), tag, "job", i, "w", {"i": i})
        await db.close()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def test_two_processes_appending_at_once_keep_one_valid_chain(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    db = await Database.open(path)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", APPENDER, str(path), f"p{n}", stderr=asyncio.subprocess.PIPE
        )
        for n in range(2)
    ]
    for p in procs:
        _out, err = await asyncio.wait_for(p.communicate(), timeout=120)
        assert p.returncode == 0, err.decode()
    rows = [r async for r in audit_store.chained_rows(db)]
    await db.close()
    assert len(rows) == 160
    assert {r.actor for r in rows} == {"p0", "p1"}
    assert verify(rows).ok


def test_audit_verify_command(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(demo_db_path)
    assert main(["--db", db, "audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out
    assert main(["--db", db, "audit", "verify", "--seal"]) == 0
    seal = json.loads(demo_db_path.with_name("demo.db.audit-head").read_text())
    capsys.readouterr()
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 7")
    assert main(["--db", db, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "audit row 7: changed" in err
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE id >= 7")
    assert main(["--db", db, "audit", "verify", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["broken_id"] == seal["id"]
    assert "deleted" in out["problem"]
