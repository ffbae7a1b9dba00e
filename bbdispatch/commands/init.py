"""``bbdispatch init``: create or migrate the database, and name its first admin."""

from __future__ import annotations

import argparse
import os
import pwd
from pathlib import Path

from bbdispatch.commands.common import EXIT_USAGE, CommandError, echo, echo_err, open_ctx, run
from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _, asked_language
from bbdispatch.paths import database_target
from bbdispatch.services.bootstrap import (
    AdminOutcome,
    check_login,
    ensure_first_admin,
    only_root_names_another,
    os_account_exists,
)
from bbdispatch.services.people import os_login
from bbdispatch.services.settings import adopt_firm_language
from bbdispatch.storage.database import align_open_lock


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``init`` subcommand."""
    parser = sub.add_parser(
        "init",
        help=_("create or migrate the database; the first admin is you or --admin LOGIN"),
    )
    parser.add_argument(
        "--admin",
        metavar=_("LOGIN"),
        help=_("OS login of the first admin (default: the login running init)"),
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Create or migrate, make the first admin if there is none, and say so."""

    async def body() -> int:
        login = args.admin or os_login()
        if args.admin is not None:  # checked before a database file is made
            try:
                check_login(args.admin)
            except DomainError as err:
                raise CommandError(f"--admin: {err}", EXIT_USAGE) from err
        root = os.getuid() == 0
        target = database_target(args.db)
        if not root and login != os_login() and isinstance(target, Path) and _is_new(target):
            # Refused before the file exists: its creator would own it.
            raise CommandError(only_root_names_another())
        owns, owner = _owns(target, root)
        async with open_ctx(args, create=True) as ctx:
            version = await ctx.db.schema_version()
            shown = ctx.db.display_name
            first = await ensure_first_admin(
                ctx, login, named=args.admin is not None, may_name_another=root,
                owns_database=owns, owner=owner,
            )  # fmt: skip
            asked = asked_language()
            if asked is not None:  # a firm set up on a Polish machine speaks Polish
                await adopt_firm_language(ctx, asked)
        if isinstance(target, Path):  # the lock in the database's group, as the file
            align_open_lock(target)
        echo(_("{path}: schema {version}").format(path=shown, version=version))
        if first.outcome is AdminOutcome.CREATED:
            echo(
                _("{login} is the first admin (added as a person of the firm).").format(login=login)
            )
        elif first.outcome is AdminOutcome.PROMOTED:
            echo(_("{login} is now the first admin.").format(login=login))
        elif first.admins:
            echo(_("admins: {admins}").format(admins=", ".join(first.admins)))
        else:  # who the admins are is not for everyone to learn
            echo(_("This database has an admin already."))
        if args.admin is not None and not os_account_exists(login):
            echo_err(
                _(
                    "warning: this machine has no OS account {login}; bbdispatch knows people "
                    "by their OS login, so create it before they start: useradd -m {login}"
                ).format(login=login)
            )
        return 0

    return run(body)


def _is_new(path: Path) -> bool:
    """Whether ``init`` would create the database file (missing, or an empty file)."""
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _owns(target: Path | str, root: bool) -> tuple[bool | None, str | None]:
    """Whether this process may make the first admin of ``target``, and the file's owner.

    Root may; so may the owner of the database file, and whoever creates it
    now (``init`` on a new file). Anyone else who can write an existing file
    (a technician of a database upgraded from a version without admins) may
    not. A server's database has no file owner: None (the service decides).
    """
    if root:
        return True, None
    if not isinstance(target, Path):
        return None, None
    if _is_new(target):
        return True, None
    try:
        uid = target.stat().st_uid
    except OSError:
        return False, None
    try:
        owner = pwd.getpwuid(uid).pw_name
    except KeyError:
        owner = str(uid)
    return uid == os.getuid(), owner
