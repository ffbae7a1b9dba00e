"""The firm's people: an admin exists, and each person's OS account can open the database."""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bbdispatch.domain.labels import ROLE_LABEL
from bbdispatch.domain.people import Role
from bbdispatch.i18n import _
from bbdispatch.services.doctor.accounts import TECH_GROUP, Account, Accounts, staff_group
from bbdispatch.services.doctor.check import Check, cannot_check
from bbdispatch.services.doctor.database_file import (
    database_access_problem,
    database_folders,
    unreachable_folder,
)
from bbdispatch.services.doctor.programs import program_exists, run_problem
from bbdispatch.storage import people as people_store
from bbdispatch.storage.database import Database


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
    folders: Callable[[Path], list[Path]] = database_folders,
    program: str | None = None,
    root: Path = Path("/"),
) -> list[Check]:
    """An admin exists; every person's OS account exists and can open the database.

    ``forced``: groups sshd forces into ``bbdispatch tech`` (its ``Match Group``
    blocks with a ForceCommand). Everyone who opens the database joins its
    group; technicians also join a forced group, and office accounts stay out
    of every forced group (docs/deploy-ssh.md). ``unread``: sshd files this
    login could not read, so ``forced`` may lack a group: an office account,
    whose advice depends on it, is then not judged. ``folders``: the folders
    a login passes to reach the database (:func:`database_folders`; a test
    judges them from its own folder down). ``program``: the bbdispatch program
    office accounts run (absolute, read under ``root``); a dispatcher or admin
    who can open the database but not run it (a venv under a private folder)
    gets one FIX line saying why (:func:`~.programs.run_problem`, the check the
    technicians' ForceCommand gets). None, or a program not there under
    ``root``, is not judged.
    """
    checks: list[Check] = []
    if program is not None and not program_exists(root, program):
        program = None
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
            checks.append(cannot_check(what, list(unread)))
            continue
        found = _person_check(person.login, person.role, account, path, info, accounts, forced)
        if found is not None:
            checks.append(found)
            continue
        assert account is not None
        if (blocked := unreachable_folder(path, account, folders)) is not None:
            folder, fmode = blocked
            checks.append(Check(False, what, _(
                "{login} cannot reach the database: {folder} is {mode:o}, which does not let them "
                "through; run: chmod o+x {q}, or keep the database in a folder such as "
                "/srv/bbdispatch (docs/deploy-ssh.md)").format(
                login=person.login, folder=folder, mode=fmode,
                q=shlex.quote(str(folder)))))  # fmt: skip
        elif (denied := database_access_problem(path, account, group)) is not None:
            checks.append(Check(False, what, denied))
        elif (
            office
            and program is not None
            and account.uid != 0
            and (cannot := run_problem(root, program, account)) is not None
        ):
            checks.append(Check(False, what, _(
                "{role}, can open the database, but {problem}").format(
                role=ROLE_LABEL[person.role], problem=cannot)))  # fmt: skip
        else:
            checks.append(Check(True, what, _("{role}, can open the database").format(
                role=ROLE_LABEL[person.role])))  # fmt: skip
    return checks


async def trusted_roles(db: Database) -> dict[str, Role]:
    """Every active person's login and the role they act with (the audit trail's, at most)."""
    from bbdispatch.services.rights import trusted_role

    return {p.login: (await trusted_role(db, p)).role for p in await people_store.all_people(db)}
