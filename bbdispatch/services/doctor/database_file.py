"""The database file, its lock and its folder: mode, group, and who can reach and open them."""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Callable
from pathlib import Path

from bbdispatch.i18n import _
from bbdispatch.services.doctor.accounts import Account, Accounts, allows, staff_group
from bbdispatch.services.doctor.check import Check
from bbdispatch.storage.database import open_lock_path


def check_database_file(db_path: Path, accounts: Accounts) -> list[Check]:
    """Mode and group of the database file and its folder."""
    what = _("database permissions")
    info = db_path.stat()
    mode = stat.S_IMODE(info.st_mode)
    group = accounts.group_name(info.st_gid)
    q = shlex.quote(str(db_path))
    checks: list[Check] = []
    if mode & 0o007:
        problem = _("{path} is {mode:o}: others can read it; run: chmod 660 {q}")
        checks.append(Check(False, what, problem.format(path=db_path, mode=mode, q=q)))
    elif mode & 0o060 != 0o060:
        problem = _("{path} is {mode:o}: the group cannot write it; run: chmod 660 {q}")
        checks.append(Check(False, what, problem.format(path=db_path, mode=mode, q=q)))
    else:
        checks.append(Check(True, what, _("{path}: {mode:o}, group {group}").format(
            path=db_path, mode=mode, group=group)))  # fmt: skip
    folder = db_path.parent
    fmode = stat.S_IMODE(folder.stat().st_mode)
    staff, create = staff_group(accounts, info.st_gid)
    fq = shlex.quote(str(folder))
    lock = open_lock_path(db_path)
    lq = shlex.quote(str(lock))
    try:
        lock_info: os.stat_result | None = lock.lstat()
    except OSError:
        lock_info = None  # made by the first program that opens the database
    personal = None if info.st_gid == 0 else accounts.personal_owner(info.st_gid)
    if info.st_gid == 0 or personal is not None:
        files = f"{q} {lq}" if lock_info is not None else q
        why = (
            _("{path} belongs to group root: staff must never join root")
            if personal is None
            else _("{path} belongs to {login}'s own group: others must not join it")
        ).format(path=db_path, login=personal)
        checks.append(
            Check(False, _("database group"), _(
                "{why}; run: {create}chgrp {group} {fq} {files} && chmod 3770 {fq} && "
                "chmod 660 {files} (docs/deploy-ssh.md)").format(
                why=why, create=create, group=staff, fq=fq, files=files))
        )  # fmt: skip
    elif lock_info is not None and (
        lock_info.st_gid != info.st_gid
        or stat.S_IMODE(lock_info.st_mode) & 0o067 != 0o060
        or not stat.S_ISREG(lock_info.st_mode)
    ):
        checks.append(
            Check(False, _("database lock"), _(
                "{lock} is {mode:o}, group {lgroup}; it must be the database's (660, group "
                "{group}), or no one else may open the database; run: chgrp {group} {lq} && "
                "chmod 660 {lq}").format(
                lock=lock, mode=stat.S_IMODE(lock_info.st_mode),
                lgroup=accounts.group_name(lock_info.st_gid), group=staff, lq=lq))
        )  # fmt: skip
    elif fmode & 0o3070 != 0o3070:  # setgid for the group, sticky: no one deletes others' files
        checks.append(
            Check(False, _("database folder"), _(
                "{path} is {mode:o}: the group needs rwx, setgid and sticky, so -wal and -shm "
                "files get the group; run: chgrp {group} {q} && chmod 3770 {q}").format(
                path=folder, mode=fmode, group=staff, q=fq))
        )  # fmt: skip
    else:
        checks.append(Check(True, _("database folder"), _("{path}: {mode:o}").format(
            path=folder, mode=fmode)))  # fmt: skip
    return checks


def database_folders(db_path: Path) -> list[Path]:
    """The folders a login passes through to reach the database, its own folder first."""
    return list(db_path.absolute().parents)


def unreachable_folder(
    db_path: Path,
    account: Account,
    folders: Callable[[Path], list[Path]] = database_folders,
) -> tuple[Path, int] | None:
    """The first folder on the way to the database this account may not pass (and its mode).

    Passing a folder needs its ``x`` bit for the account's class (owner, group,
    others; :func:`allows`); root passes everywhere. ``folders``: the folders
    on the way (:func:`database_folders`).
    """
    if account.uid == 0:
        return None
    for folder in folders(db_path):
        try:
            info = folder.stat()
        except OSError:
            continue
        if not allows(info, account, 1):
            return folder, stat.S_IMODE(info.st_mode)
    return None


def database_access_problem(db_path: Path, account: Account, group: str) -> str | None:
    """Why ``account`` cannot read and write the database, or None when it can.

    SQLite needs the file (and its ``-wal``/``-shm`` files, when there) readable
    and writable, and the folder writable and passable to create them.
    """
    write = _(
        "{login} cannot read and write {path} ({mode:o}, owner {owner}); run: "
        "chgrp {group} {q} && chmod 660 {q}"
    )
    lock = _(
        "{login} cannot read {path} ({mode:o}, group {gid}), the lock every program "
        "holds while it has the database open; run: chgrp {group} {q} && chmod 660 {q}"
    )
    wal, shm = Path(f"{db_path}-wal"), Path(f"{db_path}-shm")
    for path, bits, problem in (
        (db_path, 6, write), (wal, 6, write), (shm, 6, write), (open_lock_path(db_path), 4, lock),
    ):  # fmt: skip
        try:
            info = path.stat()
        except FileNotFoundError:
            continue  # -wal and -shm come and go; the lock is made by the first opener
        if not allows(info, account, bits):
            return problem.format(
                login=account.login, path=path, mode=stat.S_IMODE(info.st_mode),
                owner=info.st_uid, gid=info.st_gid, group=group, q=shlex.quote(str(path)),
            )  # fmt: skip
    folder = db_path.absolute().parent
    info = folder.stat()
    if not allows(info, account, 3):
        return _(
            "{login} cannot create the database's -wal and -shm files in {folder} ({mode:o}); "
            "run: chgrp {group} {fq} && chmod 3770 {fq}"
        ).format(
            login=account.login, folder=folder, mode=stat.S_IMODE(info.st_mode), group=group,
            fq=shlex.quote(str(folder)),
        )  # fmt: skip
    return None
