"""Long writes commit in chunks, rings get in meanwhile, and a ring that cannot is spooled."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
import textwrap
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FrozenClock, SystemClock
from bbdispatch.pricelist import load_pricelist
from bbdispatch.services.context import Ctx
from bbdispatch.services.import_clients import (
    ImportedRow,
    InterruptedImport,
    finish_imports,
    import_clients,
    interrupted_imports,
    parse_client_csv,
)
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import db_file, spool
from bbdispatch.storage import imports as import_store
from bbdispatch.storage.database import Database, DatabaseBusy
from bbdispatch.storage.imports import BatchState, StagedClient

RINGER = textwrap.dedent(
    """
    import asyncio, sys, time
    from bbdispatch.clock import SystemClock
    from bbdispatch.domain.rights import Principal
    from bbdispatch.pricelist import load_pricelist
    from bbdispatch.services.context import Ctx
    from bbdispatch.services.intake import record_ring
    from bbdispatch.storage.database import Database

    async def main(path, count):
        db = await Database.open(path, create=False)
        ctx = Ctx(db=db, clock=SystemClock(), prices=load_pricelist(), actor="pbx",
                  fallback=Principal.PHONE)
        print("ready", flush=True)
        for n in range(count):
            await record_ring(ctx, f"+48 602 100 {n:03d}")
            print(f"{time.time():.4f}", flush=True)  # when it landed
            await asyncio.sleep(0.1)
        await db.close()

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    """
)


def client_file(count: int) -> str:
    rows = [f"Firma {n:05d};firma;22 {1000000 + n:07d}" for n in range(count)]
    return "nazwa;rodzaj;telefon\n" + "\n".join(rows) + "\n"


async def test_rings_land_during_a_long_import(demo_ctx: Ctx) -> None:
    """Every ring lands, in order, none queued, while a long import writes, none after it.

    How fast (the 1 s goal) is measured in ``benchmarks/rings_during_import.py``,
    not asserted here: a loaded machine makes wall-clock bounds flaky. What is
    asserted is the property: rings get in *during* the import (between its
    transactions), so no ring waits for the whole import.
    """
    rows = parse_client_csv(client_file(3000))
    ringer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RINGER, str(demo_ctx.db.path), "15",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert ringer.stdout is not None
    assert (await asyncio.wait_for(ringer.stdout.readline(), timeout=120)).strip() == b"ready"
    started = time.time()
    summary = await import_clients(demo_ctx, rows, chunk=100, pause=0.05)
    finished = time.time()
    out, err = await asyncio.wait_for(ringer.communicate(), timeout=120)
    assert ringer.returncode == 0, err.decode()
    landed = [float(x) for x in out.decode().split()]
    assert len(landed) == 15
    during = [at for at in landed if started < at < finished]
    assert during, (started, finished, landed)  # rings got in while the import ran
    numbers = await demo_ctx.db.fetch_all(
        "SELECT raw_number FROM call_log WHERE raw_number LIKE '+48 602 100 %' ORDER BY id"
    )
    assert [r[0] for r in numbers] == [f"+48 602 100 {n:03d}" for n in range(15)]
    assert summary.added == 3000
    assert await demo_ctx.db.fetch_value("SELECT count(*) FROM import_row") == 0
    assert spool.spooled_rings(demo_ctx.db.path) == []


async def test_readers_see_a_whole_import_or_nothing_of_it(demo_ctx: Ctx) -> None:
    """The board, lookup and ring matching never see part of a file, even a killed one."""
    rows = parse_client_csv(client_file(1500))
    staged_number = rows[-1].client.phones[0][0]
    reader = await Database.open(demo_ctx.db.path)
    shown = f"SELECT count(*) FROM client WHERE {client_store.SHOWN}"  # what every reader sees
    before = await reader.fetch_value(shown)
    importing = asyncio.create_task(import_clients(demo_ctx, rows, chunk=100, pause=0.03))
    seen: set[int] = set()
    matched_while_staged: list[int] = []
    looked_while_staged = 0
    while not importing.done():
        staged = await reader.fetch_value("SELECT count(*) FROM import_row")
        seen.add(await reader.fetch_value(shown))
        if staged and not await reader.fetch_value(
            "SELECT count(*) FROM import_batch WHERE state = 'done'"
        ):
            matched = [c.id for c in await client_store.clients_by_phone(reader, staged_number)]
            # Three reads, not one snapshot: the file may have been published between
            # them (a loaded machine), and then the client is rightly found.
            if not await reader.fetch_value(
                "SELECT count(*) FROM import_batch WHERE state = 'done'"
            ):
                looked_while_staged += 1
                matched_while_staged += matched
        await asyncio.sleep(0.005)
    summary = await importing
    seen.add(await reader.fetch_value(shown))
    await reader.close()
    assert summary.added == 1500
    assert looked_while_staged > 3
    assert seen == {before, before + 1500}
    assert matched_while_staged == []
    (found,) = await client_store.search_clients(demo_ctx.db, staged_number[3:])
    assert (found.name, found.phones[0].e164) == (rows[-1].client.name, staged_number)


async def test_a_killed_import_leaves_all_or_nothing_visible(demo_ctx: Ctx) -> None:
    """Killed once every row is staged (or the first clients show): the file is in whole or
    not at all, and the next import of it adds what is missing."""
    rows = parse_client_csv(client_file(1000))
    visible = f"SELECT count(*) FROM client WHERE {client_store.SHOWN}"
    before = await demo_ctx.db.fetch_value(visible)
    importing = asyncio.create_task(import_clients(demo_ctx, rows, chunk=100, pause=0.02))
    while not importing.done():
        staged = await demo_ctx.db.fetch_value("SELECT count(*) FROM import_row")
        shown = await demo_ctx.db.fetch_value(visible)
        if staged == 1000 or shown > before:
            break
        await asyncio.sleep(0.002)
    importing.cancel()  # as a kill -9 between two transactions
    with contextlib.suppress(asyncio.CancelledError):
        await importing
    shown = await demo_ctx.db.fetch_value(visible)
    assert shown in (before, before + 1000)
    assert await interrupted_imports(demo_ctx.db) == []  # nothing half-way to decide on
    summary = await import_clients(demo_ctx, rows, pause=0)
    assert summary.added == before + 1000 - shown
    assert await demo_ctx.db.fetch_value("SELECT count(*) FROM client") == before + 1000


async def test_clients_are_audited_once_each_even_when_killed_right_after_the_publish(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit rows are written after the publish (it holds the write lock): a process
    killed in between leaves them to the next import, which writes each once."""
    import bbdispatch.services.import_clients as service

    async def killed(*_args: object, **_kwargs: object) -> None:
        return None

    rows = parse_client_csv(client_file(450))
    with monkeypatch.context() as patch:
        patch.setattr(service, "_clear", killed)
        summary = await import_clients(ctx, rows, chunk=100, pause=0)
    assert summary.added == 450
    audited = "SELECT count(*) FROM audit_log WHERE entity = 'client' AND action = 'imported'"
    assert await ctx.db.fetch_value(audited) == 0
    assert await ctx.db.fetch_value("SELECT count(*) FROM import_row") == 450
    await finish_imports(ctx, pause=0)
    assert await ctx.db.fetch_value(audited) == 450
    assert await ctx.db.fetch_value(
        "SELECT count(DISTINCT entity_id) FROM audit_log"
        " WHERE entity = 'client' AND action = 'imported'"
    ) == await ctx.db.fetch_value("SELECT count(*) FROM client")
    assert await ctx.db.fetch_value("SELECT count(*) FROM import_row") == 0
    again = await import_clients(ctx, rows, pause=0)  # nothing more to add or audit
    assert (again.added, again.skipped) == (0, 450)
    assert await ctx.db.fetch_value(audited) == 450


async def test_a_file_with_a_client_twice_adds_it_once(ctx: Ctx) -> None:
    rows = parse_client_csv(client_file(5) + "Firma 00001;firma;22 1000001\n")
    summary = await import_clients(ctx, rows, pause=0)
    assert (summary.added, summary.skipped) == (5, 1)
    again = await import_clients(ctx, rows, pause=0)
    assert (again.added, again.skipped) == (0, 6)
    assert await ctx.db.fetch_value("SELECT count(*) FROM client") == 5
    assert await ctx.db.fetch_value("SELECT count(*) FROM client_phone") == 5


async def test_a_nip_taken_while_the_file_was_staged_is_left_out(ctx: Ctx) -> None:
    """A dispatcher adds a company while the import stages the same NIP: no crash, no twin."""
    text = "name;kind;nip\nAlfa;company;5260250274\nBeta;company;1234563218\n"
    rows = parse_client_csv(text)
    async with ctx.db.transaction():
        batch = await import_store.create_batch(ctx.db, "x.csv", "tester", ctx.clock.now())
        first = await client_store.reserve_client_ids(ctx.db, 2)
        await import_store.stage_clients(
            ctx.db, batch, [StagedClient(r.line, r.client, first + n) for n, r in enumerate(rows)]
        )
    async with ctx.db.transaction():
        await client_store.insert_client(ctx.db, rows[0].client, ctx.clock.now())
    async with ctx.db.transaction():
        published = await client_store.publish_staged(ctx.db, batch, ctx.clock.now())
    assert [r.line for r in published] == [rows[1].line]
    assert await ctx.db.fetch_value("SELECT count(*) FROM client") == 2


async def test_a_client_added_while_the_file_was_staged_is_not_added_twice(ctx: Ctx) -> None:
    """Another import or a dispatcher adds the same client (name and number, or a name
    without numbers) between staging and the publish: it is left out, not doubled."""
    text = "name;kind;phone\nAlfa;company;22 1000001\nBeta;company;\nGamma;company;\n"
    rows = parse_client_csv(text)
    async with ctx.db.transaction():
        batch = await import_store.create_batch(ctx.db, "x.csv", "tester", ctx.clock.now())
        first = await client_store.reserve_client_ids(ctx.db, 3)
        await import_store.stage_clients(
            ctx.db, batch, [StagedClient(r.line, r.client, first + n) for n, r in enumerate(rows)]
        )
    async with ctx.db.transaction():
        for r in rows[:2]:
            await client_store.insert_client(ctx.db, r.client, ctx.clock.now())
    async with ctx.db.transaction():
        published = await client_store.publish_staged(ctx.db, batch, ctx.clock.now())
    assert [r.line for r in published] == [rows[2].line]
    names = await ctx.db.fetch_all("SELECT name FROM client ORDER BY name")
    assert [n[0] for n in names] == ["Alfa", "Beta", "Gamma"]
    assert await ctx.db.fetch_value("SELECT count(*) FROM client_phone") == 1


async def test_an_import_that_dies_after_its_commit_point_is_finished(ctx: Ctx) -> None:
    rows = parse_client_csv(client_file(450))
    async with ctx.db.transaction():
        batch = await import_store.create_batch(ctx.db, "x.csv", "tester", ctx.clock.now())
        await import_store.stage_clients(
            ctx.db, batch, [StagedClient(r.line, r.client) for r in rows]
        )
        await import_store.set_state(ctx.db, batch, BatchState.READY)
    assert await ctx.db.fetch_value("SELECT count(*) FROM client") == 0  # staged: invisible
    (done,) = await finish_imports(ctx, pause=0)
    assert (done.added, done.skipped) == (450, 0)
    assert await ctx.db.fetch_value("SELECT count(*) FROM client") == 450


async def test_an_import_that_died_while_staging_leaves_nothing(ctx: Ctx) -> None:
    rows = parse_client_csv(client_file(10))
    async with ctx.db.transaction():
        batch = await import_store.create_batch(ctx.db, "x.csv", "tester", ctx.clock.now())
        await import_store.stage_clients(
            ctx.db, batch, [StagedClient(r.line, r.client) for r in rows]
        )
    assert await finish_imports(ctx) == []  # maybe still running: left alone
    assert isinstance(ctx.clock, FrozenClock)
    ctx.clock.advance(timedelta(hours=1))
    assert await finish_imports(ctx) == []
    assert await ctx.db.fetch_value("SELECT count(*) FROM import_row") == 0
    assert await ctx.db.fetch_value("SELECT count(*) FROM client") == 0


def test_a_ring_that_cannot_write_is_spooled_and_replayed(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hold = db_file.ExclusiveHold(demo_db_path)
    hold.take()  # as a restore does: nobody may write
    try:
        started = time.monotonic()
        assert main(["--db", str(demo_db_path), "ring", "+48 601 234 567"]) == 0
        assert time.monotonic() - started < 10
    finally:
        hold.release()
    out = capsys.readouterr().out
    assert "call queued: the database is busy (another program is writing);" in out
    assert "Not saved" not in out
    (queued,) = spool.spooled_rings(demo_db_path)
    assert queued.number == "+48 601 234 567"
    assert main(["--db", str(demo_db_path), "ring", "+48 698 765 432"]) == 0
    assert "1 queued call logged" in capsys.readouterr().out
    assert spool.spooled_rings(demo_db_path) == []

    async def calls() -> list[tuple[str, str]]:
        db = await Database.open(demo_db_path)
        rows = await db.fetch_all(
            "SELECT raw_number, received_at FROM call_log WHERE source = 'ring' ORDER BY id"
        )
        await db.close()
        return [(r[0], r[1]) for r in rows]

    logged = asyncio.run(calls())
    assert [n for n, _at in logged][-2:] == ["+48 698 765 432", "+48 601 234 567"]
    assert logged[-1][1] <= logged[-2][1]  # the queued call keeps its own time


async def test_a_write_that_waits_is_told_and_one_that_gives_up_is_a_clear_refusal(
    demo_ctx: Ctx,
) -> None:
    told: list[bool] = []
    demo_ctx.db.on_write_wait(told.append)
    other = await Database.open(demo_ctx.db.path)
    async with other.transaction():
        demo_ctx.db.lock_wait_seconds = 0.8
        with pytest.raises(DatabaseBusy, match="What you typed is kept"):
            async with demo_ctx.db.transaction():
                pass
    await other.close()
    assert told == [True, False]


async def test_every_connection_commits_with_synchronous_full(ctx: Ctx) -> None:
    assert await ctx.db.fetch_value("PRAGMA synchronous") == 2  # FULL: fsync at each commit


async def _interrupt(ctx: Ctx, lines: int, moved: int) -> int:
    """A batch of ``lines`` rows past its commit point, killed after ``moved`` went in."""
    rows = parse_client_csv(client_file(lines))
    async with ctx.db.transaction():
        batch = await import_store.create_batch(ctx.db, "big.csv", "tester", ctx.clock.now())
        await import_store.stage_clients(
            ctx.db, batch, [StagedClient(r.line, r.client) for r in rows]
        )
        await import_store.set_state(ctx.db, batch, BatchState.READY)
    async with ctx.db.transaction():
        for r in rows[:moved]:
            await client_store.insert_client(ctx.db, r.client, ctx.clock.now())
        await import_store.drop_rows(ctx.db, batch, [r.line for r in rows[:moved]])
        await import_store.count_moved(ctx.db, batch, moved, 0)
    return batch


async def test_an_unrelated_import_does_not_silently_finish_an_interrupted_one(
    ctx: Ctx,
) -> None:
    await _interrupt(ctx, 40, 12)
    other = [  # another file
        ImportedRow(r.line, replace(r.client, name=f"Inna {r.line}", phones=()))
        for r in parse_client_csv(client_file(3))
    ]
    with pytest.raises(InterruptedImport) as err:
        await import_clients(ctx, other, source="small.csv", pause=0)
    message = str(err.value)
    assert "big.csv" in message and "12 clients added, 28 not yet" in message
    assert "--finish-interrupted" in message and "--drop-interrupted" in message
    assert await ctx.db.fetch_value("SELECT count(*) FROM client") == 12  # nothing more
    await import_clients(ctx, other, source="small.csv", pause=0, interrupted="drop")
    assert await ctx.db.fetch_value("SELECT count(*) FROM client") == 15
    assert await interrupted_imports(ctx.db) == []


async def test_finish_interrupted_adds_the_rest_first(ctx: Ctx) -> None:
    await _interrupt(ctx, 40, 12)
    (waiting,) = await interrupted_imports(ctx.db)
    assert (waiting.source, waiting.added, waiting.left) == ("big.csv", 12, 28)
    await import_clients(ctx, [], source="empty.csv", pause=0, interrupted="finish")
    assert await ctx.db.fetch_value("SELECT count(*) FROM client") == 40


def test_check_and_doctor_say_an_import_was_interrupted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "firm.db"
    assert main(["--db", str(db_path), "init"]) == 0

    async def interrupt() -> None:
        db = await Database.open(db_path)
        ctx = Ctx(db=db, clock=SystemClock(), prices=load_pricelist(), actor="tester")
        await _interrupt(ctx, 40, 12)
        await db.close()

    asyncio.run(interrupt())
    small = tmp_path / "small.csv"
    small.write_text("name,kind\nInna firma,company\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--db", str(db_path), "import", "--check", str(small)]) == 0
    assert "import of big.csv" in capsys.readouterr().err
    assert main(["--db", str(db_path), "import", str(small)]) == 1
    err = capsys.readouterr().err
    assert "was interrupted" in err and "--finish-interrupted" in err
    main(["--db", str(db_path), "doctor", "--root", str(tmp_path)])
    assert any(
        line.startswith("FIX") and "big.csv" in line
        for line in capsys.readouterr().out.splitlines()
    )
    assert main(["--db", str(db_path), "import", "--finish-interrupted", str(small)]) == 0
    assert "1 client added" in capsys.readouterr().out


def test_a_ring_logged_but_kept_from_replaying_is_never_queued_too(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its own call committed, the queued ones met a busy database: it was spooled again.

    Ten rings at once on a loaded machine logged some calls twice: a ring whose
    replay of older queued calls found the database busy queued its own call,
    already logged, once more.
    """
    from bbdispatch.commands import ring as command
    from bbdispatch.storage.database import busy_too_long

    async def busy(ctx: object) -> int:
        raise busy_too_long()

    monkeypatch.setattr(command, "replay_spooled_rings", busy)
    assert main(["--db", str(demo_db_path), "ring", "+48 601 234 567"]) == 0
    assert capsys.readouterr().out.startswith("call ")
    assert spool.spooled_rings(demo_db_path) == []
    conn = sqlite3.connect(demo_db_path)
    try:
        logged = conn.execute(
            "SELECT count(*) FROM call_log WHERE raw_number = '+48 601 234 567'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert logged == 1
