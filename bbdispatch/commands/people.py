"""``bbdispatch people``: add the firm's people and list them, for admins and scripts."""

from __future__ import annotations

import argparse
from pathlib import Path

from bbdispatch.commands.choice import add_choice, category_choice, role_choice
from bbdispatch.commands.common import (
    EXIT_USAGE,
    CommandError,
    echo,
    echo_err,
    open_ctx,
    print_json,
    run,
)
from bbdispatch.commands.import_clients import (
    add_check_flag,
    problem_report,
    read_checked,
    warn_left_out,
)
from bbdispatch.domain.labels import ROLE_LABEL, width_of
from bbdispatch.domain.people import Role
from bbdispatch.i18n import _, ngettext
from bbdispatch.phones import InvalidPhoneNumber, parse_phone
from bbdispatch.pricelist import PriceListError
from bbdispatch.services.import_people import PeopleSummary, PersonRow, import_people, read_people
from bbdispatch.services.people import add_person, people, set_role
from bbdispatch.services.spreadsheet import ImportFileError, RowProblem, as_written, headers_of
from bbdispatch.storage.database import StorageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``people`` subcommand with ``add``, ``import``, ``role`` and ``list``."""
    parser = sub.add_parser("people", help=_("add or list dispatchers, technicians and admins"))
    actions = parser.add_subparsers(dest="people_command", metavar=_("ACTION"), required=True)
    add = actions.add_parser("add", help=_("add a person; LOGIN is their OS (SSH) login"))
    add.add_argument("login", metavar=_("LOGIN"), help=_("their OS (SSH) login"))
    add.add_argument("name", metavar=_("NAME"), help=_("first and last name"))
    add_choice(
        add, "--role", kind=role_choice(), metavar=_("ROLE"), default=Role.TECHNICIAN.value,
    )  # fmt: skip
    add.add_argument(
        "--skills",
        default="",
        metavar=_("SKILLS"),
        help=_("comma-separated: {choices}").format(choices=category_choice().shown()),
    )
    add.add_argument("--phone", metavar=_("NUMBER"), help=_("mobile number, e.g. 601 100 200"))
    add.add_argument("--remote-only", action="store_true", help=_("does no on-site work"))
    add.set_defaults(handler=handle_add)
    bulk = actions.add_parser(
        "import",
        help=_("add people from a CSV file (admins), all or nothing"),
        description=_(
            "Columns (header row, comma or semicolon; English or Polish names): "
            "login, name, role (technician/dispatcher/admin), skills (comma-separated), "
            "onsite (yes/no), phone. UTF-8 (with or without BOM), UTF-16 with BOM, "
            "Windows-1250 or ISO-8859-2."
        ),
    )
    bulk.add_argument("file", type=Path, metavar=_("FILE"), help=_("CSV file with a header row"))
    add_check_flag(bulk)
    bulk.set_defaults(handler=handle_import)
    role = actions.add_parser(
        "role",
        help=_("give a person another role (admins); recorded in the audit trail"),
        description=_(
            "The role counts only when bbdispatch gave it: a role written into the database "
            "by other means is not recorded in the audit trail, and the person acts with "
            "the recorded one (docs/rights.md). Setting it here records it again."
        ),
    )
    role.add_argument("login", metavar=_("LOGIN"), help=_("their OS (SSH) login"))
    add_choice(role, "role", kind=role_choice(), metavar=_("ROLE"))
    role.set_defaults(handler=handle_role)
    listing = actions.add_parser("list", help=_("everyone active"))
    listing.add_argument("--json", action="store_true", help=_("machine-readable output"))
    listing.set_defaults(handler=handle_list)


def handle_add(args: argparse.Namespace) -> int:
    """Add one person, checking skills and phone first."""
    try:
        skills = category_choice().many(args.skills)
    except argparse.ArgumentTypeError as err:
        return _usage(str(err))
    try:
        phone = parse_phone(args.phone) if args.phone else None
    except InvalidPhoneNumber as err:
        return _usage(str(err))

    async def body() -> int:
        async with open_ctx(args) as ctx:
            person_id = await add_person(
                ctx, args.login.strip(), args.name.strip(), Role(args.role),
                does_onsite=not args.remote_only, phone=phone, skills=skills,
            )  # fmt: skip
        echo(
            _("{login}: added as {role} (id {id})").format(
                login=args.login, role=ROLE_LABEL[Role(args.role)], id=person_id
            )
        )
        return 0

    return run(body)


def handle_role(args: argparse.Namespace) -> int:
    """Give one person a role, recorded in the audit trail."""

    async def body() -> int:
        async with open_ctx(args) as ctx:
            await set_role(ctx, args.login.strip(), Role(args.role))
        echo(_("{login}: now {role}").format(login=args.login, role=ROLE_LABEL[Role(args.role)]))
        return 0

    return run(body)


def handle_list(args: argparse.Namespace) -> int:
    """List active people, as a table or JSON."""

    async def body() -> int:
        async with open_ctx(args) as ctx:
            found = await people(ctx)
        if args.json:
            print_json(
                [
                    {
                        "id": p.id, "login": p.login, "name": p.name, "role": p.role.value,
                        "does_onsite": p.does_onsite, "phone": p.phone,
                        "skills": sorted(p.skills),
                    }
                    for p in found
                ]
            )  # fmt: skip
        else:
            role_w = width_of(ROLE_LABEL)
            for p in found:
                echo(f"{p.login:<12} {ROLE_LABEL[p.role]:<{role_w}} {p.name}")
        return 0

    return run(body)


def handle_import(args: argparse.Namespace) -> int:
    """Check the whole file, then add everyone not yet there in one transaction."""

    async def body() -> int:
        found = read_checked(args.file, read_people)
        warn_left_out(args.file, found.warnings)
        rows = found.rows
        if args.check or found.problems:
            # Both kinds of problem in one pass: the file's own and the database's.
            conflicts, plan = await _check_against_database(args, rows)
            if found.problems or conflicts:
                raise CommandError(problem_report(args.file, found.error(conflicts)))
            text = ngettext(
                "{f}: {n} person, no problems found",
                "{f}: {n} people, no problems found",
                len(rows),
            ).format(f=args.file, n=len(rows))
            if plan is not None:  # as the import would count them
                text += " " + _("(to add: {a}, will update: {u}, already there: {s})").format(
                    a=plan.added, u=plan.updated, s=plan.skipped
                )
            echo(text)
            return 0
        async with open_ctx(args) as ctx:
            try:
                summary = await import_people(ctx, rows)
            except ImportFileError as err:
                raise CommandError(problem_report(args.file, err)) from err
        echo(
            ngettext(
                "{f}: {a} person added, {u} updated, {s} already there",
                "{f}: {a} people added, {u} updated, {s} already there",
                summary.added,
            ).format(f=args.file, a=summary.added, u=summary.updated, s=summary.skipped)
        )
        return 0

    return run(body)


async def _check_against_database(
    args: argparse.Namespace, rows: list[PersonRow]
) -> tuple[tuple[RowProblem, ...], PeopleSummary | None]:
    """The file's good rows against the database, when there is one (roles that differ).

    Returns the problems found (none without a database), named as the file
    does, and what the import would add and skip (None without a database).
    """
    try:
        async with open_ctx(args) as ctx:
            plan = await import_people(ctx, rows, check=True)
    except ImportFileError as err:
        return err.problems, None
    except (StorageError, PriceListError):
        # No database to compare with: every login is new, so a row needs its name.
        unnamed = [
            RowProblem(r.line, "name", _("the name is empty."))
            for r in rows
            if "name" not in r.given
        ]
        return tuple(as_written(unnamed, headers_of(rows))), None
    return (), plan


def _usage(message: str) -> int:
    echo_err(f"bbdispatch: {message}")
    return EXIT_USAGE
