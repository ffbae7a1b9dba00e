"""The audit trail's hash chain: changed, deleted or rewritten rows are found.

Unit and property tests of the pure chain, the migration that chains an old
database, two processes appending at once, and ``bbdispatch audit verify``.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import sqlite3
import stat
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.cli import main
from bbdispatch.domain.audit_chain import GENESIS, ChainedRow, Seal, digest, row_hash, verify
from bbdispatch.services.audit import planted_seal
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
    out = capsys.readouterr().out
    assert "audit trail intact" in out and "no seal: rows may have been rewritten" in out
    assert main(["--db", db, "audit", "verify", "--seal"]) == 0
    assert "no seal" not in capsys.readouterr().out
    assert main(["--db", db, "audit", "verify"]) == 0
    assert "no seal" not in capsys.readouterr().out
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


def test_a_seal_planted_by_someone_who_can_write_the_database_is_refused(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A technician rewrites the newest rows and plants a matching head beside the database.

    The forged head verifies against the forged chain, so what gives it away is the
    file: a technician's own, a link, or writable by the group. Tests run as root,
    so the technician's ownership is made with chown.
    """
    db = str(demo_db_path)
    seal = demo_db_path.with_name("demo.db.audit-head")
    with sqlite3.connect(demo_db_path) as conn:  # the forgery: rewrite the last row, rechain
        last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = ?", (last,))
        rows = [ChainedRow(*r) for r in conn.execute(
            "SELECT id, at, actor, entity, entity_id, action, detail, detail_digest, chain_hash"
            " FROM audit_log ORDER BY id")]  # fmt: skip
        head = ""
        for row in rows:
            head = row_hash(head or GENESIS, row)
            conn.execute("UPDATE audit_log SET chain_hash = ? WHERE id = ?", (head, row.id))
    seal.write_text(json.dumps({"id": last, "chain_hash": head, "sealed_by": "anna"}))
    os.chmod(seal, 0o644)
    os.chown(seal, 4242, 4242)  # anna's file
    assert main(["--db", db, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "belongs to 4242" in err and "planted" in err
    assert main(["--db", db, "audit", "verify", "--seal"]) == 1  # never sealed over it
    assert "planted" in capsys.readouterr().err
    os.chown(seal, 0, 0)
    os.chmod(seal, 0o664)
    assert main(["--db", db, "audit", "verify"]) == 1
    assert "664" in capsys.readouterr().err
    seal.unlink()
    elsewhere = demo_db_path.with_name("elsewhere.json")
    elsewhere.write_text(json.dumps({"id": last, "chain_hash": head}))
    seal.symlink_to(elsewhere)
    assert main(["--db", db, "audit", "verify"]) == 1
    assert "not a plain file" in capsys.readouterr().err


def test_sealing_never_writes_through_a_name_prepared_in_the_folder(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old ``<seal>.tmp`` name, prepared as a link to another file, is left alone."""
    victim = demo_db_path.with_name("victim.txt")
    victim.write_text("keep me\n")
    demo_db_path.with_name("demo.db.audit-head.tmp").symlink_to(victim)
    assert main(["--db", str(demo_db_path), "audit", "verify", "--seal"]) == 0
    assert victim.read_text() == "keep me\n"
    seal = demo_db_path.with_name("demo.db.audit-head")
    assert not seal.is_symlink() and stat.S_IMODE(seal.stat().st_mode) == 0o644
    assert main(["--db", str(demo_db_path), "audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out


def test_an_admins_own_seal_counts_only_when_the_admin_cannot_write_the_database(
    tmp_path: Path,
) -> None:
    """An admin outside the database's group sealed it: trusted. A member of that group
    could have made itself admin in the file, so its own seal is not."""
    nobody = pwd.getpwnam("nobody")
    db, seal = tmp_path / "firm.db", tmp_path / "firm.db.audit-head"
    db.touch()
    seal.write_text("{}")
    os.chmod(seal, 0o644)
    os.chown(seal, nobody.pw_uid, nobody.pw_gid)
    assert nobody.pw_gid != 4242
    os.chown(db, 0, 4242)  # the firm's group, nobody not in it
    assert planted_seal(seal, "nobody", db, ["nobody"]) == ""
    assert "planted" in planted_seal(seal, "nobody", db, [])  # not an admin
    assert "planted" in planted_seal(seal, "anna", db, ["anna", "nobody"])  # not who sealed
    os.chown(db, 0, nobody.pw_gid)
    assert "planted" in planted_seal(seal, "nobody", db, ["nobody"])


@pytest.mark.parametrize("plant", ["fifo", "dev-zero", "huge"])
def test_a_seal_that_is_no_plain_file_is_refused_without_reading_it(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], plant: str
) -> None:
    """A pipe would block ``audit verify`` for ever, ``/dev/zero`` fill the memory."""
    seal = demo_db_path.with_name("demo.db.audit-head")
    if plant == "fifo":
        os.mkfifo(seal)
    elif plant == "dev-zero":
        seal.symlink_to("/dev/zero")
    else:
        seal.write_text('{"id": 1, "chain_hash": "' + "0" * 100_000 + '"}')
    db = str(demo_db_path)
    assert main(["--db", db, "audit", "verify"]) == 1
    assert main(["--db", db, "audit", "verify", "--seal"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err
    assert ("cannot be read" if plant == "huge" else "not a plain file") in err
    assert seal.exists() or seal.is_symlink()


def test_the_database_owners_seal_counts_only_while_the_owner_is_an_admin(
    tmp_path: Path,
) -> None:
    """A technician who created the database file (ran ``init`` first on a new path)
    owns it; that alone must not make their seal trusted."""
    nobody = pwd.getpwnam("nobody")
    db, seal = tmp_path / "firm.db", tmp_path / "firm.db.audit-head"
    db.touch()
    seal.write_text("{}")
    os.chmod(seal, 0o644)
    for path in (db, seal):
        os.chown(path, nobody.pw_uid, nobody.pw_gid)  # the technician's database and seal
    assert "planted" in planted_seal(seal, "nobody", db, ["root", "bogdan"])
    assert "planted" in planted_seal(seal, "nobody", db, [])
    assert planted_seal(seal, "nobody", db, ["nobody"]) == ""  # the owner is an admin
    os.chown(seal, 0, 0)
    assert planted_seal(seal, "root", db, ["bogdan"]) == ""  # root's seal always counts


def test_a_file_before_migration_028_reads_its_unsalted_rows(tmp_path: Path) -> None:
    """doctor and backup open a file as it is: rows without a salt column still check out."""
    from bbdispatch.storage.bulk import record_role
    from bbdispatch.storage.role_records import role_record

    path = tmp_path / "old.db"
    assert main(["--db", str(path), "init"]) == 0
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE audit_log DROP COLUMN detail_salt")
    conn.execute("DELETE FROM audit_log")
    conn.execute("PRAGMA user_version = 27")
    conn.execute(
        "INSERT INTO technician (login, name, role) VALUES ('ola', 'Ola Stara', 'dispatcher')"
    )
    record_role(conn, "ola", "dispatcher")
    conn.commit()
    (person,) = conn.execute("SELECT id FROM technician WHERE login = 'ola'").fetchone()
    conn.close()

    async def check() -> None:
        db = await Database.open(path, create=False, migrate=False)
        try:
            record = await role_record(db, person)
            assert record is not None and record.intact
            trail = verify([row async for row in audit_store.chained_rows(db)])
            assert trail.ok and trail.rows == 1
        finally:
            await db.close()

    asyncio.run(check())
