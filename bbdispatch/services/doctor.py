"""``bbdispatch doctor``: the set-up a firm gets wrong, checked one thing per line.

Database permissions and group, an admin, the price list, the OS accounts of
the firm's people and whether they can read the database, the SSH
ForceCommand for technicians, and the cron or systemd lines for
``schedule run`` and ``backup``. Each check says what is fine or exactly what
to fix. System files are read under a root folder (``/`` in real use, a test
folder in tests).
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import shlex
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from bbdispatch.domain.labels import ROLE_LABEL
from bbdispatch.domain.people import Role
from bbdispatch.domain.rights import ACTION_TEXT, Action, Principal, allowed
from bbdispatch.i18n import _
from bbdispatch.pricelist import (
    PriceListError,
    default_pricelist_path,
    load_pricelist,
    pricelist_origin,
)
from bbdispatch.services.import_clients import interrupted_imports
from bbdispatch.storage import people as people_store
from bbdispatch.storage.database import Database, open_lock_path


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report.

    Attributes:
        ok: True when nothing needs doing.
        what: the thing checked ("database permissions").
        message: what was found, or what to do about it.
    """

    ok: bool
    what: str
    message: str
    unchecked: bool = False
    """True when this login could not read what the check needs (not ok, not a finding)."""


@dataclass(frozen=True)
class Account:
    """An OS account as the passwd and group files tell it."""

    login: str
    uid: int
    gid: int
    groups: frozenset[int]


class Accounts:
    """OS accounts and groups read from ``<root>/etc/passwd`` and ``<root>/etc/group``."""

    def __init__(self, root: Path) -> None:
        self.users: dict[str, tuple[int, int]] = {}
        self.members: dict[int, set[str]] = {}
        self.group_names: dict[int, str] = {}
        for line in _lines_or_none(root / "etc" / "passwd"):
            parts = line.split(":")
            if len(parts) >= 4 and parts[2].isdigit() and parts[3].isdigit():
                self.users[parts[0]] = (int(parts[2]), int(parts[3]))
        for line in _lines_or_none(root / "etc" / "group"):
            parts = line.split(":")
            if len(parts) >= 4 and parts[2].isdigit():
                gid = int(parts[2])
                self.group_names[gid] = parts[0]
                self.members[gid] = {m for m in parts[3].split(",") if m}

    def get(self, login: str) -> Account | None:
        """The account, or None when there is no such login."""
        found = self.users.get(login)
        if found is None:
            return None
        uid, gid = found
        extra = {g for g, names in self.members.items() if login in names}
        return Account(login, uid, gid, frozenset({gid, *extra}))

    def group_name(self, gid: int) -> str:
        """A group's name (its number when unknown)."""
        return self.group_names.get(gid, str(gid))

    def personal_owner(self, gid: int) -> str | None:
        """The login whose own group ``gid`` is (its primary group, of its own name), or None.

        Debian gives every new login a group of its own; a database left in a
        dispatcher's group (``kasia``) is shared with nobody but kasia, and
        asking the others to join kasia's group would give them her files.
        """
        name = self.group_names.get(gid)
        found = self.users.get(name) if name is not None else None
        return name if found is not None and found[1] == gid else None


class _Unreadable(Exception):
    """A system file or folder this login may not read (a technician running doctor)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except PermissionError as err:
        raise _Unreadable(path) from err
    except OSError:
        return []
    return [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


def _lines_or_none(path: Path) -> list[str]:
    """The lines of a file every login may read (``/etc/passwd``), or none."""
    try:
        return _lines(path)
    except _Unreadable:
        return []


def _files(root: Path, patterns: Iterable[str]) -> tuple[list[Path], list[Path]]:
    """The files matching ``patterns``, and the folders among theirs this login cannot list.

    ``Path.glob`` skips a folder it may not read without a word, which would
    turn "cannot see" into "not there"; the folders are listed here instead.
    """
    found: list[Path] = []
    unreadable: list[Path] = []
    for pattern in patterns:
        folder = (root / pattern).parent
        try:
            names = sorted(entry.name for entry in os.scandir(folder))
        except PermissionError:
            unreadable.append(folder)
            continue
        except OSError:
            continue
        found += [
            folder / name
            for name in names
            if fnmatch.fnmatchcase(name, Path(pattern).name) and (folder / name).is_file()
        ]
    return found, unreadable


def _readable_lines(
    files: tuple[list[Path], list[Path]],
) -> tuple[list[tuple[Path, str]], list[Path]]:
    """Every line of ``files`` that this login can read, and what it could not read."""
    paths, unreadable = files
    lines: list[tuple[Path, str]] = []
    for path in paths:
        try:
            lines += [(path, line) for line in _lines(path)]
        except _Unreadable as err:
            unreadable.append(err.path)
    return lines, unreadable


def _unchecked(what: str, unreadable: list[Path]) -> Check:
    """A check this login could not make: it names what it could not read."""
    return Check(False, what, _(
        "cannot check: {paths} not readable by this login; run bbdispatch doctor as root"
    ).format(paths=", ".join(str(p) for p in unreadable)), unchecked=True)  # fmt: skip


STAFF_GROUP = "bbdispatch"
"""The group docs/deploy-ssh.md sets up for the database (never ``root``)."""


def staff_group(accounts: Accounts, gid: int) -> tuple[str, str]:
    """The group to advise for the database, and the command that creates it if missing.

    The database's own group, unless that is ``root`` (a plain folder) or one
    login's personal group (a database made by a dispatcher in their home
    umask): then the documented ``bbdispatch`` group; staff are never put into
    ``root`` or into another login's own group.
    Returns ``(name, prefix)``; ``prefix`` is ``"groupadd --system NAME && "``
    when the group does not exist yet, else ``""``.
    """
    name = accounts.group_name(gid)
    if gid != 0 and name != "root" and accounts.personal_owner(gid) is None:
        return name, ""
    if STAFF_GROUP in accounts.group_names.values():
        return STAFF_GROUP, ""
    return STAFF_GROUP, f"groupadd --system {STAFF_GROUP} && "


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


TECH_GROUP = "bbdispatch-tech"
"""The group sshd forces into ``bbdispatch tech`` (docs/deploy-ssh.md): technicians only.

Kept apart from the database's group, which office accounts join too: a
dispatcher in a forced group would get the technician's screen over ssh."""


def _split_advice(group: str, login: str) -> str:
    """What makes the database's group safe for office accounts to join, then joins them."""
    return _(
        "give technicians a group of their own for sshd: groupadd --system {tech}, "
        "usermod -aG {tech} LOGIN for each technician, 'Match Group {tech}' in sshd_config, "
        "then run: usermod -aG {group} {login} (docs/deploy-ssh.md)"
    ).format(tech=TECH_GROUP, group=group, login=login)


def _person_check(
    person_login: str,
    role: Role,
    account: Account | None,
    db_path: Path,
    info: os.stat_result,
    accounts: Accounts,
    forced: frozenset[str],
) -> Check | None:
    """The group part of one person's check: None when their groups are right.

    The database's group is for everyone who opens the database; a group sshd
    forces into ``bbdispatch tech`` is for technicians alone. When the two are
    one group, an office account can neither join it (sshd would make them a
    technician) nor stay out (the database refuses them): the groups are split.
    """
    what = _("account {login}").format(login=person_login)
    label = ROLE_LABEL[role]
    group, create = staff_group(accounts, info.st_gid)
    office = role is not Role.TECHNICIAN
    db_forced = group in forced
    tech_groups = sorted(forced - {group})
    if account is None:
        tech = tech_groups or ([] if db_forced else [TECH_GROUP])
        if not office and tech and tech[0] not in accounts.group_names.values():
            create += f"groupadd --system {tech[0]} && "
        if office and db_forced:
            return Check(False, what, _(
                "{role} {login} has no OS account; run: useradd -m {login}; then, as sshd "
                "forces group {group} into bbdispatch tech, {split}").format(
                role=label, login=person_login, group=group,
                split=_split_advice(group, person_login)))  # fmt: skip
        groups = group if office else ",".join([group, *tech[:1]])
        option = "-m" if office else "--create-home --shell /bin/sh"
        return Check(False, what, _(
            "{role} {login} has no OS account; run: {create}useradd {option} -G {groups} "
            "{login} (docs/deploy-ssh.md)").format(
            role=label, login=person_login, create=create, option=option,
            groups=groups))  # fmt: skip
    if account.uid in (0, info.st_uid):
        return None  # root and the database's owner open it whatever their groups
    in_group = info.st_gid in account.groups
    in_forced = sorted(
        accounts.group_name(g) for g in account.groups if accounts.group_name(g) in forced
    )
    if office and db_forced:
        where = (
            _("is in group {group}, which sshd forces into bbdispatch tech")
            if in_group
            else _("cannot open the database (not in group {group}), and sshd forces that "
                   "group into bbdispatch tech")
        ).format(group=group)  # fmt: skip
        return Check(False, what, _("{role} {login} {where}; {split}").format(
            role=label, login=person_login, where=where,
            split=_split_advice(group, person_login)))  # fmt: skip
    if office and in_forced:
        return Check(False, what, _(
            "{role} {login} is in group {forced}, which sshd forces into bbdispatch tech; "
            "run: gpasswd -d {login} {forced} (docs/deploy-ssh.md)").format(
            role=label, login=person_login, forced=in_forced[0]))  # fmt: skip
    if not in_group:
        staff_gid = next((g for g, n in accounts.group_names.items() if n == group), None)
        if staff_gid is not None and staff_gid in account.groups:
            # In the right group: the database is in the wrong one (the group check says so).
            return Check(False, what, _(
                "{login} cannot open the database: {path} is in group {actual}, not {group}; "
                "run: chgrp {group} {q}").format(
                login=person_login, path=db_path, actual=accounts.group_name(info.st_gid),
                group=group, q=shlex.quote(str(db_path))))  # fmt: skip
        return Check(False, what, _(
            "{login} cannot open the database (not in group {group}); run: "
            "{create}usermod -aG {group} {login}").format(
            login=person_login, group=group, create=create))  # fmt: skip
    if not office and tech_groups and not in_forced:
        return Check(False, what, _(
            "technician {login} is not in group {tech}, which sshd forces into bbdispatch "
            "tech: over ssh they would get a shell; run: usermod -aG {tech} {login}").format(
            login=person_login, tech=tech_groups[0]))  # fmt: skip
    return None


async def check_people(
    db: Database,
    accounts: Accounts,
    forced: frozenset[str] = frozenset(),
    unread: tuple[Path, ...] = (),
) -> list[Check]:
    """An admin exists; every person's OS account exists and can open the database.

    ``forced``: groups sshd forces into ``bbdispatch tech`` (its ``Match Group``
    blocks with a ForceCommand). Everyone who opens the database joins its
    group; technicians also join a forced group, and office accounts stay out
    of every forced group (docs/deploy-ssh.md). ``unread``: sshd files this
    login could not read, so ``forced`` may lack a group: an office account,
    whose advice depends on it, is then not judged.
    """
    checks: list[Check] = []
    from bbdispatch.services.rights import mismatch_text, no_admin_message, trusted_role

    everyone = []
    for person in await people_store.all_people(db):
        trusted = await trusted_role(db, person)
        if trusted.mismatch:  # written outside bbdispatch: the person acts with less
            what = _("role of {login}").format(login=person.login)
            checks.append(Check(False, what, mismatch_text(person.login, trusted)))
            person = replace(person, role=trusted.role)
        everyone.append(person)
    admins = sorted(p.login for p in everyone if p.role is Role.ADMIN)
    path = db.path
    if admins:
        checks.append(Check(True, _("admin"), ", ".join(admins)))
    else:
        checks.append(Check(False, _("admin"), no_admin_message(db)))
    if db.dialect != "sqlite":
        # On a server, logins reach the data through their database roles
        # (docs/scaling.md), not through the file's group.
        return checks
    info = path.stat()
    group = staff_group(accounts, info.st_gid)[0]
    for person in everyone:
        account = accounts.get(person.login)
        what = _("account {login}").format(login=person.login)
        office = person.role is not Role.TECHNICIAN
        if unread and office and account is not None and account.uid not in (0, info.st_uid):
            checks.append(_unchecked(what, list(unread)))
            continue
        found = _person_check(person.login, person.role, account, path, info, accounts, forced)
        if found is not None:
            checks.append(found)
            continue
        assert account is not None
        if (blocked := unreachable_folder(path, account)) is not None:
            folder, fmode = blocked
            checks.append(Check(False, what, _(
                "{login} cannot reach the database: {folder} is {mode:o}, which does not let them "
                "through; run: chmod o+x {q}, or keep the database in a folder such as "
                "/srv/bbdispatch (docs/deploy-ssh.md)").format(
                login=person.login, folder=folder, mode=fmode,
                q=shlex.quote(str(folder)))))  # fmt: skip
        elif (denied := database_access_problem(path, account, group)) is not None:
            checks.append(Check(False, what, denied))
        else:
            checks.append(Check(True, what, _("{role}, can open the database").format(
                role=ROLE_LABEL[person.role])))  # fmt: skip
    return checks


def database_folders(db_path: Path) -> list[Path]:
    """The folders a login passes through to reach the database, its own folder first."""
    return list(db_path.absolute().parents)


def unreachable_folder(db_path: Path, account: Account) -> tuple[Path, int] | None:
    """The first folder on the way to the database this account may not pass (and its mode).

    Passing a folder needs its ``x`` bit for the account's class (owner, group,
    others); root passes everywhere.
    """
    if account.uid == 0:
        return None
    for folder in database_folders(db_path):
        try:
            info = folder.stat()
        except OSError:
            continue
        mode = stat.S_IMODE(info.st_mode)
        if info.st_uid == account.uid:
            allowed = bool(mode & 0o100)
        elif info.st_gid in account.groups:
            allowed = bool(mode & 0o010)
        else:
            allowed = bool(mode & 0o001)
        if not allowed:
            return folder, mode
    return None


def allows(info: os.stat_result, account: Account, bits: int) -> bool:
    """Whether ``account`` has ``bits`` (4 read, 2 write, 1 execute/pass) on a file or folder.

    As the kernel decides: the owner's bits for the owner, else the group's for
    a member of the file's group, else the others'. Root may do anything, but
    runs a file only when some execute bit is set.
    """
    mode = stat.S_IMODE(info.st_mode)
    if account.uid == 0:
        return not (bits & 1) or stat.S_ISDIR(info.st_mode) or bool(mode & 0o111)
    if info.st_uid == account.uid:
        shift = 6
    elif info.st_gid in account.groups:
        shift = 3
    else:
        shift = 0
    return (mode >> shift) & bits == bits


def database_access_problem(db_path: Path, account: Account, group: str) -> str | None:
    """Why ``account`` cannot read and write the database, or None when it can.

    SQLite needs the file (and its ``-wal``/``-shm`` files, when there) readable
    and writable, and the folder writable and passable to create them.
    """
    for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        if not allows(info, account, 6):
            return _(
                "{login} cannot read and write {path} ({mode:o}, owner {owner}); run: "
                "chgrp {group} {q} && chmod 660 {q}"
            ).format(
                login=account.login, path=path, mode=stat.S_IMODE(info.st_mode),
                owner=info.st_uid, group=group, q=shlex.quote(str(path)),
            )  # fmt: skip
    lock = open_lock_path(db_path)
    try:
        info = lock.stat()
    except FileNotFoundError:
        pass
    else:
        if not allows(info, account, 4):
            return _(
                "{login} cannot read {path} ({mode:o}, group {gid}), the lock every program "
                "holds while it has the database open; run: chgrp {group} {q} && chmod 660 {q}"
            ).format(
                login=account.login, path=lock, mode=stat.S_IMODE(info.st_mode),
                gid=info.st_gid, group=group, q=shlex.quote(str(lock)),
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


def check_pricelist() -> Check:
    """The price list in use loads; the detail names its file and where it was named.

    The shipped example is fine for a trial but is replaced on every upgrade, so
    the check says so (``docs/pricelist.md``) without failing.
    """
    path = default_pricelist_path()
    try:
        prices = load_pricelist(path)
    except PriceListError as err:
        return Check(False, _("price list"), str(err))
    origin = pricelist_origin(path)
    if origin == "shipped":
        where = _("{path} (the shipped example: give the firm's own file, docs/pricelist.md)")
    else:
        where = _("{path} (from {origin})")
    return Check(
        True,
        _("price list"),
        _("{n} products").format(n=len(prices.products))
        + ", "
        + where.format(path=path, origin=origin),
    )


def _sshd_lines(root: Path) -> tuple[list[tuple[Path, str]], list[Path]]:
    return _readable_lines(_files(root, ["etc/ssh/sshd_config", "etc/ssh/sshd_config.d/*.conf"]))


@dataclass(frozen=True)
class _Forced:
    """A ``ForceCommand`` line running bbdispatch, with the ``Match`` block it is in."""

    path: Path
    line: str
    matched: bool
    """Inside a ``Match`` block (not ``Match all``): it applies to the logins the block names."""
    groups: tuple[str, ...] = ()
    """The block's ``Match Group`` names."""
    users: tuple[str, ...] = ()
    """The block's ``Match User`` names."""

    def covers(self, account: Account, accounts: Accounts) -> bool:
        """Whether sshd forces this command on ``account`` (by its groups or its login)."""
        if not self.matched:
            return True
        names = {accounts.group_name(g) for g in account.groups}
        return bool(names.intersection(self.groups)) or account.login in self.users


def _force_commands(root: Path) -> tuple[list[_Forced], list[Path]]:
    """Every ``ForceCommand`` running bbdispatch in sshd's files, and the files not readable.

    A ``Match`` block runs to the next ``Match`` or the end of its file
    (sshd_config(5)); ``Match all`` ends one.
    """
    lines, unreadable = _sshd_lines(root)
    found: list[_Forced] = []
    current: Path | None = None
    matched = False
    groups: list[str] = []
    users: list[str] = []
    for path, line in lines:
        if path != current:  # a Match block ends with its file
            matched, groups, users, current = False, [], [], path
        words = line.replace("=", " ", 1).split()
        key = words[0].lower()
        if key == "match":
            groups, users = [], []
            matched = not (len(words) > 1 and words[1].lower() == "all")
            for name, value in zip(words[1::2], words[2::2], strict=False):
                names = [v for v in value.split(",") if v and not v.startswith("!")]
                if name.lower() == "group":
                    groups += names
                elif name.lower() == "user":
                    users += names
        elif key == "forcecommand" and "bbdispatch" in line:
            found.append(_Forced(path, line, matched, tuple(groups), tuple(users)))
    return found, unreadable


def forced_groups(root: Path) -> frozenset[str]:
    """Groups whose sshd ``Match Group`` block has a ForceCommand running bbdispatch."""
    return frozenset(g for f in _force_commands(root)[0] for g in f.groups)


ANYONE = Account("", -1, -1, frozenset())
"""An account that owns nothing and is in no group: the ``others`` bits alone."""


def check_ssh(
    root: Path,
    technicians: Iterable[Account | None] = (),
    accounts: Accounts | None = None,
    db_path: Path | None = None,
) -> Check:
    """Sshd gives each technician ``bbdispatch tech`` on this database, and only technicians.

    The ``ForceCommand`` must sit in a ``Match`` block (outside one sshd
    forces it on every login, dispatchers and admins too) that covers every
    technician's account, its program must be one each may run (every folder
    on the way, the interpreter behind a symlink), and the command it runs
    must name ``db_path`` (the database doctor checks).

    ``technicians``: the technicians' OS accounts (None for a missing one,
    reported by the account check); with none, the program is judged by the
    ``others`` bits. ``accounts``: the passwd and group files, for the
    groups' names.
    """
    what = _("ssh ForceCommand")
    everyone = list(technicians)
    techs = [a for a in everyone if a is not None]
    forced, unreadable = _force_commands(root)
    if not forced:
        if not everyone:
            return Check(True, what, _("none needed: no technicians yet"))
        if unreadable:
            return _unchecked(what, unreadable)
        return Check(False, what, _(
            "no 'ForceCommand ... bbdispatch' in sshd_config: technicians would get a shell; "
            "see docs/deploy-ssh.md"))  # fmt: skip
    for f in forced:
        if not f.matched:
            return Check(False, what, _(
                "{config}: '{line}' is under no Match line, so sshd forces it on every "
                "login, dispatchers and admins too; put it under 'Match Group {tech}' "
                "(docs/deploy-ssh.md)").format(
                config=f.path, line=f.line, tech=TECH_GROUP))  # fmt: skip
    known = accounts or Accounts(root)
    for account in techs:
        if not any(f.covers(account, known) for f in forced):
            first = forced[0]
            named = [*first.groups, *first.users]
            group = next((g for g in first.groups if g in known.group_names.values()), None)
            fix = (
                _("run: usermod -aG {group} {login}").format(group=group, login=account.login)
                if group is not None
                else _("name the technicians' group there: 'Match Group {tech}'").format(
                    tech=TECH_GROUP
                )
            )
            return Check(False, what, _(
                "{config}: the Match line over the ForceCommand ({named}) does not cover "
                "technician {login}: over ssh they would get a shell; {fix} "
                "(docs/deploy-ssh.md)").format(
                config=first.path, named=", ".join(named) or "-", login=account.login,
                fix=fix))  # fmt: skip
    return _force_command(root, forced[0].path, forced[0].line, techs or [ANYONE], db_path)


def _force_command(
    root: Path, config: Path, line: str, accounts: list[Account], db_path: Path | None = None
) -> Check:
    """The ForceCommand's program exists, every technician may run it, on the right database.

    The program is read under ``root``; the command it runs must be
    ``bbdispatch tech`` on ``db_path`` (when given).
    """
    what = _("ssh ForceCommand")
    command = line.replace("=", " ", 1).split(None, 1)[1] if " " in line else ""
    try:
        program = shlex.split(command)[0]
    except (IndexError, ValueError):
        program = ""
    if not program.startswith("/"):
        problem = _database_problem(command, {}, db_path)
        if problem is not None:
            return Check(False, what, f"{config}: {line}: {problem}")
        return Check(True, what, f"{config}: {line}")
    walked = _walk(root, program)
    target = root / (walked[1] if walked is not None else program).lstrip("/")
    if not _exists(root, program):
        return Check(False, what, _(
            "{config}: {program} does not exist: technicians' logins would fail; "
            "create it as docs/deploy-ssh.md says").format(
            config=config, program=program))  # fmt: skip
    for account in accounts:
        problem = run_problem(root, program, account)
        if problem is not None:
            return Check(False, what, problem)
    try:
        head = target.read_text(encoding="utf-8", errors="replace")
    except OSError:
        head = ""
    script = head.partition("\n")[2] if head.startswith("#!") else command
    problem = _database_problem(script, {}, db_path)
    if problem is not None:
        return Check(False, what, f"{program}: {problem}")
    return Check(True, what, f"{config}: {line}")


def _database_problem(script: str, env: dict[str, str], db_path: Path | None) -> str | None:
    """Why a wrapper (or a ForceCommand line) does not run ``bbdispatch tech`` on ``db_path``.

    None when it does, when ``db_path`` is not known, or when no ``bbdispatch
    … tech`` is found in it (a wrapper written some other way is not judged).
    ``BBDISPATCH_DB`` set in the script (``export``, a prefix) and simple
    ``$NAME`` variables set in it are followed.
    """
    if db_path is None:
        return None
    words = _words(script)
    names = dict(env)
    for at, word in enumerate(words):
        if word == "export":
            continue
        if _ENV_LINE.match(word):
            name, _eq, value = word.partition("=")
            names[name] = _expand(value, names)
            continue
        if Path(word).name != "bbdispatch":
            continue
        end = next(
            (i for i in range(at + 1, len(words)) if words[i] and words[i][0] in ";&|<>"),
            len(words),
        )
        args = words[at + 1 : end]
        if "tech" not in args:
            continue
        named = names.get("BBDISPATCH_DB")
        for i, arg in enumerate(args):
            if arg == "--db" and i + 1 < len(args):
                named = _expand(args[i + 1], names)
            elif arg.startswith("--db="):
                named = _expand(arg.removeprefix("--db="), names)
        if named is None:
            return _(
                "it names no database (no --db, no BBDISPATCH_DB), so each technician would "
                "open their own default one; add --db {db}"
            ).format(db=shlex.quote(str(db_path)))
        if os.path.normpath(named) != os.path.normpath(str(db_path)):
            return _(
                "it runs bbdispatch tech on {other}, not on {db} (the database checked here); "
                "correct --db in it, or run doctor with --db {other}"
            ).format(other=named, db=db_path)
        return None
    return None


def _expand(value: str, names: dict[str, str]) -> str:
    """A word with ``$NAME``/``${NAME}`` replaced by what the script set (else left as is)."""
    return re.sub(
        r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
        lambda m: names.get(m.group(1), m.group(0)),
        value,
    )


def _walk(root: Path, program: str) -> tuple[list[str], str] | None:
    """The folders the kernel passes to reach ``program``, and the file it ends at.

    Each symbolic link on the way (the file's or a folder's) is read under
    ``root`` and followed, as the kernel would: an absolute target starts again
    at ``/``, a relative one in the link's folder. The folders are absolute
    paths, in the order they are passed (``/`` first). None for a loop.
    """
    parts = list(PurePosixPath(program).parts[1:])
    current = "/"
    folders: list[str] = []
    hops = 0
    while parts:
        name = parts.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            current = posixpath.dirname(current) or "/"
            continue
        folders.append(current)
        candidate = posixpath.join(current, name)
        try:
            link = os.readlink(root / candidate.lstrip("/"))
        except OSError:
            current = candidate
            continue
        hops += 1
        if hops > MAX_LINKS:
            return None
        if link.startswith("/"):
            current = "/"
            parts = list(PurePosixPath(link).parts[1:]) + parts
        else:
            parts = list(PurePosixPath(link).parts) + parts
    return list(dict.fromkeys(folders)), current


def _exists(root: Path, program: str) -> bool:
    """Whether ``program`` (absolute) is a file under ``root``, symlinks read under ``root``."""
    walked = _walk(root, program)
    return walked is not None and (root / walked[1].lstrip("/")).is_file()


MAX_LINKS = 16
"""Symbolic links followed on the way to one program before giving up (a loop)."""


def run_problem(root: Path, program: str, account: Account, depth: int = 0) -> str | None:
    """Why ``account`` cannot run ``program`` (an absolute path under ``root``), or None.

    As the kernel decides for that account's uid and groups: every folder on
    the way must let it pass (``x``), the file must be executable, and a
    script also readable. A script's interpreter (``#!``) and the bbdispatch
    programs it runs by full path (a wrapper's ``exec /opt/.../bbdispatch``,
    whose own ``#!`` is the venv's Python) are judged the same way, so a venv
    under root's home (``/root``, 700) is found behind a wrapper in
    ``/usr/local/bin``. Symbolic links, of the file or of a folder on the way,
    are followed (read under ``root``) and every folder they lead through is
    judged too: a venv's ``bin/python`` links to the interpreter it was made
    from, which may sit under a private folder (``/root/.pyenv``).
    """
    who = account.login or _("an account other than its owner and group")
    walked = _walk(root, program)
    if walked is None:
        return _("{program} is a loop of symbolic links").format(program=program)
    folders, resolved = walked
    target = root / resolved.lstrip("/")
    for part in folders:
        if part == "/":
            continue
        try:
            info = (root / part.lstrip("/")).stat()
        except OSError:
            continue
        if not allows(info, account, 1):
            mode = stat.S_IMODE(info.st_mode)
            if resolved != program:
                return _(
                    "{who} cannot run {via}: it links to {program}, and {folder} is {mode:o}, "
                    "which does not let them through; make the venv from a Python every "
                    "technician can reach: /usr/bin/python3 -m venv /opt/bbdispatch/venv "
                    "(docs/deploy-ssh.md)"
                ).format(who=who, via=program, program=resolved, folder=part, mode=mode)
            return _(
                "{who} cannot run {program}: {folder} is {mode:o} and does not let them "
                "through; install bbdispatch where every technician can reach it, e.g. "
                "python3 -m venv /opt/bbdispatch/venv (docs/deploy-ssh.md)"
            ).format(who=who, program=program, folder=part, mode=mode)
    try:
        info = target.stat()
        with target.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return _("{program} does not exist or cannot be run").format(program=program)
    script = head.startswith(b"#!")
    need = 5 if script else 1  # a script is read by its interpreter, as the account
    if not allows(info, account, need):
        return _("{who} cannot run {program}: it is {mode:o}; run: chmod 755 {q}").format(
            who=who, program=program, mode=stat.S_IMODE(info.st_mode), q=shlex.quote(program)
        )
    if not script or depth >= 3:
        return None
    text = target.read_text(encoding="utf-8", errors="replace")
    first, _nl, rest = text.partition("\n")
    interpreter = first[2:].split()
    nested = [interpreter[0]] if interpreter and interpreter[0].startswith("/") else []
    nested += [
        word for word in _words(rest)
        if word.startswith("/") and Path(word).name == "bbdispatch"
    ]  # fmt: skip
    for inner in dict.fromkeys(nested):
        walked = _walk(root, inner)
        if walked is None or os.path.lexists(root / walked[1].lstrip("/")):
            problem = run_problem(root, inner, account, depth + 1)
            if problem is not None:
                return problem
    return None


CRON_PATH = ("/usr/bin", "/bin")
"""Where cron finds a program named without a folder (its default PATH)."""
SYSTEMD_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
"""Where systemd finds an ``ExecStart`` program named without a folder."""
_ENV_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class _Job:
    """A line that would run bbdispatch: where it is and what it names."""

    path: Path
    line: str
    words: list[str]
    env: dict[str, str]
    search: tuple[str, ...]
    timer: bool = True
    """False for a systemd service that no enabled timer starts."""
    user: str = "root"
    """The account it runs as: a cron line's user field, a crontab's owner, ``User=``."""


def _words(command: str) -> list[str]:
    """A shell command's words, operators (``;``, ``&&``, ``>>``) apart, comments dropped.

    A quoted ``sh -c '…'`` script is opened up. ``[]`` when it cannot be split.
    """
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError:
        return []
    out: list[str] = []
    for word in words:
        if " " in word and "bbdispatch" in word:
            out += [";", *_words(word), ";"]
        else:
            out.append(word)
    return out


def _cron_jobs(path: Path, lines: list[str], has_user: bool) -> list[_Job]:
    """The lines of a cron file that run something, with the account each runs as.

    With ``has_user`` (``/etc/crontab``, ``/etc/cron.d``) the sixth field names
    the account, else the file is that account's crontab (named after it).
    """
    env: dict[str, str] = {}
    jobs: list[_Job] = []
    for line in lines:
        first = line.split(None, 1)[0]
        if _ENV_LINE.match(first) and not first[0].isdigit():
            key, _sep, value = line.partition("=")
            env[key.strip()] = value.strip().strip("'\"")
            continue
        fields = (1 if first.startswith("@") else 5) + (1 if has_user else 0)
        parts = line.split(None, fields)
        if len(parts) <= fields:
            continue
        search = tuple(env["PATH"].split(":")) if "PATH" in env else CRON_PATH
        user = parts[fields - 1] if has_user else path.name
        jobs.append(_Job(path, line, _words(parts[fields]), dict(env), search, user=user))
    return jobs


def _systemd_jobs(root: Path, path: Path, lines: list[str]) -> list[_Job]:
    env: dict[str, str] = {}
    commands: list[tuple[str, str]] = []
    user = "root"
    for line in lines:
        key, _sep, value = line.partition("=")
        if key.strip() == "User":
            user = value.strip() or "root"
        elif key.strip() == "Environment":
            for item in _words(value):
                name, _eq, val = item.partition("=")
                env[name] = val
        elif key.strip() in {"ExecStart", "ExecStartPre", "ExecStartPost"}:
            commands.append((line, value.strip().lstrip("-@:+!")))
    timer = f"{path.stem}.timer"
    enabled = (root / "etc/systemd/system/timers.target.wants" / timer).exists()
    return [
        _Job(path, line, _words(cmd), env, SYSTEMD_PATH, enabled, user) for line, cmd in commands
    ]


def _program_problem(root: Path, program: str, search: tuple[str, ...]) -> str | None:
    """Why ``program`` cannot run from this line, or None when it can."""
    if "/" in program:
        candidates = [program] if program.startswith("/") else []
    else:
        candidates = [f"{folder.rstrip('/')}/{program}" for folder in search]
    for candidate in candidates:
        target = root / candidate.lstrip("/")
        if target.is_file() and stat.S_IMODE(target.stat().st_mode) & 0o111:
            return None
    if "/" in program:
        return _("{program} does not exist or cannot be run").format(program=program)
    return _(
        "{program} is not in {path} (the PATH this line runs with); write the full path "
        "(e.g. /opt/bbdispatch/venv/bin/bbdispatch)"
    ).format(program=program, path=":".join(search))


def _job_problem(
    root: Path,
    job: _Job,
    db_path: Path,
    task: str,
    may_run: Callable[[str], str | None] | None = None,
) -> str | None:
    """Why a line that runs ``bbdispatch … task`` does not do it for this database, or None.

    ``may_run``: why an account may not run the task (None when it may); the
    account is the line's (:attr:`_Job.user`), or the one a ``runuser -u`` or
    ``sudo -u`` on the line switches to.
    """
    words = job.words
    env = dict(job.env)
    user = job.user
    for at, word in enumerate(words):
        if Path(word).name != "bbdispatch" and not word.endswith("/bbdispatch"):
            if _ENV_LINE.match(word):
                name, _eq, value = word.partition("=")
                env[name] = value
            elif word in {";", "&&", "||", "|", "&"}:
                env = dict(job.env)
            elif (
                word == "-u"
                and 0 < at < len(words) - 1
                and Path(words[at - 1]).name in {"runuser", "sudo"}
            ):
                user = words[at + 1]
            continue
        end = next(
            (i for i in range(at + 1, len(words)) if words[i] and words[i][0] in ";&|<>"),
            len(words),
        )
        args = words[at + 1 : end]
        wanted = task.split()
        if not any(args[i : i + len(wanted)] == wanted for i in range(len(args))):
            continue
        problem = _program_problem(root, word, job.search)
        if problem is not None:
            return problem
        named = env.get("BBDISPATCH_DB")
        for i, arg in enumerate(args):
            if arg == "--db" and i + 1 < len(args):
                named = args[i + 1]
            elif arg.startswith("--db="):
                named = arg.removeprefix("--db=")
        if named is None:
            return _(
                "it names no database (no --db, no BBDISPATCH_DB), so it runs its user's own "
                "default one; add --db {db}"
            ).format(db=shlex.quote(str(db_path)))
        if os.path.normpath(named) != os.path.normpath(str(db_path)):
            return _("it runs on {other}, not on {db}").format(other=named, db=db_path)
        refused = may_run(user) if may_run is not None else None
        if refused is not None:
            return refused
        if not job.timer:
            return _("no enabled timer starts it; run: systemctl enable --now {timer}").format(
                timer=f"{job.path.stem}.timer"
            )
        return None
    return ""


def check_scheduled(
    root: Path,
    db_path: Path,
    task: str,
    doc: str,
    may_run: Callable[[str], str | None] | None = None,
) -> Check:
    """A cron line or a timer's systemd service runs ``bbdispatch … <task>`` on this database.

    The program must exist. Lines are read as cron and systemd read them: a commented-out line, a
    shell comment, another ``--db`` or ``BBDISPATCH_DB``, or a program not on
    the line's PATH is not a scheduled run; the first such mistake is named.
    ``may_run`` judges the account the line runs as (:func:`runner_judge`): a
    technician or ``nobody`` is refused by bbdispatch every time it runs.
    """
    what = _("scheduled '{task}'").format(task=task)
    jobs: list[_Job] = []
    unreadable: list[Path] = []
    for patterns, has_user in (
        (["etc/crontab", "etc/cron.d/*"], True),
        (["var/spool/cron/crontabs/*", "var/spool/cron/*"], False),
    ):
        files, cannot = _files(root, patterns)
        unreadable += cannot
        for path in files:
            try:
                jobs += _cron_jobs(path, _lines(path), has_user)
            except _Unreadable as err:
                unreadable.append(err.path)
    files, cannot = _files(root, ["etc/systemd/system/*.service", "lib/systemd/system/*.service"])
    unreadable += cannot
    for path in files:
        try:
            jobs += _systemd_jobs(root, path, _lines(path))
        except _Unreadable as err:
            unreadable.append(err.path)
    wrong: list[tuple[_Job, str]] = []
    for job in jobs:
        problem = _job_problem(root, job, db_path, task, may_run)
        if problem is None:
            return Check(True, what, f"{job.path}: {job.line}")
        if problem:
            wrong.append((job, problem))
    if wrong:
        job, problem = wrong[0]
        return Check(False, what, _("{path}: {line}: {problem}; see {doc}").format(
            path=job.path, line=job.line, problem=problem, doc=doc))  # fmt: skip
    if unreadable:
        return _unchecked(what, unreadable)
    return Check(False, what, _("no cron line or systemd timer runs it; see {doc}").format(doc=doc))


async def run_checks(db: Database, root: Path = Path("/")) -> list[Check]:
    """Every check, in the order the report prints them.

    Args:
        db: the open database (opened without needing the price list, which is
            one of the checks).
        root: where the system files are (``/``; a folder in tests).
    """
    accounts = Accounts(root)
    # The file's mode and group matter for SQLite only; a server guards its own data.
    checks = check_database_file(db.path, accounts) if db.dialect == "sqlite" else []
    checks += await check_people(db, accounts, forced_groups(root), tuple(_sshd_lines(root)[1]))
    checks.append(check_pricelist())
    techs = [p for p in await people_store.all_people(db) if p.role is Role.TECHNICIAN]
    wanted = db.path if db.dialect == "sqlite" else None
    checks.append(check_ssh(root, [accounts.get(p.login) for p in techs], accounts, wanted))
    roles = await _trusted_roles(db)
    checks.append(
        check_scheduled(
            root,
            db.path,
            "schedule run",
            "docs/schedule.md",
            runner_judge(roles, accounts, Action.SCHEDULE_RUN),
        )
    )
    checks.append(check_scheduled(root, db.path, "backup", "docs/backup.md",
                                  runner_judge(roles, accounts, Action.BACKUP)))  # fmt: skip
    checks.append(await check_imports(db))
    return checks


async def check_imports(db: Database) -> Check:
    """No client import was interrupted half-way (a killed ``import``)."""
    waiting = await interrupted_imports(db)
    if waiting:
        return Check(False, _("imports"), "; ".join(i.describe() for i in waiting))
    return Check(True, _("imports"), _("none interrupted"))


async def _trusted_roles(db: Database) -> dict[str, Role]:
    """Every active person's login and the role they act with (the audit trail's, at most)."""
    from bbdispatch.services.rights import trusted_role

    return {p.login: (await trusted_role(db, p)).role for p in await people_store.all_people(db)}


def runner_judge(
    roles: dict[str, Role], accounts: Accounts, action: Action
) -> Callable[[str], str | None]:
    """Why an OS account may not run ``action`` from cron or systemd (None when it may).

    As bbdispatch decides when the line runs (``docs/rights.md``): root acts
    as an admin; any other account must be a person whose role the rule table
    allows (``schedule run``: dispatcher or admin; ``backup``: admin).
    """
    may = [r for r in Role if allowed(Principal.of(r), action, own=False)]
    labels = "/".join(ROLE_LABEL[r] for r in may)

    def judge(user: str) -> str | None:
        account = accounts.get(user)
        if user == "root" or (account is not None and account.uid == 0):
            return None
        role = roles.get(user)
        if role is None:
            return _(
                "it runs as {user}, who is no person of the firm, so bbdispatch refuses it "
                "every time; run it as root or as a person whose role is {roles} (docs/rights.md)"
            ).format(user=user, roles=labels)
        if role not in may:
            return _(
                "it runs as {user}, a {role}, who may not {what}, so bbdispatch refuses it "
                "every time; run it as root or as a person whose role is {roles} (docs/rights.md)"
            ).format(user=user, role=ROLE_LABEL[role], what=ACTION_TEXT[action], roles=labels)
        return None

    return judge
