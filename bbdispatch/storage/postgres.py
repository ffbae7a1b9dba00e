"""The PostgreSQL backend: the :class:`Database` interface over one asyncpg connection.

Storage modules write SQLite's SQL (``?`` and ``:name`` placeholders, ``LIKE``
folding ASCII case, ``IS NOT ?``); :func:`translate` turns it into PostgreSQL's
mechanically, and the schema (``pg_migrations/``) stores the same forms as
SQLite (ISO text in UTC, BIGINT grosze, 0/1, the "C" collation), so both
backends give the same results. Where the dialects differ beyond that, a
storage function asks ``db.dialect`` and writes its own query (``docs/storage.md``).

Writes are serialised among all processes by one transaction-level advisory
lock, as SQLite's ``BEGIN IMMEDIATE`` serialises them: services read, decide
and write inside one transaction and rely on nobody writing in between. Each
committed write notifies ``bbdispatch_change``; other processes' front ends
listen instead of polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal, TypeVar, cast

import asyncpg

from bbdispatch.database_url import masked, parse_database_url
from bbdispatch.i18n import _
from bbdispatch.paths import pg_side_folder
from bbdispatch.storage.database import (
    RECORD_ROLES,
    REFILL_SEARCH_PLACE,
    CommitUncertain,
    Database,
    DatabaseUnreachable,
    Params,
    ReadFailed,
    Row,
    StorageError,
    WriteFailed,
    busy_too_long,
    failure_of_kind,
    fill_search_place,
    latest_schema_version,
    lock_pause,
    record_roles,
)

WRITE_LOCK_KEY = 0x62626469
"""The advisory lock every write transaction holds ("bbdi"): one writer at a time."""
CHANNEL = "bbdispatch_change"
"""The ``NOTIFY`` channel a committed write signals on."""
CONNECT_TIMEOUT_SECONDS = 10.0
LOCK_POLL_SECONDS = 0.003
"""Pause between two tries for the write lock."""
RECONNECT_TIMEOUT_SECONDS = 5.0
"""How long one try to connect again waits for the server (a read waits on it)."""
RECONNECT_PAUSES = (0.1, 0.5, 1.0, 2.0, 5.0)
"""Seconds between a listening session's tries to connect again (the last repeats)."""


class PostgresError(StorageError):
    """PostgreSQL refused a statement, or the connection broke; one line for the user."""


_FAILURES = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
"""What a statement may raise: the server's refusal, a broken or closed connection."""


def failure_kind(err: BaseException) -> Literal["busy", "full", "other"] | None:
    """Which failure of the machine ``err`` is, as :func:`failure_of_kind` names them.

    ``full``: the server's disk is full (SQLSTATE 53100) or ``ENOSPC``;
    ``busy``: a lock not granted, a deadlock or serialisation failure, a
    statement cancelled by a timeout (55P03, 40xxx, 57014); ``other``: the
    server short of resources, shutting down, a broken connection or an I/O
    error. Anything else (a constraint, a bug) is None: not the machine's doing.
    """
    pg = asyncpg.exceptions
    if isinstance(err, pg.DiskFullError) or (
        isinstance(err, OSError) and err.errno == errno.ENOSPC
    ):
        return "full"
    if isinstance(err, pg.LockNotAvailableError | pg.TransactionRollbackError):
        return "busy"
    if isinstance(err, pg.QueryCanceledError):
        return "busy"
    machine = (
        pg.InsufficientResourcesError,
        pg.PostgresConnectionError,
        pg.OperatorInterventionError,
        pg.InternalServerError,
        asyncpg.InterfaceError,
        OSError,
    )
    return "other" if isinstance(err, machine) else None


@cache
def pg_migrations() -> tuple[tuple[int, str, str], ...]:
    """The numbered PostgreSQL migrations shipped with the package: (number, name, sql)."""
    found = []
    for entry in resources.files("bbdispatch.storage.pg_migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    return tuple(found)


_TOKENS = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\bIS\s+NOT\s+\?|\?|::|:[A-Za-z_]\w*"""
    r"""|\bLIKE\b|\bAS\s+REAL\b|\bWHERE\s+1\b(?!\s*=)|\bIS\s+\?""",
    re.IGNORECASE,
)
_LIKE_PARAM = re.compile(r"\bILIKE (\$\d++(?:::\w++)?+)(?!\s+ESCAPE)")
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_CASTS: dict[type, str] = {
    str: "::text",
    int: "::bigint",
    bool: "::bigint",
    float: "::float8",
    Decimal: "::numeric",
    bytes: "::bytea",
}


def _cast_of(value: object) -> str:
    return _CASTS.get(type(value), "")


@cache
def _translate(sql: str, kinds: tuple[str, ...], named: bool) -> tuple[str, tuple[str, ...]]:
    """Translate once per (statement, parameter types); see :func:`translate`."""
    names: list[str] = []
    position = 0

    def placeholder(index: int) -> str:
        return f"${index + 1}{kinds[index] if index < len(kinds) else ''}"

    def replace(match: re.Match[str]) -> str:
        nonlocal position
        text = match.group(0)
        head = text[:1]
        if head in "'\"-" or text == "::":
            return text
        upper = text.upper()
        if head == "?":
            position += 1
            return placeholder(position - 1)
        if upper.startswith("IS"):
            position += 1
            negated = "NOT" in upper
            return f"IS {'' if negated else 'NOT '}DISTINCT FROM " + placeholder(position - 1)
        if head == ":":
            name = text[1:]
            if name not in names:
                names.append(name)
            return placeholder(names.index(name))
        if upper == "LIKE":
            return "ILIKE"
        if upper.startswith("AS"):
            return "AS double precision"
        return "WHERE TRUE"

    translated = _TOKENS.sub(replace, sql)
    translated = _LIKE_PARAM.sub(r"ILIKE \1 ESCAPE ''", translated)
    return translated, tuple(names)


def translate(sql: str, params: Params = ()) -> tuple[str, list[Any]]:
    """Turn a statement written for SQLite into PostgreSQL's, with its arguments.

    ``?`` and ``:name`` become ``$n`` cast to the type of the value passed
    (PostgreSQL cannot guess the type of ``$1 IS NULL``); ``IS NOT ?`` becomes
    ``IS DISTINCT FROM``; ``LIKE`` becomes ``ILIKE ... ESCAPE ''`` (SQLite's
    ``LIKE`` ignores ASCII case and has no escape character; the "C" collation
    makes ``ILIKE`` fold ASCII only too); ``AS REAL`` becomes a double; a bare
    ``WHERE 1`` becomes ``WHERE TRUE``. Text in quotes is left alone.
    """
    if isinstance(params, dict):
        kinds_of = {k: _cast_of(v) for k, v in params.items()}
        _plain, names = _translate(sql, (), True)
        kinds = tuple(kinds_of.get(n, "") for n in names)
        translated, names = _translate(sql, kinds, True)
        return translated, [params[n] for n in names]
    args = list(params)
    translated, _names = _translate(sql, tuple(_cast_of(v) for v in args), False)
    return translated, args


class JsonRow:
    """One row of :meth:`PostgresDatabase.fetch_batch`: a JSON object's values by name or place."""

    __slots__ = ("_names", "_values")

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self._names = {name: i for i, (name, _value) in enumerate(pairs)}
        self._values = tuple(value for _name, value in pairs)

    def __getitem__(self, key: int | str, /) -> Any:
        """The value of a column, by position or by name (``KeyError`` if none)."""
        return self._values[key if isinstance(key, int) else self._names[key]]

    def __len__(self) -> int:
        """How many columns."""
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        """The values in column order."""
        return iter(self._values)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._names)


def _numeric(text: str) -> int | float:
    """``numeric`` results (``SUM`` of integers, ``AVG``) as SQLite gives them: int or float."""
    if "." in text or "e" in text or "N" in text:
        value = float(text)
        return int(value) if value.is_integer() and "." not in text else value
    return int(text)


def public_url(url: str) -> str:
    """The URL without its password, for messages."""
    return masked(url, hide=False)


_COPY_HELD_TRIGGERS = {"client": ("client_hidden_yield_insert",)}
"""Triggers that would change other rows while a copy loads a table (:meth:`copy_rows`)."""


T = TypeVar("T")


class ConnectionLost(PostgresError):
    """The connection to the server broke (a terminated backend, a restart, the network).

    ``sent``: whether the statement had left for the server (for a ``COMMIT``:
    its outcome is unknown); False when the connection was known to be gone
    before anything was sent.
    """

    def __init__(self, *, sent: bool) -> None:
        super().__init__(_("the connection to the database server was lost"))
        self.sent = sent


class ServerUnreachable(PostgresError):
    """Connecting again failed: the server is down or out of reach."""


_LOST_KINDS = (
    asyncpg.PostgresConnectionError,  # 08xxx, and asyncpg's "connection does not exist"
    asyncpg.exceptions.AdminShutdownError,  # pg_terminate_backend, a fast shutdown
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    # The server's last word (a FATAL at idle) left the protocol in a state it
    # cannot leave: the connection is no use any more, whatever it reports.
    asyncpg.exceptions.InternalClientError,
    ConnectionError,
)


class _Serialised:
    """One asyncpg connection used by many coroutines, one operation at a time.

    asyncpg refuses a second operation while one is in progress; aiosqlite
    queues them on its thread. This queues them here, the same way.

    It also replaces a connection that broke: the next operation outside a
    transaction connects again (``reopen``) before it runs. Inside a
    transaction (``pinned``) it never does (the statements before would be
    lost and the rest would commit alone): it raises :class:`ConnectionLost`.
    An operation that fails because the connection broke raises
    :class:`ConnectionLost` too (``sent``); a failed connect
    :class:`ServerUnreachable`.
    """

    def __init__(
        self, conn: asyncpg.Connection, reopen: Callable[[], Awaitable[asyncpg.Connection]]
    ) -> None:
        self.raw = conn
        self._reopen = reopen
        self._lock = asyncio.Lock()
        self.pinned = False
        """A transaction is open on this connection: it must not be replaced."""

    async def _ready(self) -> asyncpg.Connection:
        """The live connection, connected again first if it broke (outside a transaction)."""
        if self.raw.is_closed():
            if self.pinned:
                raise ConnectionLost(sent=False)
            self.raw = await self._reopen()
        return self.raw

    async def _run(self, op: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        async with self._lock:
            conn = await self._ready()
            try:
                return await op(conn)
            except (*_LOST_KINDS, asyncpg.InterfaceError, OSError) as err:
                if not (isinstance(err, _LOST_KINDS) or conn.is_closed()):
                    raise
                conn.terminate()  # closed for good: the next operation connects again
                raise ConnectionLost(sent=True) from err

    async def reconnect_if_broken(self) -> bool:
        """Connect again now if the connection broke and no transaction holds it; whether it did.

        Raises:
            ServerUnreachable: the server cannot be reached yet.
        """
        async with self._lock:
            if not self.raw.is_closed() or self.pinned:
                return False
            self.raw = await self._reopen()
            return True

    async def execute(self, query: str, *args: Any) -> str:
        return await self._run(lambda c: c.execute(query, *args))

    async def executemany(self, query: str, args: list[list[Any]]) -> None:
        await self._run(lambda c: c.executemany(query, args))

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        return await self._run(lambda c: c.fetch(query, *args))

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self._run(lambda c: c.fetchval(query, *args))

    async def copy_records_to_table(
        self, table: str, *, records: list[tuple[Any, ...]], columns: list[str]
    ) -> None:
        await self._run(lambda c: c.copy_records_to_table(table, records=records, columns=columns))

    async def add_listener(self, channel: str, callback: Any) -> None:
        await self._run(lambda c: c.add_listener(channel, callback))

    async def close(self) -> None:
        async with self._lock:
            await self.raw.close()

    def is_closed(self) -> bool:
        return self.raw.is_closed()

    def get_server_pid(self) -> int:
        return self.raw.get_server_pid()


class PostgresDatabase(Database):
    """An open bbdispatch database on a PostgreSQL server.

    One connection per process, as with SQLite; the server does the sharing.

    A connection that breaks (the server restarted, a failover, a VPN
    dropped, ``pg_terminate_backend``) is replaced, in one place for every
    front end: a read outside a transaction connects again and runs once
    more; a transaction connects again before it begins. A write that broke
    half-way was rolled back by the server with the connection: it raises
    "Not saved" and the next try works. A broken ``COMMIT`` may or may not
    have committed: :class:`CommitUncertain`, never retried. A listening
    session (a front end) connects again by itself as soon as the server
    answers, listens again, and tells its listeners, as for another
    process's commit, so its screens reload what they missed.
    """

    dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection, url: str) -> None:
        super().__init__(pg_side_folder(url))
        self._conn = _Serialised(conn, self._reopen)
        self.url = url
        self.target = url
        self.display_name = public_url(url)
        self._changes = 0
        self._wrote = False
        self._id_tables: frozenset[str] | None = None
        self._listening = False
        self._external_count = 0
        self._own_pid = 0
        self._closing = False
        self._reconnecting: asyncio.Task[None] | None = None
        conn.add_termination_listener(self._connection_ended)

    @classmethod
    async def connect(
        cls, url: str, *, migrate: bool = True, create: bool = True
    ) -> PostgresDatabase:
        """Connect to ``url`` and bring the schema up to date (``migrate``).

        The database itself must exist (the server's administrator creates it,
        ``docs/scaling.md``); ``create`` allows putting the schema into an
        empty one, as ``init`` and ``demo`` do with a new SQLite file.

        Raises:
            StorageError: the server cannot be reached, refuses the login, or
                the database holds tables of another program.
            SchemaTooNew: its schema is newer than this bbdispatch.
        """
        parse_database_url(url)  # one line naming a malformed part, before the driver reads it
        shown = public_url(url)
        try:
            conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
        except (OSError, asyncpg.InterfaceError, TimeoutError) as err:
            raise DatabaseUnreachable(
                _("Cannot open database {path}: {err}").format(path=shown, err=_one_line(err))
            ) from err
        except asyncpg.PostgresError as err:
            raise StorageError(
                _("Cannot open database {path}: {err}").format(path=shown, err=_one_line(err))
            ) from err
        db = cls(conn, url)
        with contextlib.suppress(OSError):  # only the ring spool needs it, and says so
            db.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await conn.set_type_codec(
                "numeric", schema="pg_catalog", encoder=str, decoder=_numeric, format="text"
            )
            version = await db._version_on_open()
            if version == 0:
                others = await conn.fetchval(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                )
                if others:
                    raise StorageError(
                        _("{path} is not a bbdispatch database (it holds tables of another "
                          "program); it was left as it is.").format(path=shown)
                    )  # fmt: skip
                if not create:
                    raise StorageError(
                        _("No database at {path}; create it with 'bbdispatch init'.").format(
                            path=shown
                        )
                    )
            db._refuse_newer(version)
            if migrate and version < latest_schema_version():
                await db.migrate()
        except asyncpg.PostgresError as err:
            await conn.close()
            raise StorageError(
                _("Cannot open database {path}: {err}").format(path=shown, err=_one_line(err))
            ) from err
        except BaseException:
            await conn.close()
            raise
        return db

    @property
    def session_role(self) -> str | None:
        """The database role this session logged in as (the server reports it)."""
        reported = getattr(self._conn.raw.get_settings(), "session_authorization", None)
        return str(reported) if reported else parse_database_url(self.url).user

    async def close(self) -> None:
        """Close the connection (and stop connecting again)."""
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        if not self._conn.is_closed():
            await self._conn.close()

    async def _reopen(self) -> asyncpg.Connection:
        """A new connection in place of a broken one, set up as :meth:`connect` sets it.

        Listens again when this session listened, and then tells the
        external-commit listeners (commits may have been missed meanwhile).

        Raises:
            ServerUnreachable: the server cannot be reached or refuses to connect.
        """
        if self._closing:
            raise ServerUnreachable(_unreachable_reason(self.url))
        try:
            conn = await asyncpg.connect(self.url, timeout=RECONNECT_TIMEOUT_SECONDS)
        except (OSError, asyncpg.InterfaceError, asyncpg.PostgresError, TimeoutError) as err:
            raise ServerUnreachable(_unreachable_reason(self.url)) from err
        try:
            await conn.set_type_codec(
                "numeric", schema="pg_catalog", encoder=str, decoder=_numeric, format="text"
            )
            if self._listening:
                self._own_pid = conn.get_server_pid()
                await conn.add_listener(CHANNEL, self._heard)
        except (OSError, asyncpg.InterfaceError, asyncpg.PostgresError) as err:
            conn.terminate()
            raise ServerUnreachable(_unreachable_reason(self.url)) from err
        conn.add_termination_listener(self._connection_ended)
        if self._listening:
            asyncio.get_running_loop().call_soon(self._missed_commits)
        return conn

    def _connection_ended(self, _conn: object) -> None:
        """The connection closed: a listening session starts connecting again at once."""
        if self._closing or not self._listening:
            return  # a command connects again at its next statement, if it has one
        if self._reconnecting is None or self._reconnecting.done():
            self._reconnecting = asyncio.get_running_loop().create_task(self._keep_trying())

    async def _keep_trying(self) -> None:
        """Try to connect again, pausing longer and longer, until it works or the session ends."""
        for attempt in range(1_000_000):
            await asyncio.sleep(RECONNECT_PAUSES[min(attempt, len(RECONNECT_PAUSES) - 1)])
            if self._closing:
                return
            try:
                await self._conn.reconnect_if_broken()
            except ServerUnreachable:
                continue
            if not self._conn.is_closed():
                return

    def _missed_commits(self) -> None:
        """After connecting again: other processes may have committed meanwhile; reload."""
        self._external_count += 1
        for listener in self._external_listeners:
            listener()

    def _heard(self, _conn: object, pid: int, _channel: str, _payload: object) -> None:
        if pid == self._own_pid:
            return
        self._external_count += 1
        for listener in self._external_listeners:
            listener()

    async def schema_version(self) -> int:
        """The version in ``bbdispatch_schema`` (0: no bbdispatch schema yet)."""
        if await self._conn.fetchval("SELECT to_regclass('bbdispatch_schema') IS NULL"):
            return 0
        return int(await self._conn.fetchval("SELECT max(version) FROM bbdispatch_schema") or 0)

    async def _version_on_open(self) -> int:
        """:meth:`schema_version` in one query, for :meth:`connect` (outside any transaction).

        Every process opening the database asks, the phone path on every call. A
        database without our schema has no table to read: the query fails, which
        outside a transaction changes nothing (inside one it would abort it, so
        :meth:`schema_version` asks first).
        """
        try:
            found = await self._conn.fetchval("SELECT max(version) FROM bbdispatch_schema")
        except asyncpg.UndefinedTableError:
            return 0
        return int(found or 0)

    async def migrate(self) -> list[int]:
        """Apply pending PostgreSQL migrations, each in one transaction; return those applied."""
        applied: list[int] = []
        if await self.schema_version() >= latest_schema_version():
            return applied
        for number, _name, sql in pg_migrations():
            async with self.transaction():
                if number <= await self.schema_version():
                    continue
                await self._conn.execute(sql)
                if _name.endswith(REFILL_SEARCH_PLACE):
                    await fill_search_place(self)
                if _name.endswith(RECORD_ROLES):
                    await record_roles(self)
                await self._conn.execute(
                    "UPDATE bbdispatch_schema SET version = $1::bigint", number
                )
                self._wrote = True
                applied.append(number)
        return applied

    async def _begin(self, deadline: float) -> None:
        # Try for the lock and sleep a little between tries, rather than wait in
        # the server: the connection stays free for this process's reads meanwhile.
        try:
            try:
                await self._conn.execute("BEGIN")
            except ConnectionLost:
                # Broken before anything of this transaction ran: connect again, begin.
                await self._conn.execute("BEGIN")
        except ConnectionLost as err:
            raise self._not_saved() from err
        except ServerUnreachable as err:
            raise self._not_saved(str(err)) from err
        self._conn.pinned = True
        self._wrote = False
        try:
            while not await self._conn.fetchval(
                f"SELECT pg_try_advisory_xact_lock({WRITE_LOCK_KEY})"
            ):
                if self.lock_clock() >= deadline:
                    raise busy_too_long()
                await lock_pause(LOCK_POLL_SECONDS)
        except ConnectionLost as err:
            await self._end(commit=False)
            raise self._not_saved() from err
        except BaseException:
            await self._end(commit=False)
            raise

    async def _end(self, commit: bool) -> None:
        try:
            if not commit:
                # A broken connection ended its transaction with it: nothing to undo.
                with contextlib.suppress(ConnectionLost):
                    await self._conn.execute("ROLLBACK")
                return
            try:
                await self._conn.execute(f"NOTIFY {CHANNEL}; COMMIT" if self._wrote else "COMMIT")
            except ConnectionLost as err:
                if err.sent:
                    raise _commit_uncertain() from err
                raise self._not_saved() from err  # never sent: the server rolled it back
            except _FAILURES as err:
                raise PostgresError(_one_line(err)) from err
        finally:
            self._conn.pinned = False

    def _not_saved(self, reason: str | None = None) -> WriteFailed:
        """A write that surely did not commit because the link to the server broke."""
        return _not_saved(reason)

    def _failure(self, err: BaseException, *, writing: bool) -> StorageError | None:
        """PostgreSQL's failures of the machine as the same errors as SQLite's.

        A dialog shows "Not saved", keeps what was typed and can save again,
        whichever backend holds the data (:func:`failure_kind`).
        """
        if isinstance(err, ConnectionLost):
            return _not_saved() if writing else _read_lost(self.url)
        if isinstance(err, ServerUnreachable):
            return _not_saved(str(err)) if writing else ReadFailed(_read_unreachable(str(err)))
        cause = err.__cause__ if isinstance(err, PostgresError) else err
        if cause is None:
            return None
        kind = failure_kind(cause)
        return None if kind is None else failure_of_kind(kind, _one_line(cause), writing=writing)

    async def _tables_with_id(self) -> frozenset[str]:
        if self._id_tables is None:
            rows = await self._conn.fetch(
                "SELECT table_name FROM information_schema.columns"
                " WHERE column_name = 'id' AND table_schema = current_schema()"
            )
            self._id_tables = frozenset(str(r[0]) for r in rows)
        return self._id_tables

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement inside the current transaction; return the new row's id.

        An ``INSERT`` into a table with an ``id`` gets ``RETURNING id`` (SQLite's
        ``lastrowid``); 0 when nothing was inserted (``ON CONFLICT DO NOTHING``).
        """
        self._require_tx()
        query, args = translate(sql, params)
        self._wrote = True
        try:
            insert = _INSERT.match(query)
            if (
                insert
                and "RETURNING" not in query.upper()
                and insert.group(1) in await self._tables_with_id()
            ):
                rows = await self._conn.fetch(query + " RETURNING id", *args)
                self._changes = len(rows)
                return int(rows[-1][0]) if rows else 0
            status = await self._conn.execute(query, *args)
        except ConnectionLost as err:
            raise self._not_saved() from err
        except _FAILURES as err:
            raise PostgresError(_one_line(err)) from err
        self._changes = _count_of(status)
        return 0

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one write statement for many parameter sets inside the transaction."""
        self._require_tx()
        batch = [translate(sql, params) for params in rows]
        if not batch:
            return
        self._wrote = True
        try:
            by_query: dict[str, list[list[Any]]] = {}
            for query, args in batch:
                by_query.setdefault(query, []).append(args)
            for query, many in by_query.items():
                await self._conn.executemany(query, many)
        except ConnectionLost as err:
            raise self._not_saved() from err
        except _FAILURES as err:
            raise PostgresError(_one_line(err)) from err

    async def changes(self) -> int:
        """Rows changed by the last write statement of this connection."""
        return self._changes

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all its rows (asyncpg records: by name or position)."""
        query, args = translate(sql, params)
        try:
            return cast(list[Row], await self._read(query, args))
        except _FAILURES as err:
            failed = self._failure(err, writing=self.saving_now)
            raise (failed or PostgresError(_one_line(err))) from err

    async def _read(self, query: str, args: list[Any]) -> list[asyncpg.Record]:
        """Run a query; once more on a new connection if the old one broke (a read is safe).

        Inside a transaction nothing is run again: the transaction ended with
        its connection.

        Raises:
            ReadFailed: (or :class:`WriteFailed` inside a transaction) the
                connection broke, or the server cannot be reached to connect again.
        """
        try:
            try:
                return await self._conn.fetch(query, *args)
            except ConnectionLost:
                if self._conn.pinned:
                    raise
                return await self._conn.fetch(query, *args)
        except (ConnectionLost, ServerUnreachable) as err:
            failed = self._failure(err, writing=self.saving_now)
            assert failed is not None
            raise failed from err

    async def fetch_batch(self, queries: Sequence[tuple[str, Params]]) -> list[list[Row]]:
        """Run several small queries in one round trip: one statement, one snapshot.

        Each query becomes a column holding its rows as a JSON array (in the
        query's order); the rows come back as :class:`JsonRow` (by name or
        position). The stored forms are text and integers, which JSON keeps
        exactly (``SUM`` gives an int, as SQLite does).
        """
        if not queries:
            return []
        parts: list[str] = []
        args: list[Any] = []
        for sql, params in queries:
            if isinstance(params, dict):
                raise TypeError("fetch_batch takes positional parameters only")
            parts.append(f"(SELECT coalesce(json_agg(q), '[]') FROM ({sql}) q)::text")
            args += list(params)
        try:
            query, values = translate("SELECT " + ", ".join(parts), args)
            (found,) = await self._read(query, values)
        except _FAILURES as err:
            failed = self._failure(err, writing=self.saving_now)
            raise (failed or PostgresError(_one_line(err))) from err
        return [json.loads(text, object_pairs_hook=JsonRow) for text in found]

    async def _listen(self) -> None:
        if self._listening:
            return
        self._own_pid = self._conn.get_server_pid()
        try:
            await self._conn.add_listener(CHANNEL, self._heard)
        except (ConnectionLost, ServerUnreachable):
            if self._conn.pinned:
                raise
            # Connecting again listens once ``_listening`` is set, and tells of it.
            self._listening = True
            self._connection_ended(None)
            return
        self._listening = True

    async def data_version(self) -> int:
        """How many commits of other connections this one has heard of (``LISTEN``)."""
        await self._listen()
        return self._external_count

    async def watch_external_commits(self) -> bool:
        """Start listening for other processes' commits; True (PostgreSQL can push)."""
        await self._listen()
        return True

    def on_external_commit(self, listener: Callable[[], None]) -> bool:
        """Call ``listener`` when another process's commit is heard.

        Heard once :meth:`data_version` or :meth:`watch_external_commits` started listening.
        """
        self._external_listeners.append(listener)
        return True

    async def wipe(self) -> None:
        """Drop every bbdispatch table and function (``demo --reset``).

        Refused, as a restore of a file is, while another session is connected
        to the database (a dispatcher, a technician, cron): its next query would
        find no table.

        Raises:
            StorageError: another session has the database open (nothing dropped).
        """
        others = await self._conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        if others:
            raise StorageError(
                _(
                    "{path} is in use (a dispatcher, technician or cron job has it open);"
                    " close them first."
                ).format(path=self.display_name)
            )
        async with self.transaction():
            await self._conn.execute(
                "DO $$ DECLARE r record; BEGIN"
                " FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " LOOP EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename); END LOOP;"
                " DROP FUNCTION IF EXISTS bbdispatch_next_row_id, bbdispatch_high_water,"
                " bbdispatch_job_rev, bbdispatch_job_rev_of_name, bbdispatch_hidden_yield,"
                " julianday(text), instr(text, text), substr(text, bigint, bigint),"
                " substr(text, bigint) CASCADE; END $$"
            )
        self._id_tables = None

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Load rows as they are (``migrate --to``): ``COPY``, inside the transaction.

        As they are: a client arriving does not make hidden clients of an
        unfinished import yield to it (migration 027's trigger), which would
        change the copy and, with no index to find them, look through every
        client copied so far for each one (hours at 100,000 clients).
        """
        self._require_tx()
        self._wrote = True
        held = _COPY_HELD_TRIGGERS.get(table, ())
        try:
            for trigger in held:
                await self._conn.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER {trigger}')
            await self._conn.copy_records_to_table(table, records=rows, columns=list(columns))
            for trigger in held:
                await self._conn.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER {trigger}')
        except ConnectionLost as err:
            raise self._not_saved() from err
        except _FAILURES as err:
            raise PostgresError(_one_line(err)) from err


def _count_of(status: str) -> int:
    """Rows a command changed, from its status (``INSERT 0 3``, ``UPDATE 2``)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _server_of(url: str) -> str:
    """``host:port`` of a URL (several joined by commas), for messages (no user, no password)."""
    return parse_database_url(url).server


def _unreachable_reason(url: str) -> str:
    return _("the database server {server} cannot be reached").format(server=_server_of(url))


def _not_saved(reason: str | None = None) -> WriteFailed:
    """A write that surely did not commit: the connection broke, or none could be made.

    ``reason``: why no connection could be made (None: the one in use broke).
    """
    if reason is None:
        err = WriteFailed(
            _(
                "Not saved: the connection to the database server was lost; nothing was "
                "saved. What you typed is kept; please save again."
            )
        )
        err.command_line = _(
            "Not saved: the connection to the database server was lost; nothing was"
            " changed. Run the command again."
        )
        return err
    err = WriteFailed(
        _("Not saved: {reason}. What you typed is kept; save again when it is back.").format(
            reason=reason
        )
    )
    err.command_line = _(
        "Not saved: {reason}; nothing was changed. Run the command again when it is back."
    ).format(reason=reason)
    return err


def _commit_uncertain() -> CommitUncertain:
    """The connection broke while the ``COMMIT`` was on its way: saved or not is unknown."""
    err = CommitUncertain(
        _(
            "The connection to the database server broke while saving: whether it was "
            "saved is unknown. What you typed is kept; look before saving again, so it is "
            "not saved twice."
        )
    )
    err.command_line = _(
        "The connection to the database server broke while saving: whether the change was"
        " made is unknown. Check before running the command again, so it is not made twice."
    )
    return err


def _read_lost(url: str) -> ReadFailed:
    return ReadFailed(
        _("The connection to the database server {server} was lost; try again.").format(
            server=_server_of(url)
        )
    )


def _read_unreachable(reason: str) -> str:
    return _(
        "The database could not be read: {reason}. bbdispatch connects again as soon as "
        "it answers; try again then."
    ).format(reason=reason)


def _one_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]


async def connect(url: str, *, migrate: bool = True, create: bool = True) -> PostgresDatabase:
    """Open ``url`` (what :meth:`Database.open` calls for a ``postgresql://`` URL)."""
    return await PostgresDatabase.connect(url, migrate=migrate, create=create)
