"""``bbdispatch assessments add``: a client's needs assessment, before a service contract."""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import echo, print_json, run
from bbdispatch.commands.office import day, office_ctx, one_line_errors, positive_id
from bbdispatch.domain.errors import FieldError
from bbdispatch.i18n import _
from bbdispatch.services.contracts import add_assessment


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``assessments add``."""
    parser = one_line_errors(sub.add_parser("assessments", help=_("clients' needs assessments")))
    actions = parser.add_subparsers(dest="assessments_command", metavar=_("ACTION"), required=True)
    add = one_line_errors(actions.add_parser("add", help=_("record a needs assessment")))
    add.add_argument("--client", type=positive_id, required=True, metavar=_("ID"))
    add.add_argument(
        "--rules", required=True, metavar=_("TEXT"), help=_("the agreed rules of work")
    )
    add.add_argument(
        "--needs", metavar=_("TEXT"), help=_("the client's IT needs (default: the rules)")
    )
    add.add_argument("--on", type=day, metavar=_("DATE"), help=_("assessed on (default: today)"))
    add.add_argument("--json", action="store_true", help=_("print the new id as JSON"))
    add.set_defaults(handler=handle_add)


def handle_add(args: argparse.Namespace) -> int:
    """Record the assessment; prints its id."""

    async def body() -> int:
        needs = args.rules if args.needs is None else args.needs
        async with office_ctx(args) as ctx:
            if not args.rules.strip():
                # --needs defaults to the rules: an empty --rules is not --needs' fault.
                raise FieldError("rules", _("Describe the agreed rules of work."))
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
