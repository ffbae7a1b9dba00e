"""``bbdispatch backup`` and ``bbdispatch restore``: the database copied safely and put back."""

from __future__ import annotations

import argparse
from pathlib import Path

from bbdispatch.commands.common import EXIT_USAGE, CommandError, echo, echo_err, open_ctx, run
from bbdispatch.commands.office import whole_number
from bbdispatch.i18n import _
from bbdispatch.paths import database_target, default_db_path
from bbdispatch.services.people import os_login
from bbdispatch.services.safekeeping import (
    DEFAULT_KEEP,
    ON_A_SERVER,
    UnsafeFolder,
    backup,
    check_may_restore,
    restore,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``backup`` and ``restore`` subcommands."""
    parser = sub.add_parser(
        "backup",
        help=_("copy the database safely while others work (admins)"),
        description=_(
            "A consistent, verified copy. Without --output it goes to a dated file "
            "in the backups folder beside the database, and older ones beyond --keep are deleted."
        ),
    )
    parser.add_argument("--output", metavar=_("FILE"), help=_("write the copy here"))
    parser.add_argument(
        "--keep",
        type=_signed_whole_number,
        metavar=_("N"),
        help=_("dated backups to keep in the backups folder (default {n})").format(n=DEFAULT_KEEP),
    )
    parser.set_defaults(handler=handle_backup)
    again = sub.add_parser(
        "restore",
        help=_("put a backup in place of the database (admins; nobody may have it open)"),
        description=_(
            "Checks the file, refuses a newer schema or a database in use, and "
            "keeps the replaced database aside as <name>.before-restore-<time>."
        ),
    )
    again.add_argument(
        "file", type=Path, metavar=_("FILE"), help=_("a file made by 'bbdispatch backup'")
    )
    again.set_defaults(handler=handle_restore)


def _signed_whole_number(text: str) -> int:
    """``--keep``: a whole number, a negative one too, so that it is refused by its rule."""
    if text.strip().removeprefix("-").isdigit():
        return int(text)
    return whole_number(text)


def handle_backup(args: argparse.Namespace) -> int:
    """Make, verify and rotate one backup; print where it is."""
    if args.output is not None and not args.output.strip():
        return _usage(_("--output needs a file name"))
    if args.keep is not None and args.keep < 1:
        return _usage(_("--keep must be 1 or more"))
    if args.keep is not None and args.output is not None:
        return _usage(_("--keep rotates the backups folder; it does not go with --output"))

    async def body() -> int:
        async with open_ctx(args) as ctx:
            try:
                output = None if args.output is None else Path(args.output)
                done = await backup(ctx, output=output, keep=args.keep)
            except UnsafeFolder as err:
                raise CommandError(str(err), EXIT_USAGE) from err
        echo(
            _("{path}: {size} bytes, schema {schema}, integrity ok, {audit} audit rows").format(
                path=done.path,
                size=done.size,
                schema=done.check.schema_version,
                audit=done.check.audit_rows,
            )
        )
        for old in done.removed:
            echo(_("removed old backup {path}").format(path=old))
        return 0

    return run(body)


def handle_restore(args: argparse.Namespace) -> int:
    """Restore a backup into the ``--db`` database."""
    if isinstance(database_target(args.db), str):
        echo_err("bbdispatch: " + _(ON_A_SERVER))
        return 1
    target = default_db_path(args.db)

    async def body() -> int:
        act_as = getattr(args, "act_as", None)
        if act_as is not None and act_as != os_login():
            # The database may be missing or broken, so no session can be built
            # to act as someone else: restoring is done as yourself.
            raise CommandError(_("Not allowed: a support session (--as) may not restore a backup."))
        await check_may_restore(target, os_login())  # the right before the file
        if not args.file.is_file():
            if args.file.exists():
                raise CommandError(
                    _(
                        "{path} is not a regular file; name a file made by 'bbdispatch backup'"
                    ).format(path=args.file)
                )
            raise CommandError(_("{path}: no such file").format(path=args.file))
        done = await restore(args.file, target, os_login())
        echo(
            _("{path}: restored from {file} (schema {schema}, {audit} audit rows)").format(
                path=done.path, file=args.file, schema=done.migrated_to, audit=done.check.audit_rows
            )
        )
        if done.kept_aside is not None:
            echo(_("the replaced database is kept as {path}").format(path=done.kept_aside))
        return 0

    return run(body)


def _usage(message: str) -> int:
    echo_err(f"bbdispatch: {message}")
    return EXIT_USAGE
