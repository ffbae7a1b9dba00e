"""The one door to the database: the backend-neutral interface and its SQLite implementation.

:class:`Database` is what storage modules and services hold; :meth:`Database.open`
picks the backend from what it is given (a file path: :class:`SQLiteDatabase`; a
``postgresql://`` URL: :class:`bbdispatch.storage.postgres.PostgresDatabase`).
"""

from __future__ import annotations

import asyncio
import errno
import importlib
import os
import sqlite3
import stat
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from contextvars import ContextVar
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, TypeVar, cast

import aiosqlite

from bbdispatch import database_url
from bbdispatch.domain.clients import search_key, search_place
from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _

BUSY_TIMEOUT_MS = 5000
"""How long a plain connection (reads, file checks) lets SQLite wait for a lock."""
LOCK_POLL_MS = 20
"""SQLite's own wait for the write lock on each attempt of this connection.

SQLite's busy handler sleeps longer and longer (up to 100 ms) between looks
at the lock, so a writer that waits in it can miss every short gap another
process's chunked import leaves and starve. Instead each attempt waits at most
this long and the next follows a few milliseconds later: a ``ring``, a timer or
a save gets in at the first gap."""
LOCK_WAIT_SECONDS = 25.0
"""How long a write keeps trying for the lock before :class:`DatabaseBusy`."""
_POLL_SLEEP = 0.003
"""Seconds between two attempts at the write lock."""
BACKGROUND_WAIT_SECONDS = 1.0
"""How long a background write (nobody asked for it, nobody waits on it) tries for the lock."""


async def lock_pause(seconds: float) -> None:
    """The pause between two attempts at the write lock (a seam: tests pause in fake time)."""
    await asyncio.sleep(seconds)


WAIT_NOTICE_SECONDS = 0.5
"""A write still waiting for the lock after this long is reported to wait listeners."""

Params = Sequence[Any] | dict[str, Any]


class Row(Protocol):
    """One result row of either backend, by column name or position.

    ``sqlite3.Row`` and asyncpg's ``Record`` both fit.
    """

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Any]: ...
    def keys(self) -> Any:
        """The column names, in order."""
        ...


_SAVING: ContextVar[bool] = ContextVar("bbdispatch_saving", default=False)
"""Whether the running task is inside a save (:meth:`Database.saving`)."""

URL_BACKEND = "bbdispatch.storage.postgres"
"""The module whose ``connect(url, migrate=, create=)`` opens a ``postgresql://`` URL."""


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` (``--db``, ``BBDISPATCH_DB``) names a PostgreSQL database."""
    return database_url.is_postgres_url(target)


E = TypeVar("E", bound=Enum)


@cache
def _members(kind: type[Enum]) -> dict[object, Enum]:
    return {m.value: m for m in kind}


def member(kind: type[E], value: object) -> E:
    """The member of an enum stored as ``value``, as ``kind(value)`` but without its overhead.

    Row converters decode thousands of stored enum values per board or statement;
    a dict look-up costs a fraction of ``Enum.__call__``. An unknown value still
    goes through ``kind(value)``, which raises ``ValueError`` as before.
    """
    found = _members(kind).get(value)
    return found if found is not None else kind(value)  # type: ignore[return-value]


class StorageError(RuntimeError):
    """The database cannot be used; ``str(err)`` is one clear line for the user.

    ``str(err)`` speaks to a person at a form ("What you typed is kept");
    :attr:`command_line`, when set, says the same to a person who ran a command
    (nothing was typed into a form there): see :func:`for_command_line`.
    """

    command_line: str | None = None
    """The message in the command line's words, or None when ``str(err)`` fits both."""
    cause: str | None = None
    """What went wrong, as a clause without a verdict ("the disk is full"), or None.

    For a caller that knows better than "nothing was changed" what a failure
    left behind (``demo``, whose earlier transactions stay committed) and
    words its own message around the cause."""


def for_command_line(err: BaseException) -> str:
    """The one line a command prints for ``err``: its command-line wording when it has one."""
    text = getattr(err, "command_line", None)
    return text if isinstance(text, str) else str(err)


_E = TypeVar("_E", bound=StorageError)


def _worded(err: _E, command_line: str, cause: str | None = None) -> _E:
    err.command_line = command_line
    err.cause = cause
    return err


def busy_too_long() -> DatabaseBusy:
    """The save gave up waiting for the write lock (every backend says it alike)."""
    return _worded(
        DatabaseBusy(
            _(
                "Not saved: the database stayed busy too long (another program "
                "is writing). What you typed is kept; please try again."
            )
        ),
        _(
            "Not saved: the database stayed busy too long (another program is writing);"
            " nothing was changed. Run the command again."
        ),
        _("the database stayed busy too long (another program is writing)"),
    )


class SchemaTooNew(StorageError):
    """The file was written by a newer bbdispatch than this one."""


class DatabaseUnreachable(StorageError):
    """The database server cannot be reached (down, network): ``ring`` queues the call."""


class DatabaseBusy(StorageError, DomainError):
    """Other processes held the write lock for far longer than any write should take.

    Also a :class:`DomainError`, so every screen shows it at the field being
    saved (keeping what was typed) like any other refusal, and the person can
    simply save again.
    """


class WriteFailed(StorageError, DomainError):
    """A write did not reach the disk (a full disk, an I/O error); none of it was kept.

    The transaction was rolled back, so the database holds exactly what it held
    before; like :class:`DatabaseBusy` it is a :class:`DomainError`, so a form
    shows it, keeps what was typed and can be saved again once the cause is gone.
    """


class ReadFailed(StorageError, DomainError):
    """A read failed for a reason outside the program (a busy or unreadable file)."""


class CommitUncertain(StorageError, DomainError):
    """The link to the database broke while a commit was under way: saved or not is unknown.

    Never retried by the program (the change may be in the database already,
    and a second try would make it twice): the person looks, then saves again
    if it is not there. Not a :class:`WriteFailed`, so ``ring`` does not queue
    such a call a second time.
    """


def storage_failure(err: BaseException, *, writing: bool) -> StorageError:
    """The one-line error a person sees for SQLite's or the OS's failure ``err``.

    SQLite reports a held lock as "database is locked"/"busy", a full disk as
    "database or disk is full" and the OS as :class:`OSError` (``ENOSPC``);
    each becomes a :class:`DatabaseBusy`, :class:`WriteFailed` or
    :class:`ReadFailed` (:func:`failure_of_kind`). Raise it ``from err``.
    """
    text = str(err)
    full = "full" in text or (isinstance(err, OSError) and err.errno == errno.ENOSPC)
    if "locked" in text or "busy" in text:
        return failure_of_kind("busy", text, writing=writing)
    if full:
        return failure_of_kind("full", text, writing=writing)
    reason = (err.strerror if isinstance(err, OSError) else None) or text or type(err).__name__
    return failure_of_kind("other", reason, writing=writing)


def failure_of_kind(
    kind: Literal["busy", "full", "other"], reason: str, *, writing: bool
) -> StorageError:
    """The error of a failure of the machine, the same for every backend.

    ``busy``: another program holds the database (:class:`DatabaseBusy`);
    ``full``: the disk is full (:class:`WriteFailed`); ``other``: an I/O or
    connection failure, ``reason`` in its text (:class:`WriteFailed` for a
    save, else :class:`ReadFailed`). A save's text says what was typed is
    kept, so a form shows "Not saved" next to itself. Each backend maps its
    own errors to a kind (SQLite: :func:`storage_failure`; PostgreSQL:
    ``bbdispatch.storage.postgres``).
    """
    if kind == "busy":
        if writing:
            return _worded(
                DatabaseBusy(
                    _(
                        "Not saved: the database is busy (another program is writing). "
                        "What you typed is kept; please try again."
                    )
                ),
                _(
                    "Not saved: the database is busy (another program is writing); nothing"
                    " was changed. Run the command again."
                ),
                _("the database is busy (another program is writing)"),
            )
        return DatabaseBusy(_("The database is busy (another program holds it); try again."))
    if kind == "full":
        return _worded(
            WriteFailed(
                _(
                    "Not saved: the disk is full. What you typed is kept; free some space "
                    "(or call the administrator) and save again."
                )
            ),
            _(
                "Not saved: the disk is full; nothing was changed. Free some space (or call"
                " the administrator) and run the command again."
            ),
            _("the disk is full"),
        )
    if writing:
        return _worded(
            WriteFailed(
                _(
                    "Not saved: the database could not be written ({err}). "
                    "What you typed is kept; please try again."
                ).format(err=reason)
            ),
            _(
                "Not saved: the database could not be written ({err}); nothing was changed."
                " Run the command again."
            ).format(err=reason),
            _("the database could not be written ({err})").format(err=reason),
        )
    return ReadFailed(_("The database could not be read ({err}); try again.").format(err=reason))


ENVIRONMENT_ERRORS = (sqlite3.OperationalError, OSError)
"""What the machine, not the program, makes a query fail with (locks, disk, I/O)."""


@cache
def migrations() -> tuple[tuple[int, str, str], ...]:
    """The numbered migrations shipped with the package: (number, name, sql).

    Read once per process: every open checks them, and a TUI opens twice at start.
    """
    found = []
    # The package's own folder, read with pathlib: importlib.resources would cost
    # every ``ring`` and ``lookup`` its imports (zipfile, tempfile) for nothing.
    for entry in (Path(__file__).parent / "migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _name, _sql in found]
    if len(set(numbers)) != len(numbers):
        raise StorageError("two migrations share a number")
    return tuple(found)


def latest_schema_version() -> int:
    """The schema version this build of bbdispatch writes."""
    return max(n for n, _name, _sql in migrations())


FILE_MODE = 0o660
"""The database and its ``-wal``/``-shm``: the owner and the firm's group read and write."""


def create_shared_file(path: Path) -> None:
    """Create an empty database file ``0660`` whatever the umask (if it does not exist).

    SQLite creates a new file ``0644`` minus the umask and gives ``-wal`` and
    ``-shm`` the database file's mode, so the mode set here is the one all three
    get; the group comes from the folder (setgid, ``docs/deploy-ssh.md``). An
    existing empty file (``touch``, often ``0644``) about to become the
    database is set ``0660`` the same way.

    Raises:
        StorageError: the file cannot be created, or it is an empty file of
            another login whose mode this one cannot set.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _share_empty_file(path)
        return
    except OSError as err:
        raise StorageError(
            _("Cannot create {path}: {err}").format(path=path, err=err.strerror or err)
        ) from err
    try:
        os.fchmod(fd, FILE_MODE)  # the umask took bits away at open
    finally:
        os.close(fd)


def _share_empty_file(path: Path) -> None:
    """Set an existing empty file ``0660`` before it becomes the database (see above).

    An empty file of another account (not this login, not root) is refused: a
    technician who can write the folder could prepare the name before ``init``,
    and would then own the firm's database (change its mode at will, and be
    the "database owner" whose audit seal counts, ``docs/audit.md``).
    """
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise _not_a_file(path)
    if not info.st_size and info.st_uid not in (os.geteuid(), 0):
        raise StorageError(
            _("{path} is an empty file of another account (uid {uid}), which would own the "
              "database; remove it, then try again.").format(path=path, uid=info.st_uid)
        )  # fmt: skip
    if info.st_size or stat.S_IMODE(info.st_mode) == FILE_MODE:
        return
    try:
        os.chmod(path, FILE_MODE)
    except OSError as err:
        raise StorageError(
            _("{path} is an empty file with mode {mode:o} that this login cannot change; "
              "run: chmod 660 {path} (or remove it), then try again.").format(
                path=path, mode=stat.S_IMODE(info.st_mode))
        ) from err  # fmt: skip


RESTORE_WAIT_SECONDS = 10.0
"""How long opening a database waits while a restore swaps the file in (a fraction of a
second normally), before it says so (``ring`` then queues its call)."""


def open_lock_path(path: Path) -> Path:
    """The lock file beside a database that every opener holds shared (``<name>.open-lock``).

    A restore takes it exclusively while it swaps the file in: an opener then
    waits, and opens the restored file instead of writing into the replaced
    one (kept aside under a second name); a restore finding it held by anyone
    refuses ("in use").
    """
    return path.with_name(f"{path.name}.open-lock")


def open_lock_fd(path: Path, *, required: bool) -> int | None:
    """Open (creating it ``0660`` if missing) the open-lock of the database at ``path``.

    A new lock gets the database's group (when the database exists), so it
    is reachable by every login that may open the database. Returns None when
    it cannot be opened and ``required`` is false. Every opener and the
    restore require it: a login that may not create files in the folder can
    still write the database through an existing ``-wal`` and ``-shm``, so
    opening without the lock would let a restore swap the file under it and
    lose what it writes.

    Raises:
        StorageError: ``required`` and the lock file cannot be opened (missing and
            not creatable here, unreadable, a link): one line saying how to make it.
    """
    lock = open_lock_path(path)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        try:
            fd = os.open(lock, flags | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with suppress(OSError):
                os.fchmod(fd, FILE_MODE)  # the umask took bits away at open
            with suppress(OSError):
                os.fchown(fd, -1, path.stat().st_gid)
            return fd
        except FileExistsError:
            return os.open(lock, flags)
    except OSError as err:
        if required:
            import shlex  # an error's advice only: the phone path starts without it

            group = database_group_name(path)
            q = shlex.quote(str(lock))
            raise StorageError(
                _(
                    "Cannot open {path} ({err}); every program holds this lock while it has"
                    " the database open, so a restore never replaces the file under it, and"
                    " without it the database is not opened. Ask the administrator to give"
                    " it the database's group: touch {q} && chgrp {group} {q} && chmod 660 {q}"
                ).format(path=lock, err=err.strerror or err, q=q, group=group)
            ) from err
        return None


def database_group_name(path: Path) -> str:
    """The name of the group the database file (or, before it exists, its folder) belongs to.

    ``bbdispatch`` (the group ``docs/deploy-ssh.md`` sets up) when that is
    ``root`` or cannot be seen: staff never join root.
    """
    import grp

    for where in (path, path.parent):
        try:
            gid = where.stat().st_gid
        except OSError:
            continue
        if gid == 0:
            break
        try:
            return grp.getgrgid(gid).gr_name
        except KeyError:
            return str(gid)
    return "bbdispatch"


def align_open_lock(path: Path) -> None:
    """Give an existing open-lock the database's group and mode ``0660`` (``init``).

    An administrator who moves the database into the firm's group after
    ``init`` (``chgrp``, as ``doctor`` advises) leaves the lock in the old
    group, and every technician is then refused; ``init`` run again puts it
    right. Left as it is when this login may not change it.
    """
    lock = open_lock_path(path)
    with suppress(OSError):
        info = lock.lstat()
        if not stat.S_ISREG(info.st_mode):
            return
        gid = path.stat().st_gid
        if info.st_gid != gid:
            os.chown(lock, -1, gid, follow_symlinks=False)
        if stat.S_IMODE(info.st_mode) != FILE_MODE:
            os.chmod(lock, FILE_MODE)


async def share_open_lock(path: Path, wait_seconds: float = RESTORE_WAIT_SECONDS) -> int | None:
    """Hold the database's open-lock shared for as long as the returned descriptor is open.

    Waits (polling every ``LOCK_POLL_MS``) while a restore holds it.

    Raises:
        DatabaseBusy: a restore still held it after ``wait_seconds``.
        StorageError: the lock file cannot be opened or created by this login
            (:func:`open_lock_fd`): the database is not opened without it.
    """
    import fcntl

    fd = open_lock_fd(path, required=True)
    if fd is None:
        return None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if loop.time() >= deadline:
                os.close(fd)
                raise DatabaseBusy(
                    _("A restore into {path} is in progress; try again when it has finished.")
                    .format(path=path)
                ) from None  # fmt: skip
            await asyncio.sleep(LOCK_POLL_MS / 1000)
        except OSError:  # a file system without locks: nothing to wait for
            return fd


def read_only_problem(path: Path) -> str:
    """One line for a database this login may read but not write, and what to do.

    bbdispatch writes even to read (the ``-wal`` and ``-shm`` files beside the
    database): the file, its folder or the whole file system may be what
    refuses, and each has its own fix.
    """
    import shlex  # an error's advice only: the phone path starts without it

    group = database_group_name(path)
    folder = path.absolute().parent
    if not os.access(path, os.W_OK):
        return _(
            "{path} is read-only for this login; bbdispatch writes to the database even to "
            "read it. Ask the administrator to run: chgrp {group} {q} && chmod 660 {q}, and to "
            "add this login to group {group} (bbdispatch doctor checks it)"
        ).format(path=path, group=group, q=shlex.quote(str(path)))
    if not os.access(folder, os.W_OK | os.X_OK):
        return _(
            "{path} is read-only for this login: its folder {folder} does not let it create "
            "the database's -wal and -shm files. Ask the administrator to run: chgrp {group} "
            "{fq} && chmod 3770 {fq}, and to add this login to group {group} (bbdispatch doctor "
            "checks it)"
        ).format(path=path, folder=folder, group=group, fq=shlex.quote(str(folder)))
    return _(
        "{path} is read-only (a read-only file system or a locked file); bbdispatch writes "
        "to the database even to read it: copy it to a writable folder, or mount it read-write"
    ).format(path=path)


def refuse_unreachable(path: Path) -> None:
    """Refuse a database this process may not read and write, in one line.

    A folder the login may not enter makes even ``path.exists()`` fail, and a
    file without read and write rights would fail later, deep in SQLite; both
    are the usual deployment slip (a login outside the ``bbdispatch`` group,
    ``docs/deploy-ssh.md``), so they are said here, where every database opens.

    Raises:
        StorageError: the file or its folder is out of this login's reach.
    """
    try:
        exists = path.exists()
    except OSError as err:
        raise StorageError(
            _("Cannot open database {path}: {err}").format(path=path, err=err.strerror or err)
        ) from err
    if exists and os.access(path, os.R_OK) and not os.access(path, os.W_OK):
        raise StorageError(read_only_problem(path))
    if exists and not os.access(path, os.R_OK | os.W_OK):
        raise StorageError(
            _("Cannot open database {path}: {err}").format(path=path, err=os.strerror(errno.EACCES))
        )


MARKER_TABLES = frozenset({"client", "technician", "job", "work_entry", "audit_log"})
"""Tables every bbdispatch database has (migration 001); a file without them is something else."""


def _not_a_file(path: Path) -> StorageError:
    """The refusal of a database name that is a folder, device or pipe.

    A device such as ``/dev/null`` reads as an empty file: taken for one, ``init``
    run by root would set its mode ``0660`` and lock every other account out of it.
    """
    return StorageError(
        _("{path} is not a file (a folder, device or pipe), so not a bbdispatch "
          "database; it was left as it is.").format(path=path)
    )  # fmt: skip


COMPANION_SUFFIXES = ("-wal", "-shm", "-journal", ".open-lock")
"""Files SQLite and bbdispatch keep beside a database, named after it (``<name>-wal``…)."""


def refuse_odd_companions(path: Path) -> None:
    """Refuse a database whose companion file is a folder, device or pipe, before anything is made.

    SQLite opens ``<name>-wal``, ``<name>-shm`` and ``<name>-journal`` beside the
    database, and every opener holds ``<name>.open-lock``: a folder under one of
    those names made ``init`` fail deep in SQLite with "disk I/O error" (or a
    wrong "read-only", or no lock at all) after it had already created an empty
    database file. Checked for every open, so the message names the folder.

    Raises:
        StorageError: one line naming the companion and what to do; nothing was created.
    """
    for suffix in COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        try:
            info = companion.lstat()
        except OSError:
            continue  # absent (the usual case) or out of reach: the open proper says so
        if stat.S_ISLNK(info.st_mode):
            try:
                info = companion.stat()
            except OSError:
                continue
        if stat.S_ISDIR(info.st_mode):
            raise StorageError(
                _("{companion} is a folder, but the database {path} keeps a file of its own "
                  "under that name: move the folder away and try again; nothing was "
                  "changed.").format(companion=companion, path=path)
            )  # fmt: skip
        if not stat.S_ISREG(info.st_mode):
            raise StorageError(
                _("{companion} is a device or a pipe, but the database {path} keeps a file of "
                  "its own under that name: move it away and try again; nothing was "
                  "changed.").format(companion=companion, path=path)
            )  # fmt: skip


def refuse_foreign_file(path: Path, *, create: bool) -> None:
    """Refuse a file that is not a bbdispatch database, before SQLite touches it.

    Only ``init`` and ``demo`` (``create``) may turn an empty file into a
    database; an SQLite file of another program (tables of its own, and no
    bbdispatch schema version, or a version we know without bbdispatch's
    tables) is never converted, whoever asks; nor is anything but a regular
    file (a folder, a device such as ``/dev/null``, a pipe).

    Raises:
        StorageError: one line naming the file and what it is.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as err:
        raise StorageError(
            _("Cannot open database {path}: {err}").format(path=path, err=err.strerror or err)
        ) from err
    if not stat.S_ISREG(info.st_mode):
        raise _not_a_file(path)
    size = info.st_size
    if size == 0:
        if create:
            return
        raise StorageError(
            _("{path} is an empty file, not a bbdispatch database; "
              "create one with 'bbdispatch init'.").format(path=path)
        )  # fmt: skip
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA busy_timeout = 500")  # only a restore holds it this long
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            marks = ",".join("?" * len(MARKER_TABLES))
            objects, ours = conn.execute(
                "SELECT count(*), count(CASE WHEN type = 'table' AND name IN"
                f" ({marks}) THEN 1 END) FROM sqlite_schema",
                sorted(MARKER_TABLES),
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            return  # someone holds the file (a restore): the open proper decides
        if err.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY:
            raise StorageError(read_only_problem(path)) from err
        raise StorageError(
            _("{path} is not a bbdispatch database ({err})").format(path=path, err=err)
        ) from err
    except sqlite3.Error as err:
        raise StorageError(
            _("{path} is not a bbdispatch database ({err})").format(path=path, err=err)
        ) from err
    # A schema newer than ours may have other tables: the open proper refuses it as newer.
    ours_missing = ours < len(MARKER_TABLES) and 0 < version <= latest_schema_version()
    if (version == 0 and (objects or not create)) or ours_missing:
        raise StorageError(
            _("{path} is not a bbdispatch database (an SQLite file of another program); "
              "it was left as it is.").format(path=path)
        )  # fmt: skip


HIGH_WATER_TABLES = frozenset(
    {
        "client", "job", "contract", "call_log", "callback", "work_entry", "recurring_task",
        "software_inventory", "needs_assessment", "backup_check", "run_log", "charge",
        "correction", "statement", "technician", "import_batch",
    }
)  # fmt: skip
"""Tables whose ids are never given out twice (``id_high_water``, migrations 012 and 016)."""


def next_id(table: str) -> str:
    """SQL for the id a new row of ``table`` takes: one above any id it ever held.

    For every table in :data:`HIGH_WATER_TABLES` (migrations 012 and 016):
    SQLite alone would give a deleted (erased) highest id to the next row, and
    that row would inherit the erased record's audit trail.
    """
    if table not in HIGH_WATER_TABLES:
        raise StorageError(f"no id high-water mark for {table}")
    return f"(SELECT last_id + 1 FROM id_high_water WHERE entity = '{table}')"


async def reserve_ids(db: Database, table: str, count: int) -> int:
    """Take ``count`` ids of ``table`` that no other row will get; returns the first.

    Moves the table's ``id_high_water`` mark past them (in the caller's
    transaction), so rows inserted later with these ids (an import's publish)
    keep them and :func:`next_id` hands out none of them. Ids never used stay
    unused.

    Raises:
        StorageError: ``table`` keeps no mark.
    """
    if table not in HIGH_WATER_TABLES:
        raise StorageError(f"no id high-water mark for {table}")
    row = await db.fetch_one(
        "UPDATE id_high_water SET last_id = last_id + ? WHERE entity = ? RETURNING last_id",
        (count, table),
    )
    if row is None:
        raise StorageError(f"no id high-water mark for {table}")
    return int(row[0]) - count + 1


def like_literal(text: str) -> str:
    """``text`` matched literally by ``LIKE ? ESCAPE '!'``: typed ``%`` and ``_`` are no wildcards.

    Both backends: SQLite's ``LIKE`` has no escape character unless told, and
    PostgreSQL's ``ILIKE`` (what ``LIKE`` becomes there) keeps an explicit one.
    """
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def id_chunks(ids: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    """Slices of an id list, so every ``IN (...)`` stays under SQLite's variable limit."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


REFILL_SEARCH_PLACE = (
    "_client_search_place.sql", "_client_search_contact.sql", "_client_search_spacing.sql",
)  # fmt: skip
"""Migrations after which every client's ``search_name`` and ``search_place`` are computed
again (Python folds them)."""


async def fill_search_place(db: Database) -> int:
    """Fold every client's ``search_name`` and ``search_place`` again; how many changed.

    The Python half of migrations 020, 022 and 024 on either backend (the folding is
    Python's, :func:`bbdispatch.domain.clients.search_key` and ``search_place``); runs
    inside the migration's transaction. Here rather than in ``storage.clients``, which
    imports this module.
    """
    count = 0
    rows = await db.fetch_all(
        "SELECT id, name, search_name, city, email, contact_person, search_place FROM client"
    )
    for row in rows:
        name = search_key(row["name"])
        place = search_place(row["city"], row["email"], row["contact_person"])
        if (name, place) != (row["search_name"], row["search_place"]):
            await db.execute(
                "UPDATE client SET search_name = ?, search_place = ? WHERE id = ?",
                (name, place, row["id"]),
            )
            count += 1
    return count


RECORD_ROLES = "_role_records.sql"
"""The migration after which every person's role is recorded in the audit trail."""


async def record_roles(db: Database) -> int:
    """Record in the audit trail the role of each person with no row recording one; how many.

    The Python half of migration 026 on either backend (the chain's hashes are
    Python's); runs inside the migration's transaction, as ``system``.
    """
    import json
    from datetime import UTC, datetime

    from bbdispatch.clock import to_db
    from bbdispatch.domain.audit_chain import GENESIS, canonical, digest, link
    from bbdispatch.domain.people import ROLE_ACTIONS

    marks = ",".join("?" * len(ROLE_ACTIONS))
    rows = await db.fetch_all(
        "SELECT id, login, role FROM technician t WHERE NOT EXISTS (SELECT 1 FROM audit_log a"
        f" WHERE a.entity = 'technician' AND a.entity_id = t.id AND a.action IN ({marks}))"
        " ORDER BY id",
        ROLE_ACTIONS,
    )
    # Appended as storage.audit.insert_audit does (which imports this module).
    last = await db.fetch_one("SELECT id, chain_hash FROM audit_log ORDER BY id DESC LIMIT 1")
    row_id = 0 if last is None else int(last["id"])
    previous = GENESIS if last is None else str(last["chain_hash"])
    at = to_db(datetime.now(UTC))
    for row in rows:
        row_id += 1
        detail = json.dumps(
            {"login": row["login"], "role": row["role"], "why": "upgrade"}, ensure_ascii=False
        )
        detail_digest = digest(detail)
        previous = link(
            previous,
            canonical(row_id, at, "system", "technician", row["id"], "role_recorded",
                      detail_digest),
        )  # fmt: skip
        await db.execute(
            "INSERT INTO audit_log"
            " (id, at, actor, entity, entity_id, action, detail, detail_digest, chain_hash)"
            " VALUES (?, ?, 'system', 'technician', ?, 'role_recorded', ?, ?, ?)",
            (row_id, at, row["id"], detail, detail_digest, previous),
        )
    return len(rows)


def split_statements(script: str) -> list[str]:
    """Split a SQL script into statements, so a migration runs inside our transaction."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in current.splitlines()
    ):
        raise StorageError("a migration ends in an unfinished statement")
    return statements


class _WaitNotice:
    """The wait listeners' news of one write: ``True`` after a moment of waiting, then ``False``.

    Started when the write is asked for, so the time it spends behind this
    process's own other writes counts as waiting too; :meth:`end` (once the
    lock is held, or the write gave up) is idempotent.
    """

    def __init__(self, listeners: list[Callable[[bool], None]]) -> None:
        self._listeners = listeners
        self._told = False
        self._timer: asyncio.TimerHandle | None = asyncio.get_running_loop().call_later(
            WAIT_NOTICE_SECONDS, self._tell
        )

    def _tell(self) -> None:
        self._told = True
        for listener in self._listeners:
            listener(True)

    def end(self) -> None:
        """The write got the lock or gave up: stop the notice, and say so if it was told."""
        if self._timer is None:
            return
        self._timer.cancel()
        self._timer = None
        if self._told:
            for listener in self._listeners:
                listener(False)


class Database(ABC):
    """An open bbdispatch database, whichever backend holds it.

    The interface storage modules use: :meth:`transaction` (one short write
    transaction, serialised among all processes as SQLite does), writes with
    :meth:`execute` (SQLite's ``?`` and ``:name`` placeholders; the PostgreSQL
    backend translates them), reads with ``fetch_*``, and change signals
    (:meth:`on_commit`, :meth:`data_version`, :meth:`on_external_commit`).
    ``dialect`` says which SQL a storage function must write where the two
    differ (``docs/storage.md``).
    """

    dialect: ClassVar[str] = ""
    """``"sqlite"`` or ``"postgresql"``."""

    @property
    def session_role(self) -> str | None:
        """The database role the session logged in as (None: the backend has no roles)."""
        return None

    def __init__(self, path: Path) -> None:
        self.path = path
        """SQLite: the database file. PostgreSQL: this machine's folder for the
        database's side files (the ring spool, the audit seal)."""
        self.target: Path | str = path
        """What :meth:`open` takes to open this database again (a path, a URL)."""
        self.display_name = str(path)
        """How messages name the database (a path, or a URL without its password)."""
        self._write_lock = asyncio.Lock()
        self._tx_owner: asyncio.Task[Any] | None = None
        self._commit_listeners: list[Callable[[], None]] = []
        self._external_listeners: list[Callable[[], None]] = []
        self._wait_listeners: list[Callable[[bool], None]] = []
        self.lock_wait_seconds = LOCK_WAIT_SECONDS
        """How long a write waits for the lock before :class:`DatabaseBusy`
        (``ring`` waits less: it spools the call instead), counted from the
        moment the write is asked for (:meth:`transaction`)."""
        self.lock_clock: Callable[[], float] = time.monotonic
        """The clock (seconds) the wait for the write lock is measured with;
        tests put a fake one here."""
        self._after_tx: list[Callable[[], Awaitable[None]]] = []

    @staticmethod
    async def open(target: Path | str, *, migrate: bool = True, create: bool = True) -> Database:
        """Open the database ``target`` names and bring its schema up to date.

        A ``postgresql://USER@HOST:PORT/DB`` URL opens PostgreSQL; anything else
        is an SQLite file path.

        Raises:
            SchemaTooNew: the database was made by a newer version of bbdispatch.
            StorageError: it is missing (and not to be created), is not a
                bbdispatch database, or cannot be opened.
            DatabaseUrlError: ``target`` is written as a URL (``scheme://``) but
                is malformed or not of PostgreSQL.
        """
        if database_url.looks_like_url(target):
            database_url.parse_database_url(str(target))  # before asyncpg is even loaded
            # Looked up by name: the backend module builds on this one (and loads
            # asyncpg), so a process on SQLite never imports it.
            backend = importlib.import_module(URL_BACKEND)
            opened: Database = await backend.connect(str(target), migrate=migrate, create=create)
            return opened
        return await SQLiteDatabase.open_file(Path(target), migrate=migrate, create=create)

    @abstractmethod
    async def close(self) -> None:
        """Close the connection(s)."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The schema version recorded in the database."""

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in one transaction; return those applied."""

    @abstractmethod
    async def _begin(self, deadline: float) -> None:
        """Start a write transaction holding the database-wide write lock.

        Args:
            deadline: the :attr:`lock_clock` time after which waiting for the
                lock gives up; at least one attempt is made whatever the time.

        Raises:
            DatabaseBusy: the lock was still taken at ``deadline``.
        """

    @abstractmethod
    async def _end(self, commit: bool) -> None:
        """Commit (``commit``) or roll back the write transaction.

        Rolling back a transaction the backend already ended (a failed commit)
        is not an error.
        """

    def _failure(self, err: BaseException, *, writing: bool) -> StorageError | None:
        """The one-line error a person sees for a failure of the machine, not the program.

        A held lock, a full disk or an I/O error, as the backend reports it,
        becomes :class:`DatabaseBusy`, :class:`WriteFailed` or :class:`ReadFailed`
        (see :func:`storage_failure`); anything else is None and stays as it is.
        """
        return None

    def _refuse_newer(self, found: int) -> None:
        """Refuse a schema newer than this build knows (``found``: the version read on open).

        Raises:
            SchemaTooNew: naming both versions.
        """
        known = latest_schema_version()
        if found > known:
            raise SchemaTooNew(
                _(
                    "{path} was made by a newer bbdispatch (schema {found}; this version "
                    "knows up to {known}). Upgrade bbdispatch to open it."
                ).format(path=self.display_name, found=found, known=known)
            )

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each commit of this process.

        Own commits don't move ``data_version``, so the UI learns of them this way.
        """
        self._commit_listeners.append(listener)

    def on_external_commit(self, listener: Callable[[], None]) -> bool:
        """Call ``listener`` soon after another process commits, if the backend can push.

        Returns whether it can: PostgreSQL (``LISTEN``/``NOTIFY``) does; SQLite
        does not, and its front end watches :meth:`change_signature` instead.
        """
        return False

    async def watch_external_commits(self) -> bool:
        """Start hearing other processes' commits as they happen; whether the backend can.

        After it returns True, :meth:`on_external_commit` listeners are called
        and :meth:`data_version` moves without polling.
        """
        return False

    def on_write_wait(self, listener: Callable[[bool], None]) -> None:
        """Call ``listener(True)`` when a write has waited for the lock a while.

        Then ``listener(False)`` when it got the lock or gave up: for "saving,
        please wait" messages.
        """
        self._wait_listeners.append(listener)

    @asynccontextmanager
    async def transaction(
        self, *, quiet: bool = False, background: bool = False
    ) -> AsyncIterator[Database]:
        """A short write transaction: commit on success, roll back on any error.

        Work queued with :meth:`after_transaction` runs once the lock is released,
        whether the transaction committed or rolled back. A ``quiet`` transaction
        does not call the :meth:`on_commit` listeners: for bookkeeping no screen
        shows (the audit of a refused call), which must not make the screen that
        was refused reload and be refused again.

        The wait for the write lock is counted once, from the moment the
        transaction is asked for: time spent behind this process's own other
        writes (one of them waiting for another program's lock) counts against
        :attr:`lock_wait_seconds`, so a save is given up no later than the limit
        the person is told, never after a second full wait (issue 13: a save
        queued behind the intake's own call-log write was refused after twice
        the limit, its "waiting" toast restarting half way). The wait listeners
        hear of it once, from the request on.

        A ``background`` transaction is a write nobody asked for and nobody
        waits on (the call log's record of an intake being opened, a draft kept
        while typing): it tries for at most :data:`BACKGROUND_WAIT_SECONDS` and
        tells no wait listener, so it never holds up the person's own save
        behind a full wait nor puts up a "waiting" toast of its own.

        Raises:
            DatabaseBusy: the lock stayed taken past the limit.
        """
        limit = self.lock_wait_seconds
        if background:
            limit = min(limit, BACKGROUND_WAIT_SECONDS)
        deadline = self.lock_clock() + limit
        waiting = None if background else self._wait_notice()
        try:
            try:
                async with self._write_lock:
                    try:
                        await self._begin(deadline)
                    finally:
                        if waiting is not None:
                            waiting.end()
                    self._tx_owner = asyncio.current_task()
                    try:
                        yield self
                    except BaseException as err:
                        self._tx_owner = None
                        await self._end(commit=False)
                        failed = self._failure(err, writing=True)
                        if failed is not None:
                            raise failed from err
                        raise
                    self._tx_owner = None
                    try:
                        await self._end(commit=True)
                    except Exception as err:
                        failed = self._failure(err, writing=True)
                        if failed is None:
                            raise
                        # A full disk or an I/O error at commit: nothing of it is kept,
                        # and the connection must leave the transaction for the next save.
                        await self._end(commit=False)
                        raise failed from err
            finally:
                if waiting is not None:  # cancelled while queued behind another write
                    waiting.end()
        finally:
            pending, self._after_tx = self._after_tx, []
            for job in pending:
                await job()
        if not quiet:
            for listener in self._commit_listeners:
                listener()

    @property
    def in_transaction(self) -> bool:
        """Whether the running task is inside this database's write transaction."""
        return self._tx_owner is not None and self._tx_owner is asyncio.current_task()

    @contextmanager
    def saving(self) -> Iterator[None]:
        """Mark what the running task reads from here on as part of a save.

        A save reads before its transaction begins (who acts and their
        rights, the record it changes); when such a read fails because the
        database cannot be reached or read, the person was saving, so the
        error is the save's: :class:`WriteFailed` ("Not saved: ... What you
        typed is kept"), never "could not be read". Services mark every save
        with it (``bbdispatch.services.saving.saves``); a plain read outside
        it still says it could not be read. Per task (a context variable), so
        another screen's read running meanwhile keeps its own wording; nests.
        """
        token = _SAVING.set(True)
        try:
            yield
        finally:
            _SAVING.reset(token)

    @property
    def saving_now(self) -> bool:
        """Whether a failure now is a save's: inside a transaction or :meth:`saving`."""
        return self.in_transaction or _SAVING.get()

    def after_transaction(self, job: Callable[[], Awaitable[None]]) -> None:
        """Run ``job`` after the current transaction ends, even if it rolls back.

        For records that must outlive a refused change (the audit of a refusal
        raised inside a transaction).
        """
        self._after_tx.append(job)

    def _wait_notice(self) -> _WaitNotice:
        """Tell the wait listeners if the write now asked for still waits after a moment."""
        return _WaitNotice(self._wait_listeners)

    def _require_tx(self) -> None:
        if self._tx_owner is None or self._tx_owner is not asyncio.current_task():
            raise RuntimeError("writes must run inside Database.transaction()")

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement inside the current transaction; return the new row's id."""

    async def execute_for_ids(
        self, sql: str, ids: Sequence[int], before: Sequence[Any] = ()
    ) -> None:
        """Run a write whose ``{marks}`` is an ``IN`` list of ``ids``, in slices.

        ``before``: parameters that come before the ids in ``sql``.
        """
        self._require_tx()
        for part in id_chunks(list(ids)):
            marks = ",".join("?" * len(part))
            await self.execute(sql.format(marks=marks), [*before, *part])

    @abstractmethod
    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one write statement for many parameter sets inside the transaction."""

    @abstractmethod
    async def changes(self) -> int:
        """Rows changed by the last write statement of this connection."""

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Run a query of one row (or a few) and return the first, if any."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all its rows."""

    async def fetch_point(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a small indexed query (a few rows by key) as fast as the backend can.

        For what a person waits on with the phone at their ear (the caller look-up).
        """
        return await self.fetch_all(sql, params)

    async def fetch_batch(self, queries: Sequence[tuple[str, Params]]) -> list[list[Row]]:
        """Run several small queries at once; their rows, query by query.

        For a screen that shows many tables' rows of one thing (a job's detail):
        one hand-off to the backend instead of one per query, which is what such
        a read costs on a busy machine. The backends run them in one pass over
        one snapshot; this default (used inside a write transaction, so a
        service sees its own writes) runs them one by one.
        """
        return [await self.fetch_all(sql, params) for sql, params in queries]

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Run a query and return the first column of its first row (or None)."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    def change_signature(self) -> tuple[int, int] | None:
        """A cheap sign that some connection wrote (None: the backend has none)."""
        return None

    @abstractmethod
    async def data_version(self) -> int:
        """A counter that moves when *another* connection commits."""

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert rows exactly as given (ids included), inside the transaction.

        For copying a whole database (``migrate --to``); PostgreSQL uses ``COPY``.
        """
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{c}"' for c in columns)
        await self.execute_many(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    async def wipe(self) -> None:
        """Drop everything bbdispatch stored (``demo --reset`` where no file can be deleted).

        Raises:
            StorageError: the backend deletes its file instead (SQLite).
        """
        raise StorageError("an SQLite database is reset by deleting its file")


class SQLiteDatabase(Database):
    """An open bbdispatch SQLite file shared safely with other processes.

    WAL lets readers and one writer work at once; every write runs in a short
    ``BEGIN IMMEDIATE`` transaction so it waits for the lock (``busy_timeout``)
    instead of failing half way. One ``Database`` is shared by all coroutines of
    a process, so write transactions are serialised by an asyncio lock.
    """

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        super().__init__(path)
        self._conn = conn
        self._point_reader: sqlite3.Connection | None = None
        self._lock_fd: int | None = None

    @classmethod
    async def open_file(
        cls, path: Path | str, *, migrate: bool = True, create: bool = True
    ) -> SQLiteDatabase:
        """Open (creating it if ``create``) and bring the schema up to date.

        Raises:
            SchemaTooNew: the file was made by a newer version of bbdispatch.
            StorageError: the file is missing (and not to be created), is not a
                bbdispatch database, or cannot be opened.
        """
        path = Path(path)
        if str(path) != ":memory:":
            refuse_unreachable(path)
            if not create and not path.exists():
                raise StorageError(
                    _("No database at {path}; create it with 'bbdispatch init'.").format(path=path)
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StorageError(
                    _("Cannot create the folder for {path}: {err}").format(
                        path=path, err=err.strerror or err
                    )
                ) from err
            refuse_odd_companions(path)
            refuse_foreign_file(path, create=create)
            lock_fd = await share_open_lock(path)
        else:
            lock_fd = None
        try:
            db = await cls._open_locked(path, migrate=migrate, create=create)
        except BaseException:
            if lock_fd is not None:
                os.close(lock_fd)
            raise
        db._lock_fd = lock_fd
        return db

    @classmethod
    async def _open_locked(cls, path: Path, *, migrate: bool, create: bool) -> SQLiteDatabase:
        """:meth:`open_file` once the open-lock is held (shared)."""
        if create and str(path) != ":memory:":
            create_shared_file(path)
        connecting = aiosqlite.connect(str(path), isolation_level=None)
        try:
            conn = await connecting
        except sqlite3.Error as err:
            # aiosqlite stops its worker thread on a failed connect but does not wait
            # for it; if the event loop closes first, the thread's reply to the loop
            # raises "Event loop is closed" after our one-line error. Wait here.
            await asyncio.to_thread(connecting._thread.join, 5)
            raise StorageError(
                _("Cannot open database {path}: {err}").format(path=path, err=err)
            ) from err
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            await db._configure()
            # Read once: every command and the phone path open a connection.
            version = await db.schema_version()
            db._refuse_newer(version)
            if migrate and version < latest_schema_version():
                await db.migrate()
        except sqlite3.OperationalError as err:
            await conn.close()
            if "locked" in str(err) or "busy" in str(err):
                raise DatabaseBusy(
                    _("{path} is busy (a restore or a long write); try again.").format(path=path)
                ) from err
            if err.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY:
                raise StorageError(read_only_problem(path)) from err
            raise StorageError(
                _("{path} is not a bbdispatch database ({err})").format(path=path, err=err)
            ) from err
        except sqlite3.DatabaseError as err:
            await conn.close()
            raise StorageError(
                _("{path} is not a bbdispatch database ({err})").format(path=path, err=err)
            ) from err
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        """Close the connection (checkpointing the WAL if last)."""
        if self._point_reader is not None:
            self._point_reader.close()
            self._point_reader = None
        try:
            await self._conn.close()
        finally:
            if self._lock_fd is not None:  # lets a restore in (docs/backup.md)
                os.close(self._lock_fd)
                self._lock_fd = None

    async def _configure(self) -> None:
        # One round trip to aiosqlite's thread for all four (the phone path opens
        # a connection per call). Every commit reaches the disk before it returns:
        # work entries, timers, contracts and statements survive a power cut
        # (``synchronous = FULL``). Costs about 0.2 ms per commit (p95 2-5 ms)
        # against 0.01 ms for NORMAL, which can lose the last commits (docs:
        # README, "What is guaranteed").
        await self._conn.executescript(
            f"PRAGMA busy_timeout = {LOCK_POLL_MS}; PRAGMA journal_mode = WAL;"
            " PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
        )

    async def schema_version(self) -> int:
        """The ``user_version`` recorded in the file."""
        row = await self.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in one transaction; return those applied."""
        applied: list[int] = []
        if await self.schema_version() >= latest_schema_version():
            # Up to date (every start but the first): no write lock, no waiting.
            return applied
        for number, _name, sql in migrations():
            async with self.transaction():
                # Re-read inside the write lock: another process may have migrated.
                if number <= await self.schema_version():
                    continue
                for statement in split_statements(sql):
                    await self.execute(statement)
                if _name.endswith("_audit_chain.sql"):
                    await self._chain_audit_rows()
                if _name.endswith(REFILL_SEARCH_PLACE):
                    await fill_search_place(self)
                if _name.endswith(RECORD_ROLES):
                    await record_roles(self)
                await self.execute(f"PRAGMA user_version = {number}")
                applied.append(number)
        return applied

    async def _chain_audit_rows(self) -> int:
        """Chain the audit rows written before the chain existed, oldest first.

        The Python half of the ``audit_chain`` migration (SQLite has no sha256);
        runs inside the migration's transaction. Returns how many rows it chained.
        """
        from bbdispatch.domain.audit_chain import GENESIS, canonical, digest, link

        previous, count = GENESIS, 0
        for row in await self.fetch_all("SELECT * FROM audit_log ORDER BY id"):
            if row["chain_hash"]:
                previous = row["chain_hash"]
                continue
            detail_digest = digest(row["detail"])
            content = canonical(
                row["id"], row["at"], row["actor"], row["entity"], row["entity_id"],
                row["action"], detail_digest,
            )  # fmt: skip
            previous = link(previous, content)
            await self.execute(
                "UPDATE audit_log SET detail_digest = ?, chain_hash = ? WHERE id = ?",
                (detail_digest, previous, row["id"]),
            )
            count += 1
        return count

    async def _begin(self, deadline: float) -> None:
        """``BEGIN IMMEDIATE``, tried every few milliseconds until ``deadline``.

        Raises:
            DatabaseBusy: another program still held the write lock at ``deadline``.
        """
        while True:
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err):
                    raise
                if self.lock_clock() >= deadline:
                    raise busy_too_long() from err
                await lock_pause(_POLL_SLEEP)

    async def _end(self, commit: bool) -> None:
        if commit:
            await self._conn.execute("COMMIT")
            return
        # "no transaction is active": SQLite rolled back by itself (a failed commit).
        with suppress(sqlite3.OperationalError):
            await self._conn.execute("ROLLBACK")

    def _failure(self, err: BaseException, *, writing: bool) -> StorageError | None:
        """SQLite's and the OS's failures of the machine as one line (:func:`storage_failure`)."""
        if isinstance(err, ENVIRONMENT_ERRORS):
            return storage_failure(err, writing=writing)
        return None

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement inside the current transaction; return lastrowid."""
        self._require_tx()
        async with self._conn.execute(sql, params) as cur:
            return cur.lastrowid or 0

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one write statement for many parameter sets inside the transaction."""
        self._require_tx()
        await self._conn.executemany(sql, rows)

    async def changes(self) -> int:
        """Rows changed by the last statement of this connection."""
        row = await self.fetch_one("SELECT changes()")
        return int(row[0]) if row else 0

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all its rows.

        One trip to aiosqlite's thread (execute and fetch together) instead of
        three (execute, fetch, close): each trip costs tens of microseconds, more
        than an indexed lookup itself. The cursor is read to the end there, so
        it holds no read lock afterwards.
        """
        try:
            return cast(list[Row], list(await self._conn.execute_fetchall(sql, params)))
        except ENVIRONMENT_ERRORS as err:
            raise storage_failure(err, writing=self.saving_now) from err

    async def fetch_point(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a small indexed query (a few rows by key) without leaving the event loop.

        For what a person waits on with the phone at their ear, such as the
        caller lookup: an aiosqlite round trip to its thread costs more than
        the lookup itself, and far more when the machine is busy. Outside a
        write transaction this reads on a second, plain connection right here
        (a committed snapshot, as any read outside a transaction sees); inside
        one it takes the normal path, so a service sees its own writes. Only
        for queries of well under a millisecond: it blocks the loop meanwhile.
        """
        reader = self._reader()
        if reader is None or self._write_lock.locked():
            return await self.fetch_all(sql, params)
        try:
            return cast(list[Row], reader.execute(sql, params).fetchall())
        except ENVIRONMENT_ERRORS as err:
            raise storage_failure(err, writing=self.saving_now) from err

    async def fetch_batch(self, queries: Sequence[tuple[str, Params]]) -> list[list[Row]]:
        """Run several small queries in one pass, on one snapshot, without leaving the loop.

        Outside a write transaction: one read transaction on the plain reader
        connection (as :meth:`fetch_point`), so the rows of all the queries
        agree with each other and no query waits for aiosqlite's thread and the
        event loop to take turns. Inside one: the normal path, one by one.
        """
        reader = self._reader()
        if reader is None or self._write_lock.locked():
            return await super().fetch_batch(queries)
        try:
            reader.execute("BEGIN")
            try:
                return [
                    cast(list[Row], reader.execute(sql, params).fetchall())
                    for sql, params in queries
                ]
            finally:
                reader.execute("COMMIT")
        except ENVIRONMENT_ERRORS as err:
            raise storage_failure(err, writing=self.saving_now) from err

    def _reader(self) -> sqlite3.Connection | None:
        if self._point_reader is None and str(self.path) != ":memory:":
            reader = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            reader.row_factory = sqlite3.Row
            reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            reader.execute("PRAGMA query_only = ON")
            self._point_reader = reader
        return self._point_reader

    def change_signature(self) -> tuple[int, int] | None:
        """A cheap sign that some connection wrote: the WAL file's (mtime ns, size).

        One ``stat`` call, no query and no thread hop, so a front end can look
        many times a second while idle; when it changes, ask :meth:`data_version`
        whether it was another connection. None for ``:memory:`` or no WAL file.
        """
        if str(self.path) == ":memory:":
            return None
        try:
            found = os.stat(f"{self.path}-wal")
        except OSError:
            return None
        return found.st_mtime_ns, found.st_size

    async def data_version(self) -> int:
        """SQLite's counter that moves when *another* connection commits."""
        return int(await self.fetch_value("PRAGMA data_version"))
