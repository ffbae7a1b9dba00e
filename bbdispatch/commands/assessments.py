"""``bbdispatch assessments add``: a client's needs assessment, before a service contract."""

from __future__ import annotations

import argparse
import sys

from bbdispatch.clock import local_today
from bbdispatch.commands.common import echo, print_json, run
from bbdispatch.commands.office import day, office_ctx, one_line_errors, positive_id
from bbdispatch.domain.errors import FieldError
from bbdispatch.i18n import _
from bbdispatch.services.contracts import add_assessment, record_assessment


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``assessments add`` and ``assessments waive``."""
    parser = one_line_errors(sub.add_parser("assessments", help=_("clients' needs assessments")))
    actions = parser.add_subparsers(dest="assessments_command", metavar=_("ACTION"), required=True)
    add = one_line_errors(actions.add_parser("add", help=_("record a needs assessment")))
    add.add_argument(
        "--client", type=positive_id, required=True, metavar=_("ID"), help=_("the client's id")
    )
    add.add_argument(
        "--rules", required=True, metavar=_("TEXT"), help=_("the agreed rules of work")
    )
    add.add_argument(
        "--needs",
        metavar=_("TEXT"),
        help=_("the client's IT needs (default: as the rules; - reads them from standard input)"),
    )
    add.add_argument("--on", type=day, metavar=_("DATE"), help=_("assessed on (default: today)"))
    add.add_argument("--json", action="store_true", help=_("print the new id as JSON"))
    add.set_defaults(handler=handle_add)
    waive = one_line_errors(
        actions.add_parser("waive", help=_("record that a client's needs assessment is waived"))
    )
    waive.add_argument(
        "--client", type=positive_id, required=True, metavar=_("ID"), help=_("the client's id")
    )
    waive.add_argument("--reason", required=True, metavar=_("TEXT"), help=_("why it is waived"))
    waive.add_argument("--on", type=day, metavar=_("DATE"), help=_("decided on (default: today)"))
    waive.add_argument("--json", action="store_true", help=_("print the new id as JSON"))
    waive.set_defaults(handler=handle_waive)


def _needs(given: str | None, rules: str) -> str:
    """The needs as given, read from standard input for ``--needs -``, else the rules.

    The issue's command is ``assessments add --client ID --rules TEXT``: the
    agreed rules answer the client's needs, so without ``--needs`` the needs
    on file are the rules (the database keeps no assessment without needs).

    Raises:
        FieldError: ``needs`` given but empty.
    """
    if given is None:
        return rules
    text = sys.stdin.read() if given == "-" else given
    if not text.strip():
        raise FieldError("needs", _("Describe the client's IT needs."))
    return text


def handle_add(args: argparse.Namespace) -> int:
    """Record the assessment; prints its id."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            needs = _needs(args.needs, args.rules)  # the service refuses empty rules
            assessment_id = await add_assessment(ctx, args.client, needs, args.rules, args.on)
        if args.json:
            print_json({"id": assessment_id})
        else:
            echo(
                _("assessment {id} recorded for client {client}").format(
                    id=assessment_id, client=args.client
                )
            )
        return 0

    return run(body)


def handle_waive(args: argparse.Namespace) -> int:
    """Record a waiver (a service contract may then be signed without an assessment)."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            assessment_id = await record_assessment(
                ctx, args.client, args.on or local_today(ctx.clock), "", "",
                waived=True, waiver_reason=args.reason,
            )  # fmt: skip
        if args.json:
            print_json({"id": assessment_id})
        else:
            echo(
                _("needs assessment waived for client {client} ({id})").format(
                    client=args.client, id=assessment_id
                )
            )
        return 0

    return run(body)
