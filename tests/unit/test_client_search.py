"""Finding clients by part of a name, NIP or number (trigram index of migration 007)."""

from __future__ import annotations

from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.rights import Principal
from bbdispatch.services.clients import add_phone, clients_by_phone, create_client, search_clients
from bbdispatch.services.context import Ctx


async def _firm(ctx: Ctx) -> int:
    return await create_client(
        ctx,
        NewClient(
            kind=ClientKind.COMPANY,
            name="Biuro Rachunkowe Łączka sp. z o.o.",
            nip="526-000-12-46",
            phones=(("+48226281234", "biuro"),),
        ),
    )


async def test_finds_by_part_of_name_nip_and_number(ctx: Ctx) -> None:
    client_id = await _firm(ctx)
    await create_client(ctx, NewClient(kind=ClientKind.PRIVATE, name="Jan Kowalski"))
    for text in ("łącz", "LACZKA", "rachunk", "5260001", "0012", "22 628", "6281234", "ła"):
        found = await search_clients(ctx, text)
        assert [c.id for c in found] == [client_id], text
    assert found[0].phones[0].e164 == "+48226281234"
    assert await search_clients(ctx, "nieistniejąca") == []
    assert [c.name for c in await search_clients(ctx, "kowal")] == ["Jan Kowalski"]


async def test_a_number_added_later_is_found(ctx: Ctx) -> None:
    client_id = await _firm(ctx)
    assert await search_clients(ctx, "601 234") == []
    await add_phone(ctx, client_id, "+48601234567", "komórka")
    found = await search_clients(ctx, "601 234")
    assert [c.id for c in found] == [client_id]
    assert {p.e164 for p in found[0].phones} == {"+48226281234", "+48601234567"}
    # The lookup by a whole number sees both numbers of the client, in one query.
    by_phone = await clients_by_phone(ctx, "+48601234567")
    assert [len(c.phones) for c in by_phone] == [2]


async def test_quotes_and_short_text_do_not_break_search(ctx: Ctx) -> None:
    await _firm(ctx)
    assert await search_clients(ctx, 'a"b') == []
    assert await search_clients(ctx, "   ") == []
    assert len(await search_clients(ctx, "b")) == 1


async def test_lookup_sees_own_writes_inside_and_commits_outside(ctx: Ctx) -> None:
    from bbdispatch.storage import clients as store

    new = NewClient(kind=ClientKind.PRIVATE, name="Ewa Nowak", phones=(("+48605111222", ""),))
    async with ctx.db.transaction():
        client_id = await store.insert_client(ctx.db, new, ctx.clock.now())
        inside = await store.clients_by_phone(ctx.db, "+48605111222")
        assert [c.id for c in inside] == [client_id]
    outside = await clients_by_phone(ctx, "+48605111222")
    assert [c.name for c in outside] == ["Ewa Nowak"]
    assert await clients_by_phone(ctx, "+48605111223") == []


async def test_lookup_works_on_an_in_memory_database(prices) -> None:  # type: ignore[no-untyped-def]
    from bbdispatch.clock import FrozenClock, SystemClock
    from bbdispatch.storage.database import Database

    db = await Database.open(":memory:")
    ctx = Ctx(
        db=db,
        clock=FrozenClock(SystemClock().now()),
        prices=prices,
        actor="t",
        fallback=Principal.SYSTEM,
    )
    try:
        await _firm(ctx)
        assert len(await clients_by_phone(ctx, "+48226281234")) == 1
    finally:
        await db.close()
