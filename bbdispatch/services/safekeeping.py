"""Backing the database up and restoring it: the firm's memory kept safe.

A backup is a consistent snapshot taken while dispatchers and technicians keep
working (``VACUUM INTO`` reads one WAL snapshot and never blocks a writer),
written under a temporary name, checked (``integrity_check``, the schema
version, the audit trail's head) and only then given its dated name. A restore
checks the file the same way, refuses a newer schema and a database that is in
use, and keeps the replaced file aside instead of deleting it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bbdispatch.clock import Clock, SystemClock
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import N_, _
from bbdispatch.output_file import PendingOutput, check_target
from bbdispatch.pricelist import load_pricelist
from bbdispatch.services import audit, rights
from bbdispatch.services.context import Ctx
from bbdispatch.services.saving import saves
from bbdispatch.storage import db_file
from bbdispatch.storage.database import (
    FILE_MODE,
    Database,
    SchemaTooNew,
    latest_schema_version,
    open_lock_path,
)

DEFAULT_KEEP = 14
"""Dated backups kept in the backups folder when ``--keep`` is not given."""
BACKUP_FILE_MODE = 0o640
"""Backups hold personal data: owner and group only, never world-readable."""
_STAMP = "%Y-%m-%dT%H%M%SZ"


@dataclass(frozen=True)
class BackupDone:
    """A finished, verified backup.

    Attributes:
        path: where the copy is.
        size: its size in bytes.
        check: what the verification found in the copy.
        removed: older dated backups deleted by rotation.
    """

    path: Path
    size: int
    check: db_file.FileCheck
    removed: tuple[Path, ...]


@dataclass(frozen=True)
class RestoreDone:
    """A finished restore.

    Attributes:
        path: the database now holding the restored data.
        kept_aside: where the replaced database was moved (None when there was none).
        check: what the restored file holds.
        migrated_to: the schema version after bringing an older backup up to date.
    """

    path: Path
    kept_aside: Path | None
    check: db_file.FileCheck
    migrated_to: int


def backups_folder(db_path: Path) -> Path:
    """The default home of dated backups: ``backups/`` beside the database."""
    return db_path.parent / "backups"


def dated_name(db_path: Path, moment: datetime) -> str:
    """``<db stem>-2026-12-01T020000Z.db``: sorts by time, says when at a glance."""
    return f"{db_path.stem}-{moment.strftime(_STAMP)}.db"


def _rotation_pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db_path.stem)}-\d{{4}}-\d{{2}}-\d{{2}}T\d{{6}}Z(\.\d+)?\.db$")


class UnsafeFolder(DomainError):
    """The folder a backup would go to can be changed by someone else (``docs/backup.md``).

    ``str(err)`` is one line naming the folder and what to do; the command exits 2.
    """


def check_folder(folder: Path, *, shared_ok: bool) -> None:
    """Refuse a folder where another account could delete, replace or plant backups.

    The folder (and, when it is a symbolic link, the link itself) must belong to
    the account running the backup or to root, and nobody else may write in it:
    no group and no world write bit, since the database's group holds the
    technicians. ``shared_ok`` (a file named with ``--output``) also accepts a
    folder with the sticky bit (``/tmp``, the database folder set up ``3770``),
    where only a file's owner may delete or rename it.

    Args:
        folder: the folder the backup file goes into (it must exist).
        shared_ok: whether a sticky, shared folder is good enough.

    Raises:
        UnsafeFolder: another account owns the folder or may write in it.
    """
    if not folder.is_dir():
        return  # writing into it fails with its own clear line
    me = os.geteuid()
    for st in (os.lstat(folder), os.stat(folder)):
        if st.st_uid not in (me, 0):
            raise UnsafeFolder(
                _(
                    "{folder} belongs to another account (uid {uid}): it could swap the"
                    " backups; use a folder of your own."
                ).format(folder=folder, uid=st.st_uid)
            )
    st = os.stat(folder)
    if st.st_mode & 0o022 and not (shared_ok and st.st_mode & stat.S_ISVTX):
        raise UnsafeFolder(
            _(
                "{folder} can be written by others (mode {mode:o}): they could delete or"
                " replace backups; run 'chmod go-w {folder}'."
            ).format(folder=folder, mode=stat.S_IMODE(st.st_mode))
        )


ON_A_SERVER = N_(
    "backup and restore copy an SQLite file; on PostgreSQL use pg_dump and a replica "
    "(docs/scaling.md)."
)
"""Why ``backup`` refuses a PostgreSQL database."""


@saves
async def backup(ctx: Ctx, *, output: Path | None = None, keep: int | None = None) -> BackupDone:
    """Copy the open database consistently, verify the copy, then rotate old ones.

    Args:
        ctx: the service context on the database to copy (an admin acting).
        output: the file to write; None means a dated file in the backups folder.
        keep: with the backups folder, how many dated backups to keep (newest first).

    Raises:
        NotAllowed: the acting person is not an admin.
        UnsafeFolder: another account owns the target's folder or may write in it.
        DomainError: the target exists, or the copy failed its check (and is removed).
        StorageError: the copy could not be written.
    """
    await rights.check(ctx, Action.BACKUP)
    if ctx.db.dialect != "sqlite":
        raise DomainError(_(ON_A_SERVER))
    source = ctx.db.path
    version = await ctx.db.schema_version()
    if output is None:
        folder = backups_folder(source)
        folder.mkdir(mode=0o750, parents=True, exist_ok=True)
        check_folder(folder, shared_ok=False)
    else:
        folder = output.parent
        check_folder(folder, shared_ok=True)
        check_target(output, replace=False)  # a device, link or pipe: refused (exit 2)
    with contextlib.ExitStack() as held:
        # One backup at a time in a folder: a second one started at the same
        # instant waits here, then takes the next free name.
        if output is None and await asyncio.to_thread(_folder_lock_wait, held, folder):
            _remove_stale_partials(source, folder)  # no other backup is writing there
        target = output if output is not None else _free_dated_name(source, folder, ctx)
        # Private from its first byte, a name of its own: SQLite writes into this
        # file (and gives its journal the same mode), so no umask lets another
        # account read the copy, and no other run's file is ever touched.
        pending = held.enter_context(PendingOutput.create(target, replace=False, mode=0o600))
        if output is not None:
            # A run to a file of our choosing takes no folder lock: it holds a
            # lock on its own partial instead, so a later run knows it is alive.
            _hold_partial(held, pending.temp)
            _remove_stale_output_partials(output, keep=pending.temp)
        await asyncio.to_thread(db_file.copy_consistent, source, pending.temp)
        check = await asyncio.to_thread(db_file.check_file, pending.temp)
        if not check.ok or check.schema_version != version:
            raise DomainError(
                _("The copy failed its check ({problem}); nothing was kept.").format(
                    problem=check.integrity if not check.ok else f"schema {check.schema_version}"
                )
            )
        os.chmod(pending.temp, BACKUP_FILE_MODE)
        db_file.copy_group(source, pending.temp)
        await asyncio.to_thread(pending.finish)
        await asyncio.to_thread(db_file.fsync_file, target)
        removed: tuple[Path, ...] = ()
        if output is None:
            removed = _rotate(source, target.parent, DEFAULT_KEEP if keep is None else keep)
        async with ctx.db.transaction():
            await audit.record(ctx, "database", None, "backed_up", file=target.name)
        return BackupDone(target, target.stat().st_size, check, removed)


def _free_dated_name(source: Path, folder: Path, ctx: Ctx) -> Path:
    """The dated name for a backup now, ``.2``, ``.3`` … for several within one second."""
    target = folder / dated_name(source, ctx.clock.now())
    serial = 1
    while os.path.lexists(target):
        serial += 1
        target = target.with_name(f"{target.stem.split('.')[0]}.{serial}.db")
    return target


def _folder_lock_wait(held: contextlib.ExitStack, folder: Path) -> bool:
    """Take the folder's backup lock, waiting for another backup to finish; True when taken.

    The lock is on the folder itself (no lock file to copy off-site) and is
    released when ``held`` closes. Only dated backups take it: a file named
    with ``--output`` has a temporary name of its own and never replaces
    another. A folder that cannot be opened gives False: writing there fails
    with its own clear line.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    held.callback(os.close, fd)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return True


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[bool]:
    """Hold the folder's backup lock while writing; yields False when another run holds it."""
    fd = os.open(folder, os.O_RDONLY)  # the folder itself: no lock file to copy off-site
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _remove_stale_partials(db_path: Path, folder: Path) -> None:
    """Delete what killed runs left: ``.NAME.partial`` and its ``-journal``/``-wal``."""
    for path in folder.iterdir():
        name = path.name
        if name.startswith(f".{db_path.stem}-") and name.endswith(
            (".partial", ".partial-journal", ".partial-wal")
        ):
            path.unlink(missing_ok=True)


def _output_partial_pattern(target: Path) -> re.Pattern[str]:
    """The names :class:`PendingOutput` gives the partials of ``target`` (and SQLite's files)."""
    return re.compile(
        rf"^\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.partial(?P<tail>-journal|-wal)?$"
    )


def _hold_partial(held: contextlib.ExitStack, temp: Path) -> None:
    """Lock our own partial for the whole run, so the next run leaves it alone.

    The lock (``flock``) is on a descriptor of the file and goes when the run
    ends, however it ends, even by ``kill -9``. SQLite's own locks are of
    another kind and do not meet it. A run that cleans just between the file's
    creation and this lock would remove it: the inode check then says so.

    Raises:
        DomainError: the partial was removed before it could be locked.
    """
    try:
        fd = os.open(temp, os.O_RDONLY)
    except OSError as err:
        raise DomainError(
            _("The copy in progress {file} was removed by another run; try again.").format(
                file=temp
            )
        ) from err
    held.callback(os.close, fd)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        same = os.stat(temp).st_ino == os.fstat(fd).st_ino
    except OSError:
        same = False
    if not same:
        raise DomainError(
            _("The copy in progress {file} was removed by another run; try again.").format(
                file=temp
            )
        )


def _remove_stale_output_partials(target: Path, *, keep: Path) -> None:
    """Delete what killed runs to ``target`` left: partials no running backup holds.

    Only names of our own pattern (``.NAME.xxxxxxxx.partial`` and its
    ``-journal``/``-wal``) are looked at; a partial whose lock another run
    holds is still being written and stays, with its journal.
    """
    pattern = _output_partial_pattern(target)
    try:
        names = sorted(os.listdir(target.parent))
    except OSError:
        return
    alive: set[str] = {keep.name}
    for name in names:
        found = pattern.match(name)
        if found is None or found.group("tail") or name in alive:
            continue
        path = target.parent / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            alive.add(name)  # not ours to judge (another account's, or a link)
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                alive.add(name)
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                alive.add(name)  # a running backup writes it
                continue
            with contextlib.suppress(OSError):
                path.unlink()
        finally:
            os.close(fd)
    for name in names:
        found = pattern.match(name)
        if found is None or not found.group("tail"):
            continue
        if name[: -len(found.group("tail"))] in alive:
            continue
        with contextlib.suppress(OSError):
            (target.parent / name).unlink()


def _rotate(db_path: Path, folder: Path, keep: int) -> tuple[Path, ...]:
    pattern = _rotation_pattern(db_path)
    dated = sorted(
        (p for p in folder.iterdir() if pattern.match(p.name)),
        key=lambda p: (p.name[: len(db_path.stem) + 19], p.stat().st_mtime),
    )
    old = dated[: max(len(dated) - max(keep, 1), 0)]
    for path in old:
        path.unlink(missing_ok=True)
    return tuple(old)


async def restore(
    backup_file: Path, db_path: Path, login: str, *, clock: Clock | None = None
) -> RestoreDone:
    """Put a backup in place of the database at ``db_path``.

    The file is checked first; a newer schema is refused; a database in use
    (any process has it open) is refused; the replaced file is renamed to
    ``<name>.before-restore-<time>`` beside it, never deleted. An older backup
    is migrated to this version's schema.

    Args:
        backup_file: the backup to restore.
        db_path: the database to replace (or create).
        login: who restores; must be an admin of the current database, or of
            the backup when there is no current database.
        clock: for the kept-aside name and the audit row (tests freeze it).

    Raises:
        SchemaTooNew: the backup was written by a newer bbdispatch.
        NotAllowed: ``login`` is not an admin.
        StorageError: the file is not a sound bbdispatch database, or the
            current database is in use.
    """
    clock = clock or SystemClock()
    check = await asyncio.to_thread(db_file.check_file, backup_file)
    if not check.ok:
        raise DomainError(
            _("{path} is damaged ({problem}); not restored.").format(
                path=backup_file, problem=check.integrity
            )
        )
    known = latest_schema_version()
    if check.schema_version > known:
        raise SchemaTooNew(
            _(
                "{path} was made by a newer bbdispatch (schema {found}; this version knows up"
                " to {known}). Upgrade bbdispatch before restoring it."
            ).format(path=backup_file, found=check.schema_version, known=known)
        )
    if await asyncio.to_thread(db_file.same_file, backup_file, db_path):
        raise DomainError(_("{path} is the database itself.").format(path=backup_file))
    with _folder_lock(db_path.parent) as alone:
        if not alone:
            raise DomainError(
                _("Another restore into {path} is running; try again when it has finished.")
                .format(path=db_path)
            )  # fmt: skip
        return await _restore_alone(backup_file, db_path, login, clock, check)


async def _restore_alone(
    backup_file: Path, db_path: Path, login: str, clock: Clock, check: db_file.FileCheck
) -> RestoreDone:
    """The restore proper, with the database folder's lock held (one restore at a time)."""
    existing = await asyncio.to_thread(db_path.exists)
    if existing:
        await _check_admin_in(db_path, login, clock)
    staged = db_path.with_name(f".{db_path.name}.restoring")
    for leftover in _staging_files(staged):
        leftover.unlink(missing_ok=True)  # a killed restore's
    # Private until it is swapped in (and given the replaced file's mode): it
    # holds the firm's data, and SQLite gives its -wal and -shm the same mode.
    db_file.create_private(staged)
    try:
        await asyncio.to_thread(shutil.copyfile, backup_file, staged)
        db = await Database.open(staged, create=False)
        try:
            ctx = Ctx(db=db, clock=clock, prices=load_pricelist(), actor=login)
            if not existing:
                await rights.check(ctx, Action.BACKUP)
            async with db.transaction():
                await audit.record(ctx, "database", None, "restored", file=backup_file.name)
            migrated_to = await db.schema_version()
        finally:
            await db.close()
        await asyncio.to_thread(db_file.fsync_file, staged)
        if not existing:  # else it takes the replaced file's mode
            os.chmod(staged, FILE_MODE)
            db_file.copy_group(db_path.parent, staged)
        kept = await asyncio.to_thread(
            db_file.swap_in,
            staged,
            db_path,
            f"{db_path.name}.before-restore-{clock.now().strftime(_STAMP)}",
        )
    finally:
        for leftover in _staging_files(staged):
            leftover.unlink(missing_ok=True)
    return RestoreDone(db_path, kept, check, migrated_to)


def _staging_files(staged: Path) -> tuple[Path, ...]:
    """A restore's staging copy and what opening it leaves beside it."""
    return (
        staged, Path(f"{staged}-wal"), Path(f"{staged}-shm"), open_lock_path(staged),
    )  # fmt: skip


async def check_may_restore(db_path: Path, login: str, *, clock: Clock | None = None) -> None:
    """Refuse a restore by someone who is not an admin of the database it would replace.

    Called before anything about the backup file is looked at (is it there, is
    it readable, is it a database): a technician learns only that they may not,
    and the refusal is audited in the database (``docs/rights.md``). Without a
    database at ``db_path`` there is nobody to ask yet: :func:`restore` then
    asks the backup itself.

    Raises:
        Refused: ``login`` is not an admin (root acts as one) of the database.
        StorageError: the database cannot be opened.
    """
    if await asyncio.to_thread(db_path.exists):
        await _check_admin_in(db_path, login, clock or SystemClock())


async def _check_admin_in(db_path: Path, login: str, clock: Clock) -> None:
    db = await Database.open(db_path, create=False, migrate=False)
    try:
        await rights.check(
            Ctx(db=db, clock=clock, prices=load_pricelist(), actor=login), Action.BACKUP
        )
    finally:
        await db.close()
