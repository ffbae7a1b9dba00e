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
import shlex
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bbdispatch.domain.labels import ROLE_LABEL
from bbdispatch.domain.people import Role
from bbdispatch.i18n import _
from bbdispatch.pricelist import (
    PriceListError,
    default_pricelist_path,
    load_pricelist,
    pricelist_origin,
)
from bbdispatch.services.import_clients import interrupted_imports
from bbdispatch.storage import people as people_store
from bbdispatch.storage.database import Database


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

    The database's own group, unless that is ``root`` (a plain folder): then
    the documented ``bbdispatch`` group; staff are never put into ``root``.
    Returns ``(name, prefix)``; ``prefix`` is ``"groupadd --system NAME && "``
    when the group does not exist yet, else ``""``.
    """
    name = accounts.group_name(gid)
    if gid != 0 and name != "root":
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
    if info.st_gid == 0:
        checks.append(
            Check(False, _("database group"), _(
                "{path} belongs to group root: staff must never join root; run: "
                "{create}chgrp {group} {fq} {q} && chmod 3770 {fq} (docs/deploy-ssh.md)").format(
                path=db_path, create=create, group=staff, fq=fq, q=q))
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


async def check_people(
    db: Database,
    accounts: Accounts,
    forced: frozenset[str] = frozenset(),
    unread: tuple[Path, ...] = (),
) -> list[Check]:
    """An admin exists; every person's OS account exists and can read the database.

    ``forced``: groups sshd forces into ``bbdispatch tech`` (its ``Match Group``
    blocks with a ForceCommand). Dispatchers and admins are kept out of them,
    as docs/deploy-ssh.md says, and run bbdispatch with that group through
    ``runuser``; technicians belong in them. ``unread``: sshd files this login
    could not read, so ``forced`` may lack a group: a dispatcher's or admin's
    account in the database's group is then not judged.
    """
    checks: list[Check] = []
    admins = await people_store.admin_logins(db)
    path = db.path
    if admins:
        checks.append(Check(True, _("admin"), ", ".join(admins)))
    else:
        problem = _("no admin; run: bbdispatch --db {path} init --admin LOGIN")
        checks.append(Check(False, _("admin"), problem.format(path=shlex.quote(str(db.target)))))
    if db.dialect != "sqlite":
        # On a server, logins reach the data through their database roles
        # (docs/scaling.md), not through the file's group.
        return checks
    info = path.stat()
    group, create = staff_group(accounts, info.st_gid)
    for person in await people_store.all_people(db):
        account = accounts.get(person.login)
        what = _("account {login}").format(login=person.login)
        office = person.role is not Role.TECHNICIAN and group in forced
        if (
            unread
            and person.role is not Role.TECHNICIAN
            and account is not None
            and info.st_gid in account.groups
            and account.uid != 0
            and not office
        ):
            checks.append(_unchecked(what, list(unread)))
        elif account is None and office:
            checks.append(Check(False, what, _(
                "{role} {login} has no OS account; run: useradd -m {login} (not in group "
                "{group}: sshd gives that group only bbdispatch tech); they run bbdispatch "
                "with: runuser -u root -g {group} -- ... (docs/deploy-ssh.md)").format(
                role=ROLE_LABEL[person.role], login=person.login, group=group)))  # fmt: skip
        elif account is None:
            checks.append(Check(False, what, _(
                "{role} {login} has no OS account; run: {create}useradd --create-home "
                "--shell /bin/sh -G {group} {login} (docs/deploy-ssh.md)").format(
                role=ROLE_LABEL[person.role], login=person.login, group=group,
                create=create)))  # fmt: skip
        elif office and info.st_gid in account.groups and account.uid != 0:
            checks.append(Check(False, what, _(
                "{role} {login} is in group {group}, which sshd forces into bbdispatch tech; "
                "run: gpasswd -d {login} {group} (docs/deploy-ssh.md)").format(
                role=ROLE_LABEL[person.role], login=person.login, group=group)))  # fmt: skip
        elif office and account.uid != info.st_uid:
            checks.append(Check(True, what, _(
                "{role}, runs bbdispatch with: runuser -u root -g {group} -- ...").format(
                role=ROLE_LABEL[person.role], group=group)))  # fmt: skip
        elif account.uid != info.st_uid and info.st_gid not in account.groups:
            checks.append(Check(False, what, _(
                "{login} cannot open the database (not in group {group}); run: "
                "{create}usermod -aG {group} {login}").format(
                login=person.login, group=group, create=create)))  # fmt: skip
        else:
            checks.append(Check(True, what, _("{role}, can open the database").format(
                role=ROLE_LABEL[person.role])))  # fmt: skip
    return checks


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


def forced_groups(root: Path) -> frozenset[str]:
    """Groups whose sshd ``Match Group`` block has a ForceCommand running bbdispatch."""
    found: set[str] = set()
    groups: list[str] = []
    current: Path | None = None
    for path, line in _sshd_lines(root)[0]:
        if path != current:  # a Match block ends with its file
            groups, current = [], path
        words = line.split()
        if words[0].lower() == "match":
            groups = []
            for key, value in zip(words[1::2], words[2::2], strict=False):
                if key.lower() == "group":
                    groups += value.split(",")
        elif words[0].lower() == "forcecommand" and "bbdispatch" in line:
            found.update(groups)
    return frozenset(found)


def check_ssh(root: Path, has_technicians: bool) -> Check:
    """Sshd gives technicians ``bbdispatch tech`` (a ForceCommand line) that can run."""
    lines, unreadable = _sshd_lines(root)
    for path, line in lines:
        if line.lower().startswith("forcecommand") and "bbdispatch" in line:
            return _force_command(root, path, line)
    if not has_technicians:
        return Check(True, _("ssh ForceCommand"), _("none needed: no technicians yet"))
    if unreadable:
        return _unchecked(_("ssh ForceCommand"), unreadable)
    return Check(False, _("ssh ForceCommand"), _(
        "no 'ForceCommand ... bbdispatch' in sshd_config: technicians would get a shell; "
        "see docs/deploy-ssh.md"))  # fmt: skip


def _force_command(root: Path, config: Path, line: str) -> Check:
    """The ForceCommand's program exists under ``root`` and everyone may run it."""
    what = _("ssh ForceCommand")
    try:
        program = shlex.split(line.split(None, 1)[1])[0]
    except (IndexError, ValueError):
        program = ""
    if not program.startswith("/"):
        return Check(True, what, f"{config}: {line}")
    target = root / program.lstrip("/")
    if not target.is_file():
        return Check(False, what, _(
            "{config}: {program} does not exist: technicians' logins would fail; "
            "create it as docs/deploy-ssh.md says").format(
            config=config, program=program))  # fmt: skip
    mode = stat.S_IMODE(target.stat().st_mode)
    if mode & 0o005 != 0o005:
        return Check(False, what, _(
            "{program} is {mode:o}: technicians cannot run it; run: chmod 755 {q}").format(
            program=program, mode=mode, q=shlex.quote(program)))  # fmt: skip
    return Check(True, what, f"{config}: {line}")


def check_scheduled(root: Path, db_path: Path, task: str, doc: str) -> Check:
    """A cron line or systemd service runs ``bbdispatch ... <task>`` on this database."""
    what = _("scheduled '{task}'").format(task=task)
    lines, unreadable = _readable_lines(_files(
        root,
        [
            "etc/crontab", "etc/cron.d/*", "var/spool/cron/crontabs/*", "var/spool/cron/*",
            "etc/systemd/system/*.service", "lib/systemd/system/*.service",
        ],
    ))  # fmt: skip
    for path, line in lines:
        if "bbdispatch" in line and f" {task}" in line:
            other_db = "--db" in line and str(db_path) not in line and db_path.name not in line
            if other_db:
                continue
            return Check(True, what, f"{path}: {line}")
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
    checks.append(check_ssh(root, bool(techs)))
    checks.append(check_scheduled(root, db.path, "schedule run", "docs/schedule.md"))
    checks.append(check_scheduled(root, db.path, "backup", "docs/backup.md"))
    checks.append(await check_imports(db))
    return checks


async def check_imports(db: Database) -> Check:
    """No client import was interrupted half-way (a killed ``import``)."""
    waiting = await interrupted_imports(db)
    if waiting:
        return Check(False, _("imports"), "; ".join(i.describe() for i in waiting))
    return Check(True, _("imports"), _("none interrupted"))
