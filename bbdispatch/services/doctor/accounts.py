"""OS accounts and groups, and what the kernel lets an account do with a file."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from bbdispatch.services.doctor.system_files import file_lines_or_none


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
        for line in file_lines_or_none(root / "etc" / "passwd"):
            parts = line.split(":")
            if len(parts) >= 4 and parts[2].isdigit() and parts[3].isdigit():
                self.users[parts[0]] = (int(parts[2]), int(parts[3]))
        for line in file_lines_or_none(root / "etc" / "group"):
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


TECH_GROUP = "bbdispatch-tech"
"""The group sshd forces into ``bbdispatch tech`` (docs/deploy-ssh.md): technicians only.

Kept apart from the database's group, which office accounts join too: a
dispatcher in a forced group would get the technician's screen over ssh."""


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


ANYONE = Account("", -1, -1, frozenset())
"""An account that owns nothing and is in no group: the ``others`` bits alone."""
