"""Storage contract: a whole database copied into an empty one of the backend, figures equal."""

from __future__ import annotations

from pathlib import Path

from bbdispatch.storage import clients, transfer
from bbdispatch.storage.database import Database
from tests.storage.backends import Backend


async def test_the_demo_copies_whole_into_an_empty_database(
    backend: Backend, demo_template: Path, tmp_path: Path
) -> None:
    source = await Database.open(demo_template, migrate=False)
    target = await backend.open_empty(tmp_path)
    try:
        tables = await transfer.table_columns(source)
        assert {"client", "job", "work_entry", "audit_log"} <= set(tables)
        assert await transfer.table_columns(target) == tables
        assert all(
            f.rows == 0 for f in await transfer.figures(target) if f.table != "id_high_water"
        )
        async with target.transaction():
            copied = await transfer.copy_all(source, target)
        assert set(copied) == set(tables) - transfer.SKIPPED
        assert await transfer.figures(target) == await transfer.figures(source)
        money = {f.table: dict(f.sums) for f in await transfer.figures(target)}
        assert money["contract"]["net_grosze"] > 0
        assert await transfer.audit_head(target) == await transfer.audit_head(source) != ""
        # The copy is a working database: search and new ids go on from the copied ones.
        found = await clients.search_clients(target, "kowal")
        assert [c.name for c in found] == [
            c.name for c in await clients.search_clients(source, "kowal")
        ]
    finally:
        await source.close()
        await target.close()
