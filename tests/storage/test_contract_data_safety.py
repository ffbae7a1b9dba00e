"""Storage contract: staged imports, the ring spool, and what a client's data reaches (RODO)."""

from __future__ import annotations

from bbdispatch.domain.clients import ClientKind, NewClient
from bbdispatch.storage import clients, imports, privacy, spool
from bbdispatch.storage.database import Database
from bbdispatch.storage.imports import BatchState
from tests.storage.conftest import AT

KOWALSKA = NewClient(
    kind=ClientKind.PRIVATE, name="Janina Kowalska", email="janina@example.pl",
    phones=(("+48501002003", ""),),
)  # fmt: skip


async def test_staged_import_round_trip(db: Database) -> None:
    async with db.transaction():
        batch = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        await imports.stage_clients(db, batch, [(2, KOWALSKA), (3, KOWALSKA)])
    (staging,) = await imports.unfinished_batches(db)
    assert (staging.id, staging.state, staging.source, staging.created_at) == (
        batch, BatchState.STAGING, "klienci.csv", AT,
    )  # fmt: skip
    async with db.transaction():
        await imports.set_state(db, batch, BatchState.READY)
        rows = await imports.next_clients(db, batch, 1)
        assert rows == [(2, KOWALSKA)]
        await imports.drop_rows(db, batch, [2])
        await imports.count_moved(db, batch, 1, 0)
    assert await imports.next_clients(db, batch, 10) == [(3, KOWALSKA)]
    found = await imports.get_batch(db, batch)
    assert found is not None and (found.state, found.added) == (BatchState.READY, 1)
    async with db.transaction():
        await imports.discard_batch(db, batch)
    assert await imports.get_batch(db, batch) is None
    assert await imports.unfinished_batches(db) == []


async def test_ring_spool_round_trip(db: Database) -> None:
    assert spool.spool_dir(db.path).name.endswith(".ring-spool")
    assert spool.spooled_rings(db.path) == []
    spool.spool_ring(db.path, "601 234 567", AT)
    (queued,) = spool.spooled_rings(db.path)
    assert (queued.number, queued.received_at) == ("601 234 567", AT)
    spool.forget(queued)
    assert spool.spooled_rings(db.path) == []


async def test_a_clients_footprint_export_and_erasure(db: Database) -> None:
    async with db.transaction():
        client_id = await clients.insert_client(db, KOWALSKA, AT)
    fp = await privacy.footprint(db, client_id)
    assert fp.phones == ("+48501002003",) and fp.job_ids == () and fp.statement_ids == ()
    data = await privacy.export_data(db, fp)
    assert data["client"][0]["name"] == "Janina Kowalska"
    assert await privacy.text_columns_containing(db, "janina@example.pl") == ["client.email"]
    assert not await privacy.held_for_others(db, client_id, "Janina Kowalska")
    async with db.transaction():
        await privacy.erase_everything(db, fp, ["Janina Kowalska"])
        await privacy.rebuild_search(db)
    assert await privacy.text_columns_containing(db, "Kowalska") == []
    assert await privacy.checkpoint_truncate(db)


async def test_erasure_keeping_issued_documents(demo: Database) -> None:
    fp = await privacy.footprint(demo, 1)
    async with demo.transaction():
        await privacy.erase_keeping_issued(demo, fp, [])
    assert await demo.fetch_value("SELECT count(*) FROM client_phone WHERE client_id = 1") == 0
    assert await demo.fetch_value("SELECT name FROM client WHERE id = 1")
