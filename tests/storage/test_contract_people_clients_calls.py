"""Storage contract: people, clients and their phones, the call log."""

from __future__ import annotations

from datetime import timedelta

from bbdispatch.domain.calls import CallOutcome, CallSource
from bbdispatch.domain.client_details import ClientDetails, NewClient, PhoneLine
from bbdispatch.domain.clients import ClientKind, ClientStatus, search_key
from bbdispatch.domain.people import Role
from bbdispatch.storage import calls, clients, people
from bbdispatch.storage.database import Database, fill_search_place
from tests.storage.conftest import AT

NOWAK = NewClient(
    kind=ClientKind.COMPANY, name="Kancelaria Nowak", nip="5260250274", street="ul. Długa 1",
    city="Warszawa", postal_code="00-001", email="biuro@nowak.pl", contact_person="Ewa Nowak",
    notes="klucz u portiera", status=ClientStatus.ACTIVE,
    phones=(("+48221234567", "biuro"), ("+48601234567", "")),
)  # fmt: skip


async def test_people_round_trip(db: Database) -> None:
    async with db.transaction():
        anna = await people.insert_person(
            db, "anna", "Anna K", Role.TECHNICIAN, does_onsite=False, phone="+48601100200",
            skills=frozenset({"network", "hardware"}),
        )  # fmt: skip
        boss = await people.insert_person(db, "bogdan", "Bogdan B", Role.ADMIN)
    found = await people.person_by_login(db, "anna")
    assert found is not None
    assert (found.id, found.role, found.does_onsite, found.phone, found.active) == (
        anna, Role.TECHNICIAN, False, "+48601100200", True,
    )  # fmt: skip
    assert found.skills == frozenset({"network", "hardware"})
    assert await people.person_by_id(db, anna) == found
    assert await people.person_by_login(db, "nobody") is None
    assert await people.person_by_id(db, 999) is None
    async with db.transaction():
        await people.set_role(db, anna, Role.DISPATCHER)
    assert [p.login for p in await people.all_people(db)] == ["anna", "bogdan"]
    assert [p.role for p in await people.all_people(db, active_only=False)] == [
        Role.DISPATCHER, Role.ADMIN,
    ]  # fmt: skip
    assert await people.admin_logins(db) == ["bogdan"]
    role = await people.foreign_role(db, "anna")  # SQLite: no roles; the suite's: sees all
    assert role is None or (not role.restricted and role.may_erase)
    assert boss != anna
    named = await people.people_with_ids(db, [boss, anna, 999, anna])
    assert [(p.login, p.skills) for p in named] == [
        ("anna", frozenset({"network", "hardware"})), ("bogdan", frozenset()),
    ]  # fmt: skip
    assert await people.people_with_ids(db, []) == []
    async with db.transaction():  # a people import completing the first admin's row
        await people.update_person_details(
            db, boss, name="Bogdan Nowak", does_onsite=False, phone="+48602300400",
            skills=frozenset({"backup"}),
        )  # fmt: skip
    found = await people.person_by_id(db, boss)
    assert found is not None
    assert (found.login, found.name, found.role, found.does_onsite, found.phone) == (
        "bogdan", "Bogdan Nowak", Role.ADMIN, False, "+48602300400",
    )  # fmt: skip
    assert found.skills == frozenset({"backup"})


async def test_clients_round_trip_with_phones(db: Database) -> None:
    async with db.transaction():
        cid = await clients.insert_client(db, NOWAK, AT)
        other = await clients.insert_client(
            db, NewClient(kind=ClientKind.PRIVATE, name="Jan Kowalski"), AT + timedelta(hours=1)
        )
        await clients.add_phone(db, other, "+48601234567", "dom", "Jan")
        await clients.add_phone(db, other, "+48601234567", "again")  # already there: kept
    found = await clients.get_client(db, cid)
    assert found is not None
    assert (found.kind, found.name, found.nip, found.status) == (
        ClientKind.COMPANY, "Kancelaria Nowak", "5260250274", ClientStatus.ACTIVE,
    )  # fmt: skip
    assert found.created_at == AT
    assert found.created_at.utcoffset() == timedelta(0)
    assert [p.e164 for p in found.phones] == ["+48221234567", "+48601234567"]
    assert await clients.get_client(db, 999) is None
    shared = await clients.clients_by_phone(db, "+48601234567")
    assert sorted(c.id for c in shared) == sorted([cid, other])
    assert (await clients.client_by_nip(db, "5260250274")) == found
    assert await clients.client_by_nip(db, "1234563218") is None
    phones = await clients.phones_of(db, [cid, other])
    assert [p.label for p in phones[other]] == ["dom"]
    assert set(await clients.clients_by_ids(db, [cid, other])) == {cid, other}
    assert await clients.client_names(db, [cid]) == {cid: "Kancelaria Nowak"}
    assert {c.id for c in await clients.all_clients(db)} == {cid, other}


async def test_client_search_and_import_lookups(db: Database) -> None:
    async with db.transaction():
        cid = await clients.insert_client(db, NOWAK, AT)
        bare = await clients.insert_client(
            db, NewClient(kind=ClientKind.PRIVATE, name="Zofia Bez Telefonu"), AT
        )
    assert [c.id for c in await clients.search_clients(db, "nowak")] == [cid]
    assert [c.id for c in await clients.search_clients(db, "601234")] == [cid]
    assert [c.id for c in await clients.search_clients_by_words(db, "nowak kancelaria")] == [cid]
    assert await clients.client_ids_by_name(db, "KANCELARIA NOWAK") == [cid]
    assert await clients.client_id_by_name_and_phone(db, "Kancelaria Nowak", "+48221234567") == cid
    assert await clients.client_id_by_name_and_phone(db, "Kancelaria Nowak", "+48500000000") is None
    assert await clients.client_id_by_name_without_phone(db, "zofia bez telefonu") == bare
    assert await clients.client_id_by_name_without_phone(db, "Kancelaria Nowak") is None
    holders = await clients.nip_holders(db, ["5260250274", "1111111111", "5260250274"])
    assert list(holders) == ["5260250274"] and holders["5260250274"].id == cid
    many = [f"{n:010d}" for n in range(1_200)]  # more than one query's worth
    assert await clients.nip_holders(db, [*many, "5260250274"]) == holders
    keys = [search_key("KANCELARIA  Nowak"), search_key("Nikt Taki"), *many]
    assert await clients.known_search_names(db, keys) == {search_key("Kancelaria Nowak")}


async def test_client_search_finds_the_city_and_the_email(db: Database) -> None:
    async with db.transaction():
        nowak = await clients.insert_client(db, NOWAK, AT)  # Warszawa, biuro@nowak.pl
        lodz = await clients.insert_client(
            db, NewClient(ClientKind.PRIVATE, "Ewa Lis", city="Łódź", email="ewa@lis.pl"), AT
        )
    for text in ("lodz", "ŁÓDŹ", "łó", "lis.pl", "ewa@lis"):
        assert [c.id for c in await clients.search_clients(db, text)] == [lodz], text
    assert [c.id for c in await clients.search_clients_by_words(db, "warszawa nowak")] == [nowak]
    assert [c.id for c in await clients.search_clients_by_words(db, "ewa lodz")] == [lodz]
    assert await clients.search_clients_by_words(db, "lis warszawa") == []
    async with db.transaction():  # a move: the old city no longer finds the client
        await clients.update_client(db, lodz, ClientDetails(ClientKind.PRIVATE, "Ewa Lis",
                                                            city="Kraków"))  # fmt: skip
    assert await clients.search_clients(db, "lodz") == []
    assert await clients.search_clients(db, "lis.pl") == []
    assert [c.id for c in await clients.search_clients(db, "krakow")] == [lodz]
    async with db.transaction():  # erasure keeps the city only, and the e-mail is unfindable
        await clients.strip_client(db, nowak)
    assert await clients.search_clients(db, "nowak.pl") == []
    assert [c.id for c in await clients.search_clients(db, "warszawa")] == [nowak]
    async with db.transaction():  # migration 020's Python half: nothing left to fold
        assert await fill_search_place(db) == 0


async def test_client_search_finds_the_contact_person(db: Database) -> None:
    async with db.transaction():
        nowak = await clients.insert_client(db, NOWAK, AT)  # contact: Ewa Nowak
        await clients.insert_client(db, NewClient(ClientKind.PRIVATE, "Ewa Lis"), AT)
    assert [c.id for c in await clients.search_clients(db, "ewa nowak")] == [nowak]
    assert [c.id for c in await clients.search_clients_by_words(db, "nowak ewa")] == [nowak]
    async with db.transaction():  # a new contact: the old one no longer finds the client
        await clients.update_client(db, nowak, ClientDetails(
            ClientKind.COMPANY, "Kancelaria Nowak", city="Warszawa",
            contact_person="Halina Wójcik"))  # fmt: skip
    assert await clients.search_clients(db, "ewa nowak") == []
    assert [c.id for c in await clients.search_clients(db, "halina wojcik")] == [nowak]
    async with db.transaction():  # a client written before 022: its Python half folds the contact
        await db.execute("UPDATE client SET search_place = 'warszawa' WHERE id = ?", (nowak,))
        assert await fill_search_place(db) == 1
    assert [c.id for c in await clients.search_clients(db, "halina wojcik")] == [nowak]


async def test_client_search_takes_wildcards_literally(db: Database) -> None:
    async with db.transaction():
        await clients.insert_client(db, NOWAK, AT)
        rabat = await clients.insert_client(db, NewClient(ClientKind.COMPANY, "Rabat 50%"), AT)
    for text in ("_", "__", "!", "_%_", "%_", "a%"):  # in neither name, taken literally
        assert await clients.search_clients(db, text) == [], text
        assert await clients.search_clients_by_words(db, text) == [], text
    for text in ("%", "0%", "50%"):  # in one name: that client only
        assert [c.id for c in await clients.search_clients(db, text)] == [rabat], text
        assert [c.id for c in await clients.search_clients_by_words(db, text)] == [rabat], text


async def test_client_updates(db: Database) -> None:
    async with db.transaction():
        cid = await clients.insert_client(db, NOWAK, AT)
        await clients.update_client(
            db, cid,
            ClientDetails(kind=ClientKind.COMPANY, name="Nowak i Wspólnicy", nip="5260250274",
                          city="Kraków", phones=(PhoneLine("+48123456789", "sekretariat"),)),
        )  # fmt: skip
        await clients.replace_phones(db, cid, [PhoneLine("+48221234567", "biuro", "Ewa")])
        await clients.set_status(db, cid, ClientStatus.ARCHIVED)
    found = await clients.get_client(db, cid)
    assert found is not None
    assert (found.name, found.city, found.status) == (
        "Nowak i Wspólnicy", "Kraków", ClientStatus.ARCHIVED,
    )  # fmt: skip
    assert [(p.e164, p.label, p.contact_person) for p in found.phones] == [
        ("+48221234567", "biuro", "Ewa"),
    ]  # fmt: skip
    assert await clients.search_clients_by_words(db, "wspólnicy", include_archived=False) == []


async def test_replace_phones_keeps_the_given_order_the_first_is_main(db: Database) -> None:
    """The first number is the main one: a new order is stored (it was kept as it was)."""
    a = PhoneLine("+48221234567", "biuro", "Ewa")
    b = PhoneLine("+48601234567", "komórka", "Jan")
    c = PhoneLine("+48123456789", "", "")
    async with db.transaction():
        cid = await clients.insert_client(db, NOWAK, AT)
        await clients.replace_phones(db, cid, [a, b])
        await clients.replace_phones(db, cid, [b, a, c])
    found = await clients.get_client(db, cid)
    assert found is not None
    assert [(p.e164, p.label, p.contact_person) for p in found.phones] == [
        ("+48601234567", "komórka", "Jan"), ("+48221234567", "biuro", "Ewa"),
        ("+48123456789", "", ""),
    ]  # fmt: skip
    async with db.transaction():
        await clients.replace_phones(db, cid, [c, b])
    found = await clients.get_client(db, cid)
    assert found is not None
    assert [p.e164 for p in found.phones] == ["+48123456789", "+48601234567"]
    assert [x.id for x in await clients.search_clients_by_words(db, "221234567")] == []
    assert [x.id for x in await clients.search_clients_by_words(db, "601234567")] == [cid]


async def test_call_log_round_trip(db: Database) -> None:
    async with db.transaction():
        cid = await clients.insert_client(db, NOWAK, AT)
        assert await calls.latest_call_id(db) == 0
        ring = await calls.insert_call(
            db, received_at=AT, raw_number="601 234 567", e164="+48601234567", client_id=cid,
            source=CallSource.RING, outcome=CallOutcome.PENDING,
        )  # fmt: skip
        typed = await calls.insert_call(
            db, received_at=AT + timedelta(minutes=5), raw_number="", e164=None, client_id=None,
            source=CallSource.MANUAL, outcome=CallOutcome.MISSED, handled_by="beata", note="?",
        )  # fmt: skip
    first = await calls.get_call(db, ring)
    assert first is not None
    assert (first.received_at, first.source, first.outcome, first.client_id) == (
        AT, CallSource.RING, CallOutcome.PENDING, cid,
    )  # fmt: skip
    assert await calls.get_call(db, 999) is None
    assert await calls.latest_call_id(db) == typed
    assert [c.id for c in await calls.pending_ring_calls_after(db, 0)] == [ring]
    assert await calls.pending_ring_calls_after(db, ring) == []
    async with db.transaction():  # an earlier call taken by hand, still waiting
        by_hand = await calls.insert_call(
            db, received_at=AT - timedelta(minutes=1), raw_number="", e164=None, client_id=None,
            source=CallSource.MANUAL, outcome=CallOutcome.PENDING, handled_by="beata",
        )  # fmt: skip
    # Every waiting call, whatever its source, oldest first.
    assert [c.id for c in await calls.pending_calls(db)] == [by_hand, ring]
    async with db.transaction():
        await calls.delete_calls(db, [by_hand])
    async with db.transaction():
        await calls.update_call(
            db, ring, outcome=CallOutcome.INFORMATION, client_id=None, job_id=None,
            handled_by="beata", note="tylko pytanie",
        )  # fmt: skip
    handled = await calls.get_call(db, ring)
    assert handled is not None
    assert (handled.outcome, handled.client_id, handled.handled_by) == (
        CallOutcome.INFORMATION, cid, "beata",  # the known client is kept
    )  # fmt: skip
    assert await calls.pending_ring_calls_after(db, 0) == []
    assert await calls.pending_calls(db) == []
    rows = await calls.call_rows(db)
    assert [(r.call.id, r.client_name) for r in rows] == [(typed, None), (ring, "Kancelaria Nowak")]
    assert [c.id for c in await calls.calls_of_client(db, cid)] == [ring]
    async with db.transaction():
        await calls.set_call_note(db, typed, "oddzwonić")
    noted = await calls.get_call(db, typed)
    assert noted is not None and noted.note == "oddzwonić"
    async with db.transaction():  # a call taken by hand gets its number when saved (F2)
        await calls.update_call(
            db, typed, outcome=CallOutcome.INFORMATION, client_id=None, job_id=None,
            handled_by="beata", note="", raw_number="601 234 567", e164="+48601234567",
        )  # fmt: skip
        await calls.update_call(  # no number given: the one it has is kept
            db, ring, outcome=CallOutcome.INFORMATION, client_id=None, job_id=None,
            handled_by="beata", note="",
        )  # fmt: skip
    numbered, kept = await calls.get_call(db, typed), await calls.get_call(db, ring)
    assert numbered is not None and kept is not None
    assert (numbered.raw_number, numbered.e164) == ("601 234 567", "+48601234567")
    assert (kept.raw_number, kept.e164) == ("601 234 567", "+48601234567")


async def test_callbacks_round_trip(db: Database) -> None:
    from bbdispatch.domain.callbacks import NewCallback
    from bbdispatch.storage import callbacks

    async with db.transaction():
        cid = await clients.insert_client(db, NOWAK, AT)
        ring = await calls.insert_call(
            db, received_at=AT, raw_number="601", e164=None, client_id=None,
            source=CallSource.RING, outcome=CallOutcome.PENDING,
        )  # fmt: skip
        late = await callbacks.insert_callback(
            db, NewCallback("wycena", AT + timedelta(hours=2), client_id=cid, name="Ewa"),
            "beata", AT,
        )  # fmt: skip
        early = await callbacks.insert_callback(
            db, NewCallback("wizyta", AT + timedelta(hours=1), e164="+48500600700", call_id=ring),
            "beata", AT,
        )  # fmt: skip
    found = await callbacks.get_callback(db, late)
    assert found is not None
    assert (found.client_name, found.name, found.due_at, found.created_at, found.done_at) == (
        "Kancelaria Nowak", "Ewa", AT + timedelta(hours=2), AT, None,
    )  # fmt: skip
    assert await callbacks.get_callback(db, 999) is None
    assert await callbacks.open_callback_of_call(db, ring) == early
    assert await callbacks.open_callback_of_call(db, 999) is None
    assert [c.id for c in await callbacks.open_callbacks(db)] == [early, late]
    assert (found.attempts, found.last_attempt_at, found.last_attempt_note) == (0, None, "")
    async with db.transaction():  # no answer: counted, re-scheduled, still open
        await callbacks.record_attempt(db, late, AT, "nie odbiera", AT + timedelta(hours=2))
    tried = await callbacks.get_callback(db, late)
    assert tried is not None
    assert (tried.attempts, tried.last_attempt_at, tried.last_attempt_note, tried.done_at) == (
        1, AT, "nie odbiera", None,
    )  # fmt: skip
    assert await callbacks.due_count(db, AT) == 0  # a waiting call is no callback
    assert await callbacks.due_count(db, AT + timedelta(hours=3)) == 2
    async with db.transaction():
        await callbacks.finish_callback(db, early, "anna", AT + timedelta(hours=1), "umówione")
    done = await callbacks.get_callback(db, early)
    assert done is not None
    assert (done.done_at, done.done_by, done.outcome) == (
        AT + timedelta(hours=1),
        "anna",
        "umówione",
    )
    assert [c.id for c in await callbacks.open_callbacks(db)] == [late]
    assert await callbacks.open_callback_of_call(db, ring) is None  # made
    assert [c.id for c in await callbacks.callbacks_of(db, cid, [])] == [late]
    async with db.transaction():  # nobody answered: due again later; a made one stays made
        await callbacks.record_attempt(db, late, AT, "No answer", AT + timedelta(hours=5))
        await callbacks.record_attempt(db, early, AT, "No answer", AT + timedelta(hours=9))
    moved, made = await callbacks.get_callback(db, late), await callbacks.get_callback(db, early)
    assert moved is not None and moved.due_at == AT + timedelta(hours=5)
    assert made is not None and made.due_at == AT + timedelta(hours=1)
    assert [c.id for c in await callbacks.callbacks_of(db, 999, ["+48500600700"])] == [early]
    async with db.transaction():
        await callbacks.delete_callbacks_of(db, cid, [ring], ["+48500600700"])
    assert await callbacks.open_callbacks(db) == []
