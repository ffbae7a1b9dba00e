"""The database as a file: consistent copies, checks of a copy, and swapping files on restore.

Plain :mod:`sqlite3` on purpose: these run once per command, outside any
service transaction, and some of them (``VACUUM INTO``, switching the journal
mode to take the file for ourselves) must not run inside one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path

from bbdispatch.i18n import _
from bbdispatch.storage.database import (
    BUSY_TIMEOUT_MS,
    HIGH_WATER_TABLES,
    MARKER_TABLES,
    StorageError,
    open_lock_fd,
)


@dataclass(frozen=True)
class FileCheck:
    """What a database file holds, as checked before it is trusted.

    Attributes:
        schema_version: ``PRAGMA user_version`` of the file.
        integrity: ``"ok"`` or SQLite's first complaint from ``integrity_check``.
        row_counts: rows per table (FTS shadow tables left out), by table name.
        audit_rows: rows in the audit trail.
        audit_head: the newest audit row's chain hash when the schema keeps one,
            else its id as text ("" when the trail is empty): what a restored
            copy must end with.
    """

    schema_version: int
    integrity: str
    row_counts: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0
    audit_head: str = ""

    @property
    def ok(self) -> bool:
        """True when SQLite found nothing wrong with the file."""
        return self.integrity == "ok"


def _connect_ro(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise StorageError(_("{path}: no such file").format(path=path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn
    except sqlite3.Error as err:
        raise StorageError(_("Cannot open {path}: {err}").format(path=path, err=err)) from err


def user_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables holding the firm's data, FTS index tables and SQLite's own left out."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    ).fetchall()
    virtual = {name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")}
    shadows = {name for name, _sql in rows if any(name.startswith(f"{v}_") for v in virtual)}
    return [name for name, _sql in rows if name not in virtual and name not in shadows]


def check_file(path: Path) -> FileCheck:
    """Check a bbdispatch database file (a backup, or one about to be restored).

    Raises:
        StorageError: the file is missing, not SQLite, or not a bbdispatch database.
    """
    conn = _connect_ro(path)
    try:
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = user_tables(conn)
        except sqlite3.DatabaseError as err:
            raise StorageError(
                _("{path} is not a bbdispatch database ({err})").format(path=path, err=err)
            ) from err
        if not set(tables) >= MARKER_TABLES or version < 1:
            raise StorageError(_("{path} is not a bbdispatch database").format(path=path))
        try:
            integrity = str(conn.execute("PRAGMA integrity_check(1)").fetchone()[0])
        except sqlite3.DatabaseError as err:
            integrity = str(err)
        counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}
        return FileCheck(
            schema_version=version,
            integrity=integrity,
            row_counts=counts,
            audit_rows=counts.get("audit_log", 0),
            audit_head=_audit_head(conn),
        )
    finally:
        conn.close()


def _audit_head(conn: sqlite3.Connection) -> str:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(audit_log)")}
    chain = next((c for c in ("chain_hash", "hash", "entry_hash") if c in columns), None)
    row = conn.execute(f"SELECT {chain or 'id'} FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return "" if row is None or row[0] is None else str(row[0])


def table_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    """Every row of one table, in rowid order: for comparing a restore with its source."""
    conn = _connect_ro(path)
    try:
        if table not in user_tables(conn):
            raise StorageError(_("{path} has no table {table}").format(path=path, table=table))
        return list(conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'))
    finally:
        conn.close()


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (owner only).

    ``VACUUM INTO`` accepts an empty file and keeps its mode, so a copy written
    into it is never readable by others, whatever the umask, even if killed.

    Raises:
        StorageError: it exists already (another run), or the folder refuses.
    """
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as err:
        raise StorageError(
            _("Cannot create {path}: {err}").format(path=path, err=err.strerror)
        ) from err


def copy_consistent(source: Path, target: Path) -> None:
    """Write a consistent copy of ``source`` to ``target`` while others keep writing.

    ``VACUUM INTO`` reads one snapshot (a WAL read transaction, which never
    blocks writers) and writes a compact file with the committed data of that
    moment, the WAL's newest commits included, unlike a plain file copy.

    Raises:
        StorageError: the copy could not be made (disk full, no such folder).
    """
    conn = _connect_ro(source)
    try:
        conn.execute("VACUUM INTO ?", (str(target),))
    except sqlite3.Error as err:
        raise StorageError(
            _("Cannot copy {path} to {target}: {err}").format(path=source, target=target, err=err)
        ) from err
    finally:
        conn.close()
    fsync_file(target)


def fsync_file(path: Path) -> None:
    """Flush a file and its folder entry to the disk, so a power cut cannot lose it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class ExclusiveHold:
    """The database file taken for this process alone, so it can be replaced.

    Switching a WAL database to ``journal_mode=DELETE`` succeeds only when no
    other connection has the file open (a dispatcher, a technician, cron), so
    it is the test for "in use"; an exclusive lock then keeps newcomers out
    until :meth:`release`. The WAL is checkpointed into the file on the way.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def take(self) -> None:
        """Take the file, or explain who has it.

        Raises:
            StorageError: another process has the database open.
        """
        conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=0.2)
        try:
            conn.execute("PRAGMA journal_mode = DELETE").fetchone()
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as err:
            conn.close()
            if "locked" in str(err) or "busy" in str(err):
                raise StorageError(
                    _(
                        "{path} is in use (a dispatcher, technician or cron job has it open);"
                        " close them first."
                    ).format(path=self.path)
                ) from err
            raise StorageError(str(err)) from err
        self._conn = conn

    def id_marks(self) -> dict[str, int]:
        """The highest id each table of the held file ever gave out, by table name.

        Its ``id_high_water`` marks (migrations 012 and 016) where it keeps
        them, and each table's highest id present, whichever is higher: a file
        of an older schema counts too.
        """
        assert self._conn is not None, "take() first"
        return id_marks(self._conn)

    def release(self) -> None:
        """Let go of the file."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def id_marks(conn: sqlite3.Connection) -> dict[str, int]:
    """The highest id each table with a high-water mark ever gave out in this file.

    What a damaged file cannot tell (a restore is often for one) is left out.
    """
    marks: dict[str, int] = {}
    try:
        tables = set(user_tables(conn))
    except sqlite3.DatabaseError:
        return marks
    queries = [(t, f'SELECT coalesce(max(id), 0) FROM "{t}"') for t in HIGH_WATER_TABLES & tables]
    if "id_high_water" in tables:
        queries += [("", "SELECT entity, last_id FROM id_high_water")]
    for table, sql in queries:
        try:
            rows = conn.execute(sql).fetchall()
        except sqlite3.DatabaseError:
            continue
        for entity, top in rows if not table else [(table, rows[0][0])]:
            marks[str(entity)] = max(marks.get(str(entity), 0), int(top))
    return marks


def raise_id_marks(path: Path, marks: dict[str, int]) -> None:
    """Move the id high-water marks of the database at ``path`` up to at least ``marks``.

    A restore puts an older copy in place of a database that has handed out
    higher ids since (calls the phone system logged, jobs, callbacks); the
    restored file goes on above them, so no id printed or audited before the
    restore names another record after it. Marks already higher stay.
    """
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "UPDATE id_high_water SET last_id = max(last_id, ?) WHERE entity = ?",
            [(n, entity) for entity, n in marks.items()],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def copy_group(source: Path, target: Path) -> None:
    """Give ``target`` the group of ``source``, so the firm's admins can read it.

    Left as it is when this login is not a member of that group.
    """
    with contextlib.suppress(OSError):
        os.chown(target, -1, source.stat().st_gid)


def same_file(a: Path, b: Path) -> bool:
    """True when both paths name one file (a restore onto itself)."""
    return a.resolve() == b.resolve()


def swap_in(staged: Path, target: Path, kept_name: str) -> Path | None:
    """Put ``staged`` in place of ``target``, keeping the old file beside it.

    The old file's mode and group carry over, and so do its id high-water
    marks where higher (:func:`raise_id_marks`). Returns where the old file went,
    or None when there was none.

    Raises:
        StorageError: ``target`` is in use by another process.
    """
    kept: Path | None = None
    lock = _take_open_lock(target)
    try:
        kept = _swap_in_locked(staged, target, kept_name)
    finally:
        os.close(lock)
    fsync_file(target)
    return kept


def remove_unused(target: Path) -> None:
    """Delete the database at ``target`` (with its ``-wal`` and ``-shm``) if nobody has it open.

    For ``demo --reset``, which builds a new database in its place: the same
    test for "in use" as a restore (the open-lock alone, then the file
    itself), held while the files go, so no dispatcher, technician or cron job
    keeps writing into a file that was deleted under it.

    Raises:
        StorageError: another process has the database open (nothing deleted).
    """
    lock = _take_open_lock(target)
    try:
        hold = ExclusiveHold(target)
        if target.exists():
            hold.take()
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        finally:
            hold.release()
    finally:
        os.close(lock)


def _take_open_lock(target: Path) -> int:
    """Hold the database's open-lock alone (every opener holds it shared).

    Anyone with the database open refuses the restore; anyone opening it from
    now on waits until the new file is in place, so nobody writes into the
    replaced one.

    Raises:
        StorageError: someone has the database open, or the lock cannot be opened.
    """
    import fcntl

    fd = open_lock_fd(target, required=True)
    assert fd is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as err:
        os.close(fd)
        raise StorageError(
            _(
                "{path} is in use (a dispatcher, technician or cron job has it open);"
                " close them first."
            ).format(path=target)
        ) from err
    except OSError:  # a file system without locks: ExclusiveHold still tells
        pass
    return fd


def _keep_aside(target: Path, kept_name: str) -> Path:
    """Give ``target`` a second name no earlier restore has taken: ``kept_name``, ``.2``, ...

    Two restores in the same second get the same stamp; the second must not
    replace the first's kept-aside file, which may be the only copy of what was
    written between them. A hard link where the file system has them, else an
    exclusive copy.

    Raises:
        StorageError: a thousand names are taken.
    """
    for n in range(1, 1000):
        kept = target.with_name(kept_name if n == 1 else f"{kept_name}.{n}")
        try:
            os.link(target, kept)
            return kept
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links
            try:
                with target.open("rb") as old, kept.open("xb") as copy:
                    shutil.copyfileobj(old, copy)
            except FileExistsError:
                continue
            shutil.copystat(target, kept)
            return kept
    raise StorageError(_("No free name to keep {path} aside.").format(path=target))


def _swap_in_locked(staged: Path, target: Path, kept_name: str) -> Path | None:
    """:func:`swap_in` with the open-lock held."""
    kept: Path | None = None
    hold = ExclusiveHold(target)
    existing = target.exists()
    if existing:
        hold.take()
    try:
        if existing:
            os.chmod(staged, stat.S_IMODE(target.stat().st_mode))
            copy_group(target, staged)
            raise_id_marks(staged, hold.id_marks())  # no id handed out twice
            fsync_file(staged)
            # A second name for the old file, then one atomic replace: at no
            # moment is there no database at ``target`` (a kill -9 in between
            # leaves the old one, never nothing for a careless ``init``).
            kept = _keep_aside(target, kept_name)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(staged, target)
    finally:
        hold.release()
    return kept
