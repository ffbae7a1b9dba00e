"""An import's publish: chunked and hidden, shown in one small transaction, killed cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.services.clients import create_client
from bbdispatch.services.context import Ctx
from bbdispatch.services.import_clients import import_clients, stream_clients
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import imports as import_store
from bbdispatch.storage.imports import StagedClient


def lines(count: int) -> Iterator[str]:
    yield "nazwa;rodzaj;telefon;nip\n"
    for n in range(count):
        yield f"Hurtownia {n:05d};firma;22 {3000000 + n:07d};\n"


async def test_the_commit_point_writes_no_client(demo_ctx: Ctx) -> None:
    """Clients go in a chunk per transaction; the one that shows them all writes none.

    Before, one transaction inserted every client of the file (about 6 s for 40 000
    rows, every ``ring`` waiting on it).
    """
    db = demo_ctx.db
    transactions: list[list[str]] = []
    original_execute = db.execute
    original_transaction = db.transaction

    async def execute(sql: str, params: Any = ()) -> int:
        if transactions:
            transactions[-1].append(sql)
        return await original_execute(sql, params)

    def transaction(**kwargs: Any) -> Any:
        transactions.append([])
        return original_transaction(**kwargs)

    db.execute = execute  # type: ignore[method-assign]
    db.transaction = transaction  # type: ignore[method-assign]
    summary = await import_clients(demo_ctx, stream_clients(lines(1000)), chunk=100, pause=0)
    assert summary.added == 1000
    inserting = [t for t in transactions if any("INSERT INTO client " in s for s in t)]
    assert len(inserting) >= 10  # a chunk each
    (commit,) = [t for t in transactions if any("SET state = ?" in s for s in t)]
    assert not any("INSERT INTO client" in s for s in commit)
    assert await db.fetch_value("SELECT count(*) FROM client WHERE import_batch IS NOT NULL") == 0


async def test_hidden_clients_are_shown_to_nobody(demo_ctx: Ctx) -> None:
    """Put in but not shown: no lookup, search, list or ring match finds them."""
    db = demo_ctx.db
    async with db.transaction():
        batch = await import_store.create_batch(db, "x.csv", "tester", demo_ctx.clock.now())
        first = await client_store.reserve_client_ids(db, 1)
        new = NewClient(
            kind=ClientKind.COMPANY, name="Ukryta Firma", nip="5260250274",
            phones=(("+48223000999", ""),),
        )  # fmt: skip
        await import_store.stage_clients(db, batch, [StagedClient(2, new, first)])
        await client_store.index_staged(db, batch, first, first)
        await client_store.publish_chunk(db, batch, 0, 10, demo_ctx.clock.now())
    assert await client_store.get_client(db, first) is None
    assert await client_store.clients_by_phone(db, "+48223000999") == []
    assert await client_store.client_by_nip(db, "5260250274") is None
    assert await client_store.search_clients(db, "ukryta") == []
    assert await client_store.search_clients_by_words(db, "ukryta firma") == []
    assert first not in [c.id for c in await client_store.all_clients(db)]
    # a dispatcher adds the same company meanwhile: theirs wins, no unique-index error
    mine = await create_client(demo_ctx, NewClient(kind=ClientKind.COMPANY, name="Ukryta Firma",
                                                   nip="5260250274"))  # fmt: skip
    assert await db.fetch_value("SELECT count(*) FROM client WHERE nip = '5260250274'") == 1
    found = await client_store.client_by_nip(db, "5260250274")
    assert found is not None and found.id == mine


CHECKOUT = str(Path(__file__).resolve().parents[2])
"""The checkout, on the killed process's import path."""

KILLED_IMPORT = textwrap.dedent(
    """
    import asyncio, sys
    from bbdispatch.clock import SystemClock
    from bbdispatch.domain.rights import Principal
    from bbdispatch.pricelist import load_pricelist
    from bbdispatch.services.context import Ctx
    from bbdispatch.services import import_clients as ic
    from bbdispatch.storage.database import Database

    async def main(path, count):
        db = await Database.open(path, create=False)
        ctx = Ctx(db=db, clock=SystemClock(), prices=load_pricelist(), actor="tester",
                  fallback=Principal.SYSTEM)
        rows = ["nazwa;rodzaj;telefon\\n"] + [
            f"Hurtownia {n:05d};firma;22 {3000000 + n:07d}\\n" for n in range(count)]
        await ic.import_clients(ctx, ic.stream_clients(iter(rows)), chunk=50, pause=0.2)

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    """
)


async def test_kill_9_in_the_middle_of_the_publish_leaves_nothing_shown(demo_ctx: Ctx) -> None:
    """A real kill -9 while clients go in hidden: none is shown, and a re-run adds all."""
    db = demo_ctx.db
    visible = f"SELECT count(*) FROM client WHERE {client_store.SHOWN}"
    before = await db.fetch_value(visible)
    env = {**os.environ, "PYTHONPATH": CHECKOUT}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", KILLED_IMPORT, str(db.path), "600", env=env
    )
    deadline = time.monotonic() + 120
    hidden = 0
    while time.monotonic() < deadline and proc.returncode is None:
        hidden = await db.fetch_value("SELECT count(*) FROM client WHERE import_batch IS NOT NULL")
        if hidden >= 100:
            break
        await asyncio.sleep(0.02)
    assert hidden >= 100, "the import never reached its publish"
    os.kill(proc.pid, signal.SIGKILL)
    await proc.wait()
    assert await db.fetch_value(visible) == before  # nothing half-visible
    assert await db.fetch_value("SELECT count(*) FROM client WHERE import_batch IS NOT NULL") > 0
    summary = await import_clients(demo_ctx, stream_clients(lines(600)), chunk=100, pause=0)
    assert summary.added == 600
    assert await db.fetch_value(visible) == before + 600
    assert await db.fetch_value("SELECT count(*) FROM client") == before + 600  # dead ones gone
    assert await db.fetch_value("SELECT count(*) FROM import_row") == 0
