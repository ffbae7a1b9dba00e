"""Queries about clients and their phone numbers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.clients import (
    Client,
    ClientKind,
    ClientPhone,
    ClientStatus,
    search_key,
    search_place,
    search_words,
)
from bbdispatch.storage.database import (
    Database,
    Row,
    id_chunks,
    like_literal,
    next_id,
    reserve_ids,
)

if TYPE_CHECKING:  # the phone path reads clients only: these are built when written
    from bbdispatch.domain.client_details import ClientDetails, NewClient, PhoneLine

CLIENT_COLUMNS = (
    "id, kind, name, nip, street, city, postal_code, email, contact_person, notes, "
    "status, created_at"
)
_CLIENT_COLUMNS = ", ".join(f"c.{name.strip()}" for name in CLIENT_COLUMNS.split(","))


def shown(alias: str = "") -> str:
    """SQL: the client row (of ``alias``) is one anyone may see (migration 027).

    Not one an import is still publishing: an import's clients go in hidden,
    marked with their batch, a chunk per short transaction, and are all shown
    at once when the batch is marked done. Every query that finds clients
    (not through a job, call or contract, which only shown clients have)
    carries this test.
    """
    col = f"{alias}.import_batch" if alias else "import_batch"
    return f"({col} IS NULL OR {col} IN (SELECT id FROM import_batch WHERE state = 'done'))"


SHOWN = shown()
""":func:`shown` for the table itself."""
_C_SHOWN = shown("c")
""":func:`shown` for the alias ``c``."""


def client_from_row(row: Row, phones: tuple[ClientPhone, ...] = ()) -> Client:
    """A ``client`` row (the columns of ``CLIENT_COLUMNS``) and its phones as a Client."""
    return Client(
        id=row["id"],
        kind=ClientKind(row["kind"]),
        name=row["name"],
        nip=row["nip"],
        street=row["street"],
        city=row["city"],
        postal_code=row["postal_code"],
        email=row["email"],
        contact_person=row["contact_person"],
        notes=row["notes"],
        status=ClientStatus(row["status"]),
        created_at=from_db(row["created_at"]),
        phones=phones,
    )


def phone_from_row(row: Row) -> ClientPhone:
    """A ``client_phone`` row as a ClientPhone."""
    return ClientPhone(
        id=row["id"],
        client_id=row["client_id"],
        e164=row["e164"],
        label=row["label"],
        contact_person=row["contact_person"],
    )


async def insert_client(db: Database, new: NewClient, created_at: datetime) -> int:
    """Insert a client and its phones; returns the new id."""
    client_id = await db.execute(
        "INSERT INTO client (id, kind, name, search_name, search_place, nip, street, city,"
        " postal_code, email, contact_person, notes, status, created_at)"
        f" VALUES ({next_id('client')}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.kind.value,
            new.name.strip(),
            search_key(new.name),
            search_place(new.city, new.email, new.contact_person),
            new.nip,
            new.street,
            new.city,
            new.postal_code,
            new.email,
            new.contact_person,
            new.notes,
            new.status.value,
            to_db(created_at),
        ),
    )
    for e164, label in new.phones:
        await add_phone(db, client_id, e164, label, new.contact_person)
    return client_id


async def add_phone(
    db: Database, client_id: int, e164: str, label: str = "", contact_person: str = ""
) -> None:
    """Attach a number to a client (a number already attached is left as is)."""
    await db.execute(
        "INSERT INTO client_phone (client_id, e164, label, contact_person) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (client_id, e164) DO NOTHING",
        (client_id, e164, label, contact_person),
    )


async def set_status(db: Database, client_id: int, status: ClientStatus) -> None:
    """Change a client's status (prospect → active when a contract is signed)."""
    await db.execute("UPDATE client SET status = ? WHERE id = ?", (status.value, client_id))


async def phones_of(db: Database, client_ids: list[int]) -> dict[int, tuple[ClientPhone, ...]]:
    """Phones of several clients at once, keyed by client id."""
    if not client_ids:
        return {}
    marks = ",".join("?" * len(client_ids))
    fetch = db.fetch_point if len(client_ids) == 1 else db.fetch_all  # one client: a point read
    rows = await fetch(
        f"SELECT * FROM client_phone WHERE client_id IN ({marks}) ORDER BY id", client_ids
    )
    found: dict[int, list[ClientPhone]] = {}
    for row in rows:
        found.setdefault(row["client_id"], []).append(phone_from_row(row))
    return {cid: tuple(p) for cid, p in found.items()}


async def _with_phones(db: Database, rows: list[Row]) -> list[Client]:
    phones = await phones_of(db, [r["id"] for r in rows])
    return [client_from_row(r, phones.get(r["id"], ())) for r in rows]


_PHONE_COLUMNS = (
    "p.id AS phone_id, p.e164 AS phone_e164, p.label AS phone_label,"
    " p.contact_person AS phone_contact"
)


def _grouped(rows: list[Row]) -> list[Client]:
    """Clients from rows of ``client LEFT JOIN client_phone``, in the rows' order."""
    phones: dict[int, list[ClientPhone]] = {}
    firsts: list[Row] = []
    for row in rows:
        found = phones.get(row["id"])
        if found is None:
            found = phones[row["id"]] = []
            firsts.append(row)
        if row["phone_id"] is not None:
            found.append(
                ClientPhone(
                    id=row["phone_id"],
                    client_id=row["id"],
                    e164=row["phone_e164"],
                    label=row["phone_label"],
                    contact_person=row["phone_contact"],
                )
            )
    return [client_from_row(r, tuple(phones[r["id"]])) for r in firsts]


async def clients_by_ids(db: Database, ids: Sequence[int]) -> dict[int, Client]:
    """Several clients with their phones, keyed by id, in a few queries."""
    rows: list[Row] = []
    for part in id_chunks(sorted(set(ids))):
        marks = ",".join("?" * len(part))
        rows += await db.fetch_all(
            f"SELECT {CLIENT_COLUMNS} FROM client WHERE id IN ({marks}) AND {SHOWN}", part
        )
    return {c.id: c for c in await _with_phones(db, rows)}


async def client_names(db: Database, ids: Sequence[int]) -> dict[int, str]:
    """Just the names of several clients, for lists that show nothing more."""
    names: dict[int, str] = {}
    for part in id_chunks(sorted(set(ids))):
        marks = ",".join("?" * len(part))
        for r in await db.fetch_all(
            f"SELECT id, name FROM client WHERE id IN ({marks}) AND {SHOWN}", part
        ):
            names[r["id"]] = r["name"]
    return names


async def get_client(db: Database, client_id: int) -> Client | None:
    """One client with its phones."""
    rows = await db.fetch_point(
        f"SELECT {CLIENT_COLUMNS} FROM client WHERE id = ? AND {SHOWN}", (client_id,)
    )
    found = await _with_phones(db, rows)
    return found[0] if found else None


async def clients_by_phone(db: Database, e164: str) -> list[Client]:
    """Every client a number belongs to (usually one, sometimes several)."""
    # One point query (clients and all their phones): the caller is waiting on the line.
    rows = await db.fetch_point(
        f"SELECT {_CLIENT_COLUMNS}, {_PHONE_COLUMNS} FROM client c"
        " LEFT JOIN client_phone p ON p.client_id = c.id"
        " WHERE c.id IN (SELECT client_id FROM client_phone WHERE e164 = ?)"
        f" AND {_C_SHOWN} ORDER BY c.name, c.id, p.id",
        (e164,),
    )
    return _grouped(rows)


async def client_by_nip(db: Database, nip: str) -> Client | None:
    """The client with this NIP, if any."""
    rows = await db.fetch_all(
        f"SELECT {CLIENT_COLUMNS} FROM client WHERE nip = ? AND {SHOWN}", (nip,)
    )
    found = await _with_phones(db, rows)
    return found[0] if found else None


def _phrase(text: str) -> str:
    """An FTS5 phrase matching ``text`` anywhere (trigram tokenizer), quotes escaped."""
    return '"' + text.replace('"', '""') + '"'


def _contains(db: Database, name: str | None, digits: str | None) -> tuple[str, list[object]]:
    """The indexed test "the folded name, city or e-mail contains ``name``, or a number ``digits``".

    SQLite: the FTS5 trigram table ``client_search``; PostgreSQL: ``LIKE`` on
    ``pg_trgm`` indexes (migration 013 there). Both are plain substring tests
    of the same stored text, so they find the same clients.
    """
    if db.dialect == "sqlite":
        terms = []
        if name:
            terms.append(f"name : {_phrase(name)}")
        if digits:
            terms.append(f"numbers : {_phrase(digits)}")
        return (
            "c.id IN (SELECT rowid FROM client_search WHERE client_search MATCH ?)",
            [" OR ".join(terms)],
        )
    parts: list[str] = []
    params: list[object] = []
    if name:
        parts.append("c.search_name LIKE ? ESCAPE '!' OR c.search_place LIKE ? ESCAPE '!'")
        params += [f"%{like_literal(name)}%"] * 2
    if digits:
        parts.append(
            "c.nip LIKE ? OR c.id IN (SELECT p.client_id FROM client_phone p WHERE p.e164 LIKE ?)"
        )
        params += [f"%{digits}%", f"%{digits}%"]
    return "(" + " OR ".join(parts) + ")", params


async def search_clients(db: Database, text: str, limit: int = 20) -> list[Client]:
    """Clients whose name, city, e-mail, NIP or a phone number contains the text.

    Three characters or more go through the trigram index of migration 007
    (name: folded substring; numbers: NIP or phone digits, 3 digits or more).
    Shorter names fall back to a scan, which is still correct, only slower.
    """
    key = search_key(text.strip())
    digits = "".join(c for c in text if c.isdigit())
    clauses = []
    params: list[object] = []
    if len(key) < 3:
        clauses.append("c.search_name LIKE ? ESCAPE '!' OR c.search_place LIKE ? ESCAPE '!'")
        params += [f"%{like_literal(key)}%"] * 2
    if len(key) >= 3 or len(digits) >= 3:
        clause, more = _contains(
            db, key if len(key) >= 3 else None, digits if len(digits) >= 3 else None
        )
        clauses.append(clause)
        params += more
    params.append(limit)
    rows = await db.fetch_all(
        f"WITH found AS (SELECT {_CLIENT_COLUMNS} FROM client c"
        f" WHERE ({' OR '.join(clauses)}) AND {_C_SHOWN}"
        " ORDER BY c.status = 'archived', c.name LIMIT ?)"
        f" SELECT found.*, {_PHONE_COLUMNS} FROM found"
        " LEFT JOIN client_phone p ON p.client_id = found.id"
        " ORDER BY found.status = 'archived', found.name, found.id, p.id",
        params,
    )
    return _grouped(rows)


async def all_clients(db: Database) -> list[Client]:
    """Every client, by name."""
    rows = await db.fetch_all(f"SELECT {CLIENT_COLUMNS} FROM client WHERE {SHOWN} ORDER BY name")
    return await _with_phones(db, rows)


async def update_client(db: Database, client_id: int, details: ClientDetails) -> None:
    """Write every editable field of a client and replace its phones with ``details.phones``.

    Phones kept by number keep their row (and so the calls matched to them);
    numbers no longer listed are removed, new ones added.
    """
    await db.execute(
        "UPDATE client SET kind = ?, name = ?, search_name = ?, search_place = ?, nip = ?,"
        " street = ?, city = ?, postal_code = ?, email = ?, contact_person = ?, notes = ?"
        " WHERE id = ?",
        (
            details.kind.value,
            details.name,
            search_key(details.name),
            search_place(details.city, details.email, details.contact_person),
            details.nip,
            details.street,
            details.city,
            details.postal_code,
            details.email,
            details.contact_person,
            details.notes,
            client_id,
        ),
    )
    await replace_phones(db, client_id, details.phones)


async def replace_phones(db: Database, client_id: int, phones: Sequence[PhoneLine]) -> None:
    """Make a client's phones exactly ``phones``, in that order (label and contact person included).

    The order is the phones' row order, and the first is the client's main
    number: when the order changes (a number made the main one), the rows are
    written again in the new order; otherwise they are updated in place.
    """
    rows = await db.fetch_all(
        "SELECT e164 FROM client_phone WHERE client_id = ? ORDER BY id", (client_id,)
    )
    wanted = [p.e164 for p in phones]
    kept = [r["e164"] for r in rows if r["e164"] in wanted]
    if kept != wanted[: len(kept)]:
        # A kept number moves before another: write them all again, in order.
        await db.execute("DELETE FROM client_phone WHERE client_id = ?", (client_id,))
    elif wanted:
        marks = ",".join("?" * len(wanted))
        await db.execute(
            f"DELETE FROM client_phone WHERE client_id = ? AND e164 NOT IN ({marks})",
            (client_id, *wanted),
        )
    else:
        await db.execute("DELETE FROM client_phone WHERE client_id = ?", (client_id,))
    for p in phones:
        await db.execute(
            "INSERT INTO client_phone (client_id, e164, label, contact_person) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (client_id, e164) DO UPDATE SET label = excluded.label,"
            " contact_person = excluded.contact_person",
            (client_id, p.e164, p.label, p.contact_person),
        )


async def search_clients_by_words(
    db: Database, text: str, limit: int = 50, *, include_archived: bool = True
) -> list[Client]:
    """Clients matching every word of the text, in any order, by name, city, e-mail, NIP or phone.

    Words are folded (case and Polish letters: ``lodz`` finds ``Łódź``). A word of
    digits also matches the NIP or a phone number; a text that is only a number
    (``601 100 200``, ``+48 601-100-200``) is searched as one number. Words of
    three characters or more use the trigram index; shorter ones scan.
    """
    digits = "".join(c for c in text if c.isdigit())
    only_number = bool(digits) and all(c.isdigit() or c in " +-()/" for c in text.strip())
    words = [digits] if only_number else search_words(text)
    clauses: list[str] = []
    params: list[object] = []
    for word in words:
        word_digits = "".join(c for c in word if c.isdigit())
        by_name = word if len(word) >= 3 else None
        by_number = word_digits if len(word_digits) >= 3 and word_digits == word else None
        if by_name or by_number:
            clause, more = _contains(db, by_name, by_number)
            clauses.append(clause)
            params += more
        else:
            clauses.append("(c.search_name LIKE ? ESCAPE '!' OR c.search_place LIKE ? ESCAPE '!')")
            params += [f"%{like_literal(word)}%"] * 2
    if not include_archived:
        clauses.append("c.status <> 'archived'")
    where = " AND ".join([*clauses, _C_SHOWN])
    params.append(limit)
    rows = await db.fetch_all(
        f"WITH found AS (SELECT {_CLIENT_COLUMNS} FROM client c WHERE {where}"
        " ORDER BY c.status = 'archived', c.name, c.id LIMIT ?)"
        f" SELECT found.*, {_PHONE_COLUMNS} FROM found"
        " LEFT JOIN client_phone p ON p.client_id = found.id"
        " ORDER BY found.status = 'archived', found.name, found.id, p.id",
        params,
    )
    return _grouped(rows)


@dataclass(frozen=True)
class NipHolder:
    """The client a NIP belongs to, as much as an import's check needs."""

    id: int
    name: str


async def nip_holders(db: Database, nips: Iterable[str]) -> dict[str, NipHolder]:
    """The clients these NIPs belong to, keyed by NIP (absent: nobody's), a query per 500.

    An import checks a chunk of its rows with this set-wise query, not a query a row.
    """
    wanted = sorted(set(nips))
    found: dict[str, NipHolder] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ",".join("?" * len(part))
        for r in await db.fetch_all(
            f"SELECT id, name, nip FROM client WHERE nip IN ({marks}) AND {SHOWN}", part
        ):
            found[str(r["nip"])] = NipHolder(int(r["id"]), str(r["name"]))
    return found


async def known_search_names(db: Database, keys: Iterable[str]) -> set[str]:
    """Which of these folded names (``search_key``) some client has, a query per 500."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ",".join("?" * len(part))
        for r in await db.fetch_all(
            f"SELECT DISTINCT search_name FROM client WHERE search_name IN ({marks}) AND {SHOWN}",
            part,
        ):
            found.add(str(r["search_name"]))
    return found


async def client_ids_by_name(db: Database, name: str) -> list[int]:
    """Clients whose name folds to the same search key (case and accents ignored)."""
    rows = await db.fetch_all(
        f"SELECT id FROM client WHERE search_name = ? AND {SHOWN} ORDER BY id",
        (search_key(name.strip()),),
    )
    return [int(r["id"]) for r in rows]


async def client_id_by_name_and_phone(db: Database, name: str, e164: str) -> int | None:
    """A client with this (folded) name that already has this number."""
    value = await db.fetch_value(
        "SELECT client.id FROM client JOIN client_phone ON client_phone.client_id = client.id"
        " WHERE client.search_name = ? AND client_phone.e164 = ?"
        f" AND {shown('client')}"
        " ORDER BY client.id LIMIT 1",
        (search_key(name.strip()), e164),
    )
    return None if value is None else int(value)


async def client_id_by_name_without_phone(db: Database, name: str) -> int | None:
    """A client with this (folded) name and no phone at all (imported without a number)."""
    value = await db.fetch_value(
        f"SELECT id FROM client WHERE search_name = ? AND {SHOWN} AND id NOT IN"
        " (SELECT client_id FROM client_phone) ORDER BY id LIMIT 1",
        (search_key(name.strip()),),
    )
    return None if value is None else int(value)


async def delete_client(db: Database, client_id: int) -> None:
    """Remove a client and its phones (nothing else may point at it)."""
    await db.execute("DELETE FROM client_phone WHERE client_id = ?", (client_id,))
    await db.execute("DELETE FROM client WHERE id = ?", (client_id,))


async def strip_client(db: Database, client_id: int) -> None:
    """Keep only what a client's issued statements show: name, address, NIP.

    Phones, e-mail, contact person and notes go; the client is archived.
    """
    await db.execute("DELETE FROM client_phone WHERE client_id = ?", (client_id,))
    city = await db.fetch_value("SELECT city FROM client WHERE id = ?", (client_id,))
    await db.execute(
        "UPDATE client SET email = '', contact_person = '', notes = '', status = 'archived',"
        " search_place = ? WHERE id = ?",
        (search_place(city or "", ""), client_id),
    )


async def rebuild_search_index(db: Database) -> None:
    """Rebuild the client search index from scratch (no old index pages left behind).

    PostgreSQL: ``REINDEX`` of the trigram indexes is the server administrator's
    (it needs the table's owner); nothing to do here.
    """
    if db.dialect != "sqlite":
        return
    await db.execute("INSERT INTO client_search (client_search) VALUES ('rebuild')")


# Publishing a staged client import (rows in ``import_row``, storage/imports.py).


async def reserve_client_ids(db: Database, count: int) -> int:
    """Take ``count`` client ids nobody else will get; returns the first.

    Ids of rows that end up not published (the client added meanwhile) stay unused.
    """
    return await reserve_ids(db, "client", count)


async def index_staged(db: Database, batch_id: int, first_id: int, last_id: int) -> None:
    """Write the search entries of an import's staged rows (ids ``first_id``..``last_id``).

    SQLite: written while staging, in the staging transaction, so the publish
    (which holds the write lock) writes none; invisible until then, as every
    search joins the client table (migration 017). PostgreSQL: nothing to do
    (its trigram indexes follow the client table).
    """
    if db.dialect != "sqlite":
        return
    await db.execute(
        "INSERT INTO client_search (rowid, name, numbers)"
        " SELECT r.client_id, r.payload ->> '$.search_name' || ' '"
        "  || coalesce(r.payload ->> '$.search_place', ''),"
        "  coalesce(r.payload ->> '$.nip', '') || ' ' || coalesce("
        "   (SELECT group_concat(substr(p.value ->> '$[0]', 2), ' ')"
        "    FROM json_each(r.payload, '$.phones') p), '')"
        " FROM import_row r WHERE r.batch_id = ? AND r.client_id BETWEEN ? AND ?",
        (batch_id, first_id, last_id),
    )


async def unindex_unpublished(db: Database, batch_id: int, *, first: int = 0) -> None:
    """Delete the search entries of a batch's staged rows that are no clients.

    After a publish (rows left out because the client was added meanwhile) and
    before dropping a batch that died staging or failed its check: with
    ``first``, only those of its first ``first`` rows in file order (the rows
    :func:`bbdispatch.storage.imports.clear_rows` drops next), so a large batch
    goes a short transaction at a time. PostgreSQL: nothing to do.
    """
    if db.dialect != "sqlite":
        return
    rows = "r.batch_id = ?"
    params: tuple[object, ...] = (batch_id,)
    if first:
        rows += (
            " AND r.line IN (SELECT line FROM import_row WHERE batch_id = ? ORDER BY line LIMIT ?)"
        )
        params += (batch_id, first)
    await db.execute(
        "DELETE FROM client_search WHERE rowid IN (SELECT r.client_id FROM import_row r"
        f" WHERE {rows} AND r.client_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM client c WHERE c.id = r.client_id))",
        params,
    )


_NOT_THERE_YET = """CASE
    WHEN r.payload ->> '$.nip' IS NOT NULL THEN
        NOT EXISTS (SELECT 1 FROM client c WHERE c.nip = r.payload ->> '$.nip'
                    AND c.import_batch IS NOT r.batch_id)
    ELSE
        NOT EXISTS (SELECT 1 FROM client c WHERE c.search_name = r.payload ->> '$.search_name'
                    AND c.import_batch IS NOT r.batch_id)
END"""
"""A staged row whose client nobody added since it was staged (another import, a
dispatcher): the same test as the import's own (NIP, else the folded name), against
every client but the batch's own. The phones of a chunk go in first and its clients
next, both against the client table as it was, so both statements agree."""

_CHUNK = "r.batch_id = ? AND r.line > ? AND r.line <= ? AND r.client_id IS NOT NULL"
"""The staged rows of one chunk of a publish: a batch's lines after one, up to another."""

_PUBLISH_CLIENTS = f"""
INSERT INTO client (id, kind, name, search_name, search_place, nip, street, city, postal_code,
                    email, contact_person, notes, status, created_at, import_batch)
SELECT r.client_id, r.payload ->> '$.kind', r.payload ->> '$.name', r.payload ->> '$.search_name',
       coalesce(r.payload ->> '$.search_place', ''), r.payload ->> '$.nip',
       r.payload ->> '$.street', r.payload ->> '$.city',
       r.payload ->> '$.postal_code', r.payload ->> '$.email', r.payload ->> '$.contact_person',
       r.payload ->> '$.notes', r.payload ->> '$.status', ?, r.batch_id
FROM import_row r
WHERE {_CHUNK} AND {_NOT_THERE_YET}
"""

_PUBLISH_PHONES = f"""
INSERT INTO client_phone (client_id, e164, label, contact_person)
SELECT r.client_id, p.value ->> '$[0]', p.value ->> '$[1]', r.payload ->> '$.contact_person'
FROM import_row r, json_each(r.payload, '$.phones') p
WHERE {_CHUNK} AND {_NOT_THERE_YET}
ON CONFLICT (client_id, e164) DO NOTHING
"""

_PG_NOT_THERE_YET = """CASE
    WHEN r.doc ->> 'nip' IS NOT NULL THEN
        NOT EXISTS (SELECT 1 FROM client c WHERE c.nip = r.doc ->> 'nip'
                    AND c.import_batch IS DISTINCT FROM r.batch_id)
    ELSE
        NOT EXISTS (SELECT 1 FROM client c WHERE c.search_name = r.doc ->> 'search_name'
                    AND c.import_batch IS DISTINCT FROM r.batch_id)
END"""
"""PostgreSQL's :data:`_NOT_THERE_YET` (``doc``: the payload as ``jsonb``)."""

_PG_STAGED = """(SELECT batch_id, line, client_id, payload::jsonb AS doc FROM import_row
    WHERE batch_id = ? AND line > ? AND line <= ? AND client_id IS NOT NULL) r"""

_PG_PUBLISH_CLIENTS = f"""
INSERT INTO client (id, kind, name, search_name, search_place, nip, street, city, postal_code,
                    email, contact_person, notes, status, created_at, import_batch)
SELECT r.client_id, r.doc ->> 'kind', r.doc ->> 'name', r.doc ->> 'search_name',
       coalesce(r.doc ->> 'search_place', ''), r.doc ->> 'nip', r.doc ->> 'street',
       r.doc ->> 'city', r.doc ->> 'postal_code',
       r.doc ->> 'email', r.doc ->> 'contact_person', r.doc ->> 'notes', r.doc ->> 'status', ?,
       r.batch_id
FROM {_PG_STAGED}
WHERE {_PG_NOT_THERE_YET}
ORDER BY r.line
"""

_PG_PUBLISH_PHONES = f"""
INSERT INTO client_phone (client_id, e164, label, contact_person)
SELECT r.client_id, p.value ->> 0, p.value ->> 1, r.doc ->> 'contact_person'
FROM {_PG_STAGED}
JOIN client c ON c.id = r.client_id AND c.import_batch = r.batch_id
CROSS JOIN LATERAL jsonb_array_elements(r.doc -> 'phones') WITH ORDINALITY AS p (value, n)
ORDER BY r.line, p.n
ON CONFLICT (client_id, e164) DO NOTHING
"""
"""After the clients (foreign keys are checked at once on PostgreSQL): the phones of
the chunk's rows that became clients, so both statements agree as SQLite's do."""


@dataclass(frozen=True)
class Published:
    """A staged row that became a client."""

    line: int
    client_id: int


async def publish_chunk(
    db: Database, batch_id: int, after_line: int, limit: int, created_at: datetime
) -> int | None:
    """Insert the next ``limit`` staged rows of a batch (after ``after_line``) as hidden clients.

    In the caller's (short) transaction. Each client is marked with its batch,
    so nobody sees it (:func:`shown`) until the batch is marked done; a row
    whose client was added since it was staged (:data:`_NOT_THERE_YET`) is
    left out. Set statements, no row-by-row round trips. SQLite: the phones
    go in first, foreign keys checked at the commit, and the search entries
    were written while staging (:func:`index_staged`, migration 017), so the
    inserts write none; PostgreSQL takes the clients first, then the phones
    of the rows that became clients. Returns the last line done, or None when
    no row was left.
    """
    upto = await db.fetch_value(
        "SELECT max(line) FROM (SELECT line FROM import_row WHERE batch_id = ? AND line > ?"
        " ORDER BY line LIMIT ?) chunk",
        (batch_id, after_line, limit),
    )
    if upto is None:
        return None
    lines = (batch_id, after_line, int(upto))
    if db.dialect == "sqlite":
        await db.execute("PRAGMA defer_foreign_keys = ON")
        await db.execute(_PUBLISH_PHONES, lines)
        await db.execute(_PUBLISH_CLIENTS, (to_db(created_at), *lines))
    else:  # PostgreSQL: no search-index trigger to spare, foreign keys checked at once
        await db.execute(_PG_PUBLISH_CLIENTS, (to_db(created_at), *lines))
        await db.execute(_PG_PUBLISH_PHONES, lines)
    await _fold_places_staged_before_020(db, *lines)
    return int(upto)


async def publish_staged(db: Database, batch_id: int, created_at: datetime) -> list[Published]:
    """Insert every staged client of a batch, hidden, in the caller's transaction.

    :func:`publish_chunk` over the whole batch at once, for a small batch
    (an import publishes a chunk per transaction). Returns the rows that
    became clients, in file order; they are shown when the batch is marked done.
    """
    after = 0
    while (last := await publish_chunk(db, batch_id, after, 1000, created_at)) is not None:
        after = last
    rows = await db.fetch_all(
        "SELECT r.line, r.client_id FROM import_row r"
        " JOIN client c ON c.id = r.client_id WHERE r.batch_id = ? ORDER BY r.line",
        (batch_id,),
    )
    return [Published(int(r[0]), int(r[1])) for r in rows]


async def hidden_count(db: Database, batch_id: int) -> int:
    """How many clients a batch has put in so far (hidden until it is done)."""
    return int(
        await db.fetch_value("SELECT count(*) FROM client WHERE import_batch = ?", (batch_id,))
    )


async def settle_published(db: Database, batch_id: int, client_ids: Sequence[int]) -> None:
    """Clear the batch mark of clients already shown (after the publish).

    Readers' :func:`shown` test is then decided by the column alone.
    """
    for part in id_chunks(sorted(client_ids)):
        marks = ",".join("?" * len(part))
        await db.execute(
            f"UPDATE client SET import_batch = NULL WHERE import_batch = ? AND id IN ({marks})",
            (batch_id, *part),
        )


async def delete_hidden(db: Database, batch_id: int, limit: int) -> int:
    """Delete up to ``limit`` hidden clients of a batch that will not be shown; returns how many.

    Their phones and search entries go with them. A batch already done keeps its
    clients (they are shown): nothing is deleted then.
    """
    await db.execute(
        "DELETE FROM client WHERE id IN (SELECT id FROM client WHERE import_batch = ?"
        " AND import_batch NOT IN (SELECT id FROM import_batch WHERE state = 'done')"
        " ORDER BY id LIMIT ?)",
        (batch_id, limit),
    )
    return await db.changes()


async def _fold_places_staged_before_020(
    db: Database, batch_id: int, after_line: int, upto_line: int
) -> None:
    """Fold the city and e-mail of published rows staged before migration 020.

    Their payload has no ``search_place`` (the publish stored ``''``); the
    folding is Python's, so it is done here, row by row (none in a new import).
    """
    missing = (
        "r.payload ->> '$.search_place' IS NULL"
        if db.dialect == "sqlite"
        else "r.payload::jsonb ->> 'search_place' IS NULL"
    )
    rows = await db.fetch_all(
        "SELECT c.id, c.city, c.email, c.contact_person FROM import_row r"
        " JOIN client c ON c.id = r.client_id"
        f" WHERE r.batch_id = ? AND r.line > ? AND r.line <= ? AND {missing}",
        (batch_id, after_line, upto_line),
    )
    for row in rows:
        place = search_place(row["city"], row["email"], row["contact_person"])
        if place:
            await db.execute("UPDATE client SET search_place = ? WHERE id = ?", (place, row["id"]))


async def published_staged(db: Database, batch_id: int, limit: int) -> list[Published]:
    """The first ``limit`` staged rows of a batch that are clients now, in file order."""
    rows = await db.fetch_all(
        "SELECT r.line, r.client_id FROM import_row r"
        " JOIN client c ON c.id = r.client_id WHERE r.batch_id = ? ORDER BY r.line LIMIT ?",
        (batch_id, limit),
    )
    return [Published(int(r[0]), int(r[1])) for r in rows]
