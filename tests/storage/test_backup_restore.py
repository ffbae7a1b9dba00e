"""Backup under load and the restore drill: a copy taken while 10 processes write comes back equal."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.errors import DomainError, NotAllowed
from bbdispatch.pricelist import PriceList
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import os_login
from bbdispatch.services.safekeeping import _folder_lock, backup, restore
from bbdispatch.storage import db_file
from bbdispatch.storage.database import (
    HIGH_WATER_TABLES,
    Database,
    DatabaseBusy,
    SchemaTooNew,
    StorageError,
    open_lock_fd,
    share_open_lock,
)

WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from bbdispatch.clock import SystemClock
    from bbdispatch.domain.people import Role
    from bbdispatch.domain.rights import Principal
    from bbdispatch.pricelist import load_pricelist
    from bbdispatch.services.context import Ctx
    from bbdispatch.services.intake import record_ring
    from bbdispatch.services.people import add_person
    from bbdispatch.storage.database import Database

    async def main(path, tag, count):
        db = await Database.open(path, create=False)
        ctx = Ctx(db=db, clock=SystemClock(), prices=load_pricelist(), actor=tag,
                  fallback=Principal.SYSTEM)
        for i in range(count):
            await record_ring(ctx, f"+4860{tag[1:]:0>2}{i:05d}")
            if i % 5 == 0:
                await add_person(ctx, f"{tag}-{i}", f"Person {tag} {i}", Role.TECHNICIAN,
                                 skills=frozenset({"network"}))
        await db.close()

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    """
)
WRITERS = 10
PER_WRITER = 60


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {t: db_file.table_rows(path, t) for t in db_file.user_tables(conn)}
    finally:
        conn.close()


async def test_backup_while_ten_processes_write_restores_equal(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    calls_before = await db.fetch_value("SELECT count(*) FROM call_log")
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WRITER,
            str(demo_db_path),
            f"w{n}",
            str(PER_WRITER),
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        for n in range(WRITERS)
    ]
    deadline = time.monotonic() + 60
    while await db.fetch_value("SELECT count(*) FROM call_log") < calls_before + 3 * WRITERS:
        assert time.monotonic() < deadline, "the writers never started"
        await asyncio.sleep(0.05)
    started = time.monotonic()
    done = await backup(ctx, output=tmp_path / "under-load.db")
    took = time.monotonic() - started
    for p in procs:
        _out, err = await asyncio.wait_for(p.communicate(), timeout=120)
        assert p.returncode == 0, err.decode()
    final_calls = await db.fetch_value("SELECT count(*) FROM call_log")
    await db.close()

    assert done.check.ok and done.check.schema_version >= 4
    in_backup = done.check.row_counts["call_log"]
    # Taken mid-way: writes before it are in, writes after it are not.
    assert calls_before < in_backup < final_calls == calls_before + WRITERS * PER_WRITER
    print(f"backup under {WRITERS} writers: {took:.2f} s, {done.size} bytes, {in_backup} calls")

    # Consistent: every row in the copy is, unchanged, in the source (a prefix of its history).
    source, copy = _rows(demo_db_path), _rows(done.path)
    for table, rows in copy.items():
        if table == "id_high_water":  # counters: the source's have only grown since
            assert all(n <= dict(source[table])[t] for t, n in rows), table
            continue
        assert set(rows) <= set(source[table]), table
    # Each writer's rings are a gapless prefix: no commit torn or skipped.
    numbers = [r[3] for r in copy["call_log"] if r[3] and r[3].startswith("+4860")]
    for n in range(WRITERS):
        mine = sorted(int(x[-5:]) for x in numbers if x[5:7] == f"{n:02d}")
        assert mine == list(range(len(mine)))

    restored_path = tmp_path / "restored.db"
    result = await restore(done.path, restored_path, "tester", clock=clock)
    assert result.kept_aside is None
    restored = _rows(restored_path)
    assert restored.keys() == copy.keys()
    for table in copy:
        if table == "audit_log":
            assert restored[table][:-1] == copy[table]
            assert restored[table][-1][5] == "restored"
        else:
            assert restored[table] == copy[table], table


async def test_restore_keeps_the_old_database_aside(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    done = await backup(ctx, output=tmp_path / "b.db")
    async with db.transaction():
        await db.execute("DELETE FROM technician_skill")
    await db.close()
    result = await restore(done.path, demo_db_path, "tester", clock=clock)
    assert result.kept_aside is not None and result.kept_aside.exists()
    assert db_file.check_file(result.kept_aside).row_counts["technician_skill"] == 0
    assert db_file.check_file(demo_db_path).row_counts["technician_skill"] > 0


async def test_restores_in_the_same_second_keep_every_old_database(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Same stamp, three restores: each replaced database is kept under its own name."""
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    done = await backup(ctx, output=tmp_path / "b.db")
    await db.close()
    kept = []
    for mark in ("MARK1", "MARK2", "MARK3"):
        with sqlite3.connect(demo_db_path) as conn:
            conn.execute(
                "INSERT INTO call_log (received_at, raw_number) VALUES (?, ?)",
                ("2026-12-01T08:00:00Z", mark),
            )
        conn.close()
        result = await restore(done.path, demo_db_path, "tester", clock=clock)
        assert result.kept_aside is not None
        kept.append(result.kept_aside)
    assert len(set(kept)) == 3
    for path, mark in zip(kept, ("MARK1", "MARK2", "MARK3"), strict=True):
        with sqlite3.connect(path) as conn:
            found = conn.execute("SELECT COUNT(*) FROM call_log WHERE raw_number = ?", (mark,))
            assert found.fetchone()[0] == 1, path
        conn.close()


async def test_restore_refuses_a_database_in_use(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    done = await backup(ctx, output=tmp_path / "b.db")
    with pytest.raises(StorageError, match="in use"):
        await restore(done.path, demo_db_path, "tester", clock=clock)
    assert await db.fetch_value("SELECT count(*) FROM client") > 0  # untouched, still open
    await db.close()


async def test_two_restores_at_once_one_waits_its_turn_clearly(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """A second restore while one runs is refused in one line; nothing is mixed up."""
    db = await Database.open(demo_db_path)
    done = await backup(Ctx(db=db, clock=clock, prices=prices, actor="tester"),
                        output=tmp_path / "b.db")  # fmt: skip
    await db.close()
    with _folder_lock(demo_db_path.parent) as alone:  # as a restore running meanwhile
        assert alone
        with pytest.raises(DomainError, match="Another restore into .* is running"):
            await restore(done.path, demo_db_path, "tester", clock=clock)
    assert db_file.check_file(demo_db_path).ok
    result = await restore(done.path, demo_db_path, "tester", clock=clock)
    assert result.kept_aside is not None


async def test_two_restore_processes_at_once_leave_one_sound_database(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    async with db.transaction():  # this login restores (a command runs as the OS login)
        await db.execute(
            "INSERT INTO technician (id, login, name, role, does_onsite)"
            " VALUES (900, ?, 'Admin', 'admin', 0)",
            (os_login(),),
        )
        # as bbdispatch records every role it gives (docs/rights.md, "Roles")
        await audit.record(ctx, "technician", 900, "created", login=os_login(), role="admin")
    first = await backup(ctx, output=tmp_path / "a.db")
    async with db.transaction():
        await db.execute("DELETE FROM technician_skill")
    second = await backup(ctx, output=tmp_path / "b.db")
    await db.close()
    runs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bbdispatch",
            "--db",
            str(demo_db_path),
            "restore",
            str(f),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "USER": "tester", "LOGNAME": "tester"},
        )  # fmt: skip
        for f in (first.path, second.path)
    ]
    outcomes = [await asyncio.wait_for(r.communicate(), timeout=120) for r in runs]
    codes = [r.returncode for r in runs]
    assert 0 in codes, outcomes
    for run, (_out, err) in zip(runs, outcomes, strict=True):
        if run.returncode != 0:  # refused in one clear line, never a traceback
            text = err.decode()
            assert text.count("\n") == 1 and ("running" in text or "in use" in text), text
    check = db_file.check_file(demo_db_path)
    assert check.ok
    assert not list(demo_db_path.parent.glob(".*restoring*"))


OPENER = textwrap.dedent(
    """
    import asyncio, sys
    from bbdispatch.clock import SystemClock
    from bbdispatch.domain.rights import Principal
    from bbdispatch.pricelist import load_pricelist
    from bbdispatch.services.context import Ctx
    from bbdispatch.services.intake import record_ring
    from bbdispatch.storage.database import Database

    async def main(path, number):
        print("ready", flush=True)
        db = await Database.open(path, create=False)
        ctx = Ctx(db=db, clock=SystemClock(), prices=load_pricelist(), actor="pbx",
                  fallback=Principal.PHONE)
        await record_ring(ctx, number)
        await db.close()
        print("rang", flush=True)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)
"""A second process (the phone system's ``ring``) that opens the database and writes once."""


async def test_a_process_opening_the_database_during_the_swap_writes_into_the_restored_one(
    demo_db_path: Path,
    tmp_path: Path,
    clock: FrozenClock,
    prices: PriceList,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another process opens the database while the restore holds it to swap the file in:
    it waits, then writes into the restored database, never into the one kept aside."""
    db = await Database.open(demo_db_path)
    done = await backup(Ctx(db=db, clock=clock, prices=prices, actor="tester"),
                        output=tmp_path / "b.db")  # fmt: skip
    await db.close()
    number = "+48 609 555 123"
    opener: list[subprocess.Popen[str]] = []
    real_take = db_file.ExclusiveHold.take

    def take_then_let_another_process_open(self: db_file.ExclusiveHold) -> None:
        real_take(self)  # the old file is held for the swap: now someone opens it
        child = subprocess.Popen(
            [sys.executable, "-c", OPENER, str(demo_db_path), number],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        opener.append(child)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # it is opening (or waiting to) while the swap is under way

    monkeypatch.setattr(db_file.ExclusiveHold, "take", take_then_let_another_process_open)
    result = await restore(done.path, demo_db_path, "tester", clock=clock)
    monkeypatch.undo()
    (child,) = opener
    out, err = await asyncio.to_thread(child.communicate, timeout=120)
    assert child.returncode == 0, err
    assert out.split() == ["rang"]
    assert result.kept_aside is not None
    rang = "SELECT count(*) FROM call_log WHERE raw_number = ?"
    with sqlite3.connect(demo_db_path) as restored:
        assert restored.execute(rang, (number,)).fetchone()[0] == 1
    with sqlite3.connect(result.kept_aside) as kept:
        assert kept.execute(rang, (number,)).fetchone()[0] == 0
    assert db_file.check_file(result.kept_aside).ok


async def test_an_open_waiting_on_a_restore_says_so_in_one_line(
    demo_db_path: Path, tmp_path: Path
) -> None:
    """Held past the wait (a restore stuck in its swap): the opener is told, nothing opened."""
    import fcntl

    fd = open_lock_fd(demo_db_path, required=True)
    assert fd is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(DatabaseBusy, match="A restore into .* is in progress"):
            await share_open_lock(demo_db_path, wait_seconds=0.1)
    finally:
        os.close(fd)
    db = await Database.open(demo_db_path)  # let go: it opens
    await db.close()


@pytest.mark.usefixtures("umask_022")
async def test_a_restore_into_a_new_place_is_0660_and_clears_a_killed_restores_leftovers(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    db = await Database.open(demo_db_path)
    done = await backup(Ctx(db=db, clock=clock, prices=prices, actor="tester"),
                        output=tmp_path / "b.db")  # fmt: skip
    await db.close()
    target = tmp_path / "new" / "firm.db"
    target.parent.mkdir()
    for name in (".firm.db.restoring", ".firm.db.restoring-wal"):
        (target.parent / name).write_bytes(b"killed half-way")
    await restore(done.path, target, "tester", clock=clock)
    assert stat.S_IMODE(target.stat().st_mode) == 0o660
    # the open-lock every process holds while it has the database open stays
    assert sorted(p.name for p in target.parent.iterdir()) == ["firm.db", "firm.db.open-lock"]
    assert stat.S_IMODE((target.parent / "firm.db.open-lock").stat().st_mode) == 0o660
    assert db_file.check_file(target).ok


async def test_a_restore_that_fails_at_the_swap_leaves_the_old_database_in_place(
    demo_db_path: Path,
    tmp_path: Path,
    clock: FrozenClock,
    prices: PriceList,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As a kill -9 between the two renames would: never no database at the path."""
    db = await Database.open(demo_db_path)
    done = await backup(Ctx(db=db, clock=clock, prices=prices, actor="tester"),
                        output=tmp_path / "b.db")  # fmt: skip
    await db.close()
    before = db_file.check_file(demo_db_path)

    def refusing(real: Callable[[str, str], None]) -> Callable[[str, str], None]:
        def move(src: str, dst: str) -> None:
            if str(src).endswith(".restoring"):
                raise OSError(5, "Input/output error")
            real(src, dst)

        return move

    monkeypatch.setattr(os, "replace", refusing(os.replace))
    monkeypatch.setattr(os, "rename", refusing(os.rename))
    with pytest.raises(OSError, match="Input/output error"):
        await restore(done.path, demo_db_path, "tester", clock=clock)
    monkeypatch.undo()
    assert db_file.check_file(demo_db_path).row_counts == before.row_counts


async def test_restore_refuses_a_newer_schema_and_a_stranger_file(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(demo_db_path)
    conn.execute("VACUUM INTO ?", (str(newer),))
    conn.close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(SchemaTooNew):
        await restore(newer, tmp_path / "x.db", "tester", clock=clock)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StorageError, match="not a bbdispatch database"):
        await restore(other, tmp_path / "y.db", "tester", clock=clock)
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all " * 100)
    with pytest.raises(StorageError):
        await restore(text, tmp_path / "z.db", "tester", clock=clock)
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "y.db").exists()


async def test_backup_and_restore_are_for_admins(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    db = await Database.open(demo_db_path)
    anna = Ctx(db=db, clock=clock, prices=prices, actor="anna")
    with pytest.raises(NotAllowed):
        await backup(anna, output=tmp_path / "b.db")
    assert not (tmp_path / "b.db").exists()
    done = await backup(anna.acting_as("tester"), output=tmp_path / "b.db")
    with pytest.raises(DomainError, match="exists already"):
        await backup(anna.acting_as("tester"), output=tmp_path / "b.db")
    await db.close()
    with pytest.raises(NotAllowed):
        await restore(done.path, demo_db_path, "anna", clock=clock)


async def test_ids_handed_out_before_a_restore_are_never_handed_out_again(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Calls logged after the backup (their ids printed to the phone system) keep them.

    The restored copy goes on above the replaced database's ids, so the next
    call is not given the number of one that is now only in the kept-aside file.
    """
    from bbdispatch.domain.rights import Principal
    from bbdispatch.services.callers import record_ring

    db = await Database.open(demo_db_path)
    done = await backup(Ctx(db=db, clock=clock, prices=prices, actor="tester"),
                        output=tmp_path / "b.db")  # fmt: skip
    pbx = Ctx(db=db, clock=clock, prices=prices, actor="pbx", fallback=Principal.PHONE)
    after_backup = [(await record_ring(pbx, f"+48 601 000 00{n}"))[0] for n in range(3)]
    await db.close()

    await restore(done.path, demo_db_path, "tester", clock=clock)

    db = await Database.open(demo_db_path)
    pbx = Ctx(db=db, clock=clock, prices=prices, actor="pbx", fallback=Principal.PHONE)
    next_call, _match = await record_ring(pbx, "+48 601 000 009")
    await db.close()
    assert next_call > max(after_backup), (next_call, after_backup)


def _marks(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        marks = dict(conn.execute("SELECT entity, last_id FROM id_high_water"))
    conn.close()
    return {str(k): int(v) for k, v in marks.items()}


async def test_no_table_hands_out_an_id_of_the_replaced_database_again(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Jobs, work entries, statements, ...: every table with ids goes on above the replaced one.

    After the backup the live database gave out ids the backup never saw (and
    some of those records were erased since, so only the marks remember them);
    the restored database hands out none of them, on every table.
    """
    db = await Database.open(demo_db_path)
    done = await backup(Ctx(db=db, clock=clock, prices=prices, actor="tester"),
                        output=tmp_path / "b.db")  # fmt: skip
    async with db.transaction():
        await db.execute("UPDATE id_high_water SET last_id = last_id + 40")
    await db.close()
    replaced = _marks(demo_db_path)
    assert set(replaced) == set(HIGH_WATER_TABLES)

    result = await restore(done.path, demo_db_path, "tester", clock=clock)

    assert result.kept_aside is not None and _marks(result.kept_aside) == replaced
    restored = _marks(demo_db_path)
    assert {t: restored[t] >= replaced[t] for t in replaced} == dict.fromkeys(replaced, True)
    with sqlite3.connect(done.path) as conn:  # the backup itself stays as it was
        assert (
            dict(conn.execute("SELECT entity, last_id FROM id_high_water"))["job"] < replaced["job"]
        )
    conn.close()
