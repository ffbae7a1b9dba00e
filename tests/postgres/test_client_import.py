"""A client import on PostgreSQL: checked set-wise, staged a chunk at a time, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bbdispatch.clock import FrozenClock
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.import_clients import check_clients, import_clients, stream_clients
from bbdispatch.services.spreadsheet import ImportFileError
from bbdispatch.storage import clients as client_store
from bbdispatch.storage.database import Database


def lines(count: int, bad_at: int | None = None) -> Iterator[str]:
    yield "nazwa;rodzaj;telefon\n"
    for n in range(count):
        yield f"Firma PG {n:05d};{'sklep' if n == bad_at else 'firma'};22 {2000000 + n:07d}\n"


async def test_import_on_postgres(pg_demo_url: str, clock: FrozenClock, prices: PriceList) -> None:
    db = await Database.open(pg_demo_url)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    try:
        before = await db.fetch_value("SELECT count(*) FROM client")
        with pytest.raises(ImportFileError):
            await import_clients(ctx, stream_clients(lines(450, bad_at=440)), chunk=100, pause=0)
        assert await db.fetch_value("SELECT count(*) FROM client") == before
        assert await db.fetch_value("SELECT count(*) FROM import_row") == 0
        plan = await check_clients(ctx, stream_clients(lines(450)))
        assert (plan.added, plan.skipped) == (450, 0)
        summary = await import_clients(ctx, stream_clients(lines(450)), chunk=100, pause=0)
        assert (summary.added, summary.skipped) == (450, 0)
        assert await db.fetch_value("SELECT count(*) FROM client") == before + 450
        found = await client_store.clients_by_phone(db, "+48222000449")
        assert [c.name for c in found] == ["Firma PG 00449"]
        again = await import_clients(ctx, stream_clients(lines(450)), chunk=100, pause=0)
        assert (again.added, again.skipped) == (0, 450)
        assert await db.fetch_value("SELECT count(*) FROM import_row") == 0
    finally:
        await db.close()
