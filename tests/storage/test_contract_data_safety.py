"""Storage contract: staged imports, the ring spool, and what a client's data reaches (RODO)."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from bbdispatch.domain.callbacks import NewCallback
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.jobs import JobMode
from bbdispatch.storage import (
    audit,
    backups,
    callbacks,
    calls,
    clients,
    contracts,
    imports,
    inventory,
    jobs,
    privacy,
    recurring,
    spool,
    work,
)
from bbdispatch.storage.database import HIGH_WATER_TABLES, Database
from bbdispatch.storage.imports import BatchState, StagedClient
from tests.storage.conftest import AT

KOWALSKA = NewClient(
    kind=ClientKind.PRIVATE, name="Janina Kowalska", email="janina@example.pl",
    phones=(("+48501002003", ""),),
)  # fmt: skip


async def test_staged_import_round_trip(db: Database) -> None:
    async with db.transaction():
        batch = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        await imports.stage_clients(
            db, batch, [StagedClient(2, KOWALSKA), StagedClient(3, KOWALSKA)]
        )
    (staging,) = await imports.unfinished_batches(db)
    assert (staging.id, staging.state, staging.source, staging.created_at) == (
        batch, BatchState.STAGING, "klienci.csv", AT,
    )  # fmt: skip
    async with db.transaction():
        await imports.set_state(db, batch, BatchState.READY)
        rows = await imports.next_clients(db, batch, 1)
        assert rows == [StagedClient(2, KOWALSKA)]
        await imports.drop_rows(db, batch, [2])
        await imports.count_moved(db, batch, 1, 0)
    assert await imports.next_clients(db, batch, 10) == [StagedClient(3, KOWALSKA)]
    assert await imports.rows_left(db, batch) == 1
    found = await imports.get_batch(db, batch)
    assert found is not None and (found.state, found.added) == (BatchState.READY, 1)
    async with db.transaction():
        await imports.discard_batch(db, batch)
    assert await imports.get_batch(db, batch) is None
    assert await imports.unfinished_batches(db) == []


async def test_ids_of_deleted_rows_are_never_given_out_again(demo: Database) -> None:
    """A callback, time entry or import batch deleted as the newest of its table leaves its
    id unused: the next one gets a higher id (migration 016), on every backend."""
    marked = {r[0] for r in await demo.fetch_all("SELECT entity FROM id_high_water")}
    assert marked == HIGH_WATER_TABLES
    job_id, technician_id = 1, 1
    async with demo.transaction():
        callback = await callbacks.insert_callback(
            demo, NewCallback("oddzwonić", AT, client_id=1), "anna", AT
        )
        entry = await work.insert_entry(
            demo, job_id=job_id, technician_id=technician_id, started_at=AT, ended_at=AT + timedelta(hours=1),
            description="x", mode=JobMode.REMOTE, billable=False, now=AT,
        )  # fmt: skip
        batch = await imports.create_batch(demo, "a.csv", "bogdan", AT)
    async with demo.transaction():
        await callbacks.delete_callbacks_of(demo, 1, [], [])
        await work.delete_entry(demo, entry)
        await imports.discard_batch(demo, batch)
    async with demo.transaction():
        assert (
            await callbacks.insert_callback(
                demo, NewCallback("jeszcze raz", AT, client_id=1), "anna", AT
            )
            == callback + 1
        )
        again = await work.insert_entry(
            demo, job_id=job_id, technician_id=technician_id, started_at=AT, ended_at=AT + timedelta(hours=1),
            description="y", mode=JobMode.REMOTE, billable=False, now=AT,
        )  # fmt: skip
        assert again == entry + 1
        assert await imports.create_batch(demo, "b.csv", "bogdan", AT) == batch + 1


async def test_a_staged_batch_is_published_at_once_and_cleared(db: Database) -> None:
    """Staged rows are no clients until the publish; then all are, with phones and search."""
    nowak = NewClient(kind=ClientKind.COMPANY, name=" Nowak Sp. z o.o. ", nip="1234563218")
    async with db.transaction():
        batch = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        first = await clients.reserve_client_ids(db, 2)
        await imports.stage_clients(
            db, batch, [StagedClient(2, KOWALSKA, first), StagedClient(3, nowak, first + 1)]
        )
        await clients.index_staged(db, batch, first, first + 1)
    assert await clients.all_clients(db) == []
    assert await clients.search_clients(db, "501002") == []  # indexed, yet invisible
    async with db.transaction():
        published = await clients.publish_staged(db, batch, AT)
        await imports.set_state(db, batch, BatchState.DONE)
    assert published == [clients.Published(2, first), clients.Published(3, first + 1)]
    kowalska = await clients.get_client(db, first)
    assert kowalska is not None and kowalska.name == "Janina Kowalska"
    assert [p.e164 for p in kowalska.phones] == ["+48501002003"]
    assert [c.id for c in await clients.search_clients(db, "501002")] == [first]
    assert [c.id for c in await clients.search_clients(db, "nowak")] == [first + 1]
    assert await imports.done_batches_with_rows(db) == [batch]
    assert await clients.published_staged(db, batch, 1) == [clients.Published(2, first)]
    async with db.transaction():
        assert await imports.clear_rows(db, batch, 1) == 1
        assert await imports.clear_rows(db, batch, 5) == 1
    assert await imports.done_batches_with_rows(db) == []
    async with db.transaction():  # the next reservation starts after the published ids
        assert await clients.reserve_client_ids(db, 1) == first + 2


async def test_a_published_import_is_found_by_city_and_email(db: Database) -> None:
    """Imported clients get the folded city and e-mail (migration 020), also in the index.

    The second row stands for one staged before migration 020 (no ``search_place`` in
    its payload): the publish folds its place in Python.
    """
    lis = NewClient(kind=ClientKind.PRIVATE, name="Ewa Lis", city="Łódź", email="ewa@lis.pl")
    old = NewClient(kind=ClientKind.PRIVATE, name="Jan Stary", city="Gdańsk")
    async with db.transaction():
        batch = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        first = await clients.reserve_client_ids(db, 2)
        await imports.stage_clients(
            db, batch, [StagedClient(2, lis, first), StagedClient(3, old, first + 1)]
        )
        payload = await db.fetch_value(
            "SELECT payload FROM import_row WHERE batch_id = ? AND line = 3", (batch,)
        )
        await db.execute(
            "UPDATE import_row SET payload = ? WHERE batch_id = ? AND line = 3",
            (str(payload).replace('"search_place": "gdansk", ', ""), batch),
        )
        await clients.index_staged(db, batch, first, first + 1)
    assert await clients.search_clients(db, "lodz") == []  # indexed, yet invisible
    async with db.transaction():
        await clients.publish_staged(db, batch, AT)
    assert await clients.search_clients(db, "lodz") == []  # in, yet hidden: not done
    async with db.transaction():
        await imports.set_state(db, batch, BatchState.DONE)
    for text in ("lodz", "ŁÓDŹ", "lis.pl"):
        assert [c.id for c in await clients.search_clients(db, text)] == [first], text
    assert [c.id for c in await clients.search_clients_by_words(db, "ewa lodz")] == [first]
    assert [c.id for c in await clients.search_clients(db, "gdansk")] == [first + 1]
    assert [c.id for c in await clients.search_clients_by_words(db, "stary gdansk")] == [first + 1]


async def test_a_publish_leaves_out_clients_added_while_the_file_was_staged(
    db: Database,
) -> None:
    """Same NIP, or same name and first number, or same name without numbers: left out
    with its phones; the others go in with theirs, and nobody sees them before."""
    alfa = NewClient(
        kind=ClientKind.COMPANY, name="Alfa", nip="5260250274", phones=(("+48221000001", ""),)
    )
    alfa_renamed = NewClient(
        kind=ClientKind.COMPANY, name="Alfa Stara Nazwa", nip="5260250274",
        phones=(("+48221000009", ""),),
    )  # fmt: skip
    beta = NewClient(kind=ClientKind.COMPANY, name="Beta", phones=(("+48221000002", "biuro"),))
    gamma = NewClient(kind=ClientKind.PRIVATE, name="Gamma Gąska")
    delta = NewClient(
        kind=ClientKind.COMPANY,
        name="Delta",
        nip="1234563218",
        phones=(("+48221000004", ""), ("+48600000004", "kom.")),
    )
    staged = [alfa_renamed, beta, gamma, delta]  # fmt: skip
    async with db.transaction():
        batch = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        first = await clients.reserve_client_ids(db, len(staged))
        await imports.stage_clients(
            db, batch, [StagedClient(n + 2, c, first + n) for n, c in enumerate(staged)]
        )
        await clients.index_staged(db, batch, first, first + len(staged) - 1)
    async with db.transaction():  # a dispatcher adds three of them meanwhile
        for new in (alfa, beta, gamma):
            await clients.insert_client(db, new, AT)
    async with db.transaction():
        published = await clients.publish_staged(db, batch, AT)
        await imports.set_state(db, batch, BatchState.DONE)
    assert published == [clients.Published(5, first + 3)]
    assert sorted(c.name for c in await clients.all_clients(db)) == [
        "Alfa", "Beta", "Delta", "Gamma Gąska",
    ]  # fmt: skip
    delta_row = await clients.get_client(db, first + 3)
    assert delta_row is not None
    assert [(p.e164, p.label) for p in delta_row.phones] == [
        ("+48221000004", ""), ("+48600000004", "kom."),
    ]  # fmt: skip
    assert await db.fetch_value("SELECT count(*) FROM client_phone") == 4
    assert [c.id for c in await clients.search_clients(db, "600000004")] == [first + 3]
    async with db.transaction():  # as the import's clearing does, a chunk at a time
        await clients.unindex_unpublished(db, batch, first=10)
        await imports.clear_rows(db, batch, 10)
    for gone in ("stara nazwa", "221000009"):  # nothing of a row left out stays
        assert await privacy.text_columns_containing(db, gone) == []


async def test_a_batch_dropped_while_staging_leaves_nothing_searchable(db: Database) -> None:
    zenon = NewClient(kind=ClientKind.PRIVATE, name="Zenon Staged", phones=(("+48509000111", ""),))
    async with db.transaction():
        batch = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        first = await clients.reserve_client_ids(db, 1)
        await imports.stage_clients(db, batch, [StagedClient(2, zenon, first)])
        await clients.index_staged(db, batch, first, first)
    async with db.transaction():
        await clients.unindex_unpublished(db, batch)
        await imports.discard_batch(db, batch)
    assert await privacy.text_columns_containing(db, "zenon staged") == []
    assert await privacy.text_columns_containing(db, "509000111") == []


async def test_a_running_import_holds_its_batch_until_it_lets_go(db: Database) -> None:
    """Another connection sees the batch's import alive while it holds it, dead once it let go.

    Whatever the batch's age: the lock, not a clock, tells a live import from a killed one.
    """
    async with db.transaction():
        batch_id = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        hold = await imports.hold_batch(db, batch_id)
    batch = await imports.get_batch(db, batch_id)
    assert batch is not None
    other = await Database.open(db.target, create=False)
    try:
        long_ago = AT + timedelta(days=1)  # the batch is "stale" by age alone
        assert await imports.batch_alive(other, batch, long_ago)
        assert await imports.batch_alive(db, batch, long_ago)  # in its own process too
        await hold.release(finished=False)  # gave up half-way
        assert not await imports.batch_alive(other, batch, AT - timedelta(days=1))
        assert not await imports.batch_alive(db, batch, AT - timedelta(days=1))
    finally:
        await other.close()


async def test_a_finished_import_leaves_no_lock_file(db: Database) -> None:
    async with db.transaction():
        batch_id = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        hold = await imports.hold_batch(db, batch_id)
    path = imports.batch_lock_path(db, batch_id)
    assert path is None or path.exists()
    await hold.release()
    assert path is None or not path.exists()
    assert [p.name for p in db.path.parent.glob("*.import-*.lock")] == []


async def test_staged_rows_are_deleted_for_good(db: Database) -> None:
    """After ``secure_delete_on`` SQLite overwrites what it deletes (PostgreSQL: nothing to do)."""
    async with db.transaction():
        await imports.secure_delete_on(db)
        if db.dialect == "sqlite":  # the writing connection, from now on
            assert await db.fetch_value("PRAGMA secure_delete") == 1


async def test_a_dead_import_s_lock_file_is_forgotten(db: Database) -> None:
    """An import that gave up leaves its lock file; cleaning up after it removes the file."""
    async with db.transaction():
        batch_id = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        hold = await imports.hold_batch(db, batch_id)
    await hold.release(finished=False)
    path = imports.batch_lock_path(db, batch_id)
    assert path is None or path.exists()
    imports.forget_batch_lock(db, batch_id)
    imports.forget_batch_lock(db, batch_id)  # a second clean-up finds nothing and says nothing
    assert [p.name for p in db.path.parent.glob("*.import-*.lock")] == []


async def test_an_import_whose_connection_died_is_dead(db: Database, tmp_path: Path) -> None:
    """The process's end (its connection or its descriptors gone) lets go of the batch."""
    holder = await Database.open(db.target, create=False)
    async with holder.transaction():
        batch_id = await imports.create_batch(holder, "klienci.csv", "bogdan", AT)
        hold = await imports.hold_batch(holder, batch_id)
    batch = await imports.get_batch(db, batch_id)
    assert batch is not None and await imports.batch_alive(db, batch, AT)
    await holder.close()
    if hold._fd is not None:  # SQLite: what the kernel does for a killed process
        os.close(hold._fd)
    assert not await imports.batch_alive(db, batch, AT)


async def test_ring_spool_round_trip(db: Database) -> None:
    assert spool.spool_dir(db.path).name.endswith(".ring-spool")
    assert spool.spooled_rings(db.path) == []
    spool.spool_ring(db.path, "601 234 567", AT)
    (queued,) = spool.spooled_rings(db.path)
    assert (queued.number, queued.received_at) == ("601 234 567", AT)
    spool.forget(queued)
    assert spool.spooled_rings(db.path) == []


async def test_a_queued_call_is_claimed_by_one_replayer_only(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes replaying at once logged a queued call twice; the claim is a rename."""
    spool.spool_ring(db.path, "601 234 567", AT)
    (queued,) = spool.spooled_rings(db.path)
    mine = spool.claim(queued)
    assert mine is not None and (mine.number, mine.received_at) == ("601 234 567", AT)
    assert spool.claim(queued) is None  # the other replayer lost the race
    assert spool.spooled_rings(db.path) == []  # claimed: nobody else replays it
    spool.release(mine)  # logging it failed: queued again
    (again,) = spool.spooled_rings(db.path)
    assert again.path == queued.path
    taken = spool.claim(again)
    assert taken is not None
    monkeypatch.setattr(spool, "CLAIM_STALE_SECONDS", -1.0)  # its claimer died long ago
    (stale,) = spool.spooled_rings(db.path)
    retaken = spool.claim(stale)
    assert retaken is not None and spool.claim(stale) is None
    spool.forget(retaken)
    assert spool.spooled_rings(db.path) == []
    assert list(spool.spool_dir(db.path).iterdir()) == []


@pytest.mark.parametrize("umask", [0o022, 0o077])
async def test_the_spool_folder_is_group_shared_whatever_the_umask(
    db: Database, umask: int
) -> None:
    """The phone account and the dispatchers' group write it: setgid ``2770``, as deployed."""
    before = os.umask(umask)
    try:
        folder = spool.make_spool_dir(db.path)
        spool.spool_ring(db.path, "601 234 567", AT)
    finally:
        os.umask(before)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o2770
    (queued,) = spool.spooled_rings(db.path)
    assert stat.S_IMODE(os.stat(queued.path).st_mode) == 0o660


async def test_a_spool_name_taken_by_a_file_is_named(db: Database) -> None:
    spool.spool_dir(db.path).write_text("not a folder", encoding="utf-8")
    with pytest.raises(NotADirectoryError) as caught:
        spool.make_spool_dir(db.path)
    assert caught.value.filename == str(spool.spool_dir(db.path))


async def test_an_erasure_is_known_by_the_client_id_for_good(db: Database) -> None:
    async with db.transaction():
        client_id = await clients.insert_client(db, KOWALSKA, AT)
    assert not await privacy.was_erased(db, client_id)
    async with db.transaction():
        later = AT + timedelta(minutes=1)
        await audit.insert_audit(db, later, "tester", "client", client_id, "privacy_erased", {})
    assert await privacy.was_erased(db, client_id)
    assert not await privacy.was_erased(db, client_id + 1)


async def test_a_clients_footprint_export_and_erasure(db: Database) -> None:
    async with db.transaction():
        client_id = await clients.insert_client(db, KOWALSKA, AT)
        await audit.insert_audit(db, AT, "tester", "client", client_id, "created", {"x": 1})
    fp = await privacy.footprint(db, client_id)
    assert fp.phones == ("+48501002003",) and fp.job_ids == () and fp.statement_ids == ()
    data = await privacy.export_data(db, fp)
    assert data["client"][0]["name"] == "Janina Kowalska"
    found = await privacy.text_columns_containing(db, "janina@example.pl")
    # The e-mail and its folded copy the client search reads (migration 020; on SQLite
    # also its trigram index's content): each is erased with the client.
    assert set(found) - {"client_search_content.c0"} == {"client.email", "client.search_place"}
    assert not await privacy.held_for_others(db, client_id, "Janina Kowalska")
    async with db.transaction():
        await privacy.secure_delete_on(db)
        await calls.delete_calls(db, fp.call_ids)
        await calls.detach_calls_from_jobs(db, fp.job_ids)
        await inventory.delete_inventories(db, client_id, fp.job_ids)
        await backups.delete_backup_checks(db, fp.job_ids)
        await recurring.delete_run_logs(db, fp.job_ids)
        await work.delete_entries_of_jobs(db, fp.job_ids)
        await jobs.delete_jobs(db, fp.job_ids)
        await work.delete_charges_of_contracts(db, fp.contract_ids)
        await recurring.delete_tasks_of_contracts(db, fp.contract_ids)
        await contracts.delete_contracts(db, fp.contract_ids)
        await contracts.delete_assessments(db, client_id)
        await clients.delete_client(db, client_id)
        await audit.clear_details(db, "client", [client_id])
        await audit.clear_details_quoting(db, "Kowalska")
        await clients.rebuild_search_index(db)
    assert await privacy.text_columns_containing(db, "Kowalska") == []
    assert await privacy.checkpoint_truncate(db)


async def test_erasure_keeping_issued_documents(demo: Database) -> None:
    fp = await privacy.footprint(demo, 1)
    assert fp.job_ids and fp.contract_ids
    async with demo.transaction():
        await inventory.detach_inventories_from_jobs(demo, fp.job_ids)
        await jobs.anonymise_jobs(demo, fp.job_ids, privacy.ERASED)
        await contracts.blank_assessments(demo, 1, privacy.ERASED)
        await clients.strip_client(demo, 1)
    assert await demo.fetch_value("SELECT count(*) FROM client_phone WHERE client_id = 1") == 0
    assert await demo.fetch_value("SELECT name FROM client WHERE id = 1")
    assert (
        await demo.fetch_value("SELECT count(*) FROM job WHERE client_id = 1 AND caller_name <> ''")
        == 0
    )


async def _hidden_batch(db: Database, names: list[str]) -> tuple[int, list[int]]:
    """A batch whose staged clients went in hidden (the import's publish, before it is shown)."""
    async with db.transaction():
        batch = await imports.create_batch(db, "klienci.csv", "bogdan", AT)
        first = await clients.reserve_client_ids(db, len(names))
        ids = list(range(first, first + len(names)))
        staged = [
            StagedClient(n + 2, NewClient(kind=ClientKind.COMPANY, name=name), ids[n])
            for n, name in enumerate(names)
        ]
        await imports.stage_clients(db, batch, staged)
        await clients.index_staged(db, batch, ids[0], ids[-1])
        assert await clients.publish_chunk(db, batch, 0, 10, AT) is not None
    return batch, ids


async def test_an_import_s_clients_stay_hidden_until_its_batch_is_done(db: Database) -> None:
    shown = f"SELECT count(*) FROM client WHERE {clients.shown()}"
    before = await db.fetch_value(shown)
    batch, ids = await _hidden_batch(db, ["Ukryta Jeden", "Ukryta Dwa"])
    assert await clients.hidden_count(db, batch) == 2
    assert await db.fetch_value(shown) == before
    async with db.transaction():
        await imports.set_state(db, batch, BatchState.DONE)
    assert await db.fetch_value(shown) == before + 2
    async with db.transaction():
        await clients.settle_published(db, batch, ids)
        assert await clients.delete_hidden(db, batch, 10) == 0  # a done batch keeps its clients
    assert await clients.hidden_count(db, batch) == 0  # the marks are cleared
    assert await db.fetch_value(shown) == before + 2


async def test_a_dead_import_s_hidden_clients_are_deleted_a_chunk_at_a_time(db: Database) -> None:
    batch, _ids = await _hidden_batch(db, ["Martwa Jeden", "Martwa Dwa", "Martwa Trzy"])
    async with db.transaction():
        assert await clients.delete_hidden(db, batch, 2) == 2
    async with db.transaction():
        assert await clients.delete_hidden(db, batch, 2) == 1
    assert await clients.hidden_count(db, batch) == 0
