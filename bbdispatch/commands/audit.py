"""``bbdispatch audit verify``: is the audit trail's hash chain intact?

For the admin's cron and monitoring: exit 0 on an intact trail, 1 with one
line naming the first broken row, or one line per person whose role was
written into the database outside bbdispatch (``docs/rights.md``). ``--seal``
(admins) then writes the head to ``<database>.audit-head`` (``docs/audit.md``).
"""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import CommandError, echo, echo_err, open_ctx, print_json, run
from bbdispatch.i18n import _, ngettext
from bbdispatch.services.audit import (
    read_seal,
    role_mismatches,
    roles_since_seal,
    seal_path,
    seal_trail,
    verify_trail,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit verify``."""
    parser = sub.add_parser("audit", help=_("the audit trail: verify its hash chain"))
    actions = parser.add_subparsers(dest="audit_command", metavar=_("ACTION"), required=True)
    check = actions.add_parser("verify", help=_("exit 0 when no audit row was changed or deleted"))
    check.add_argument("--json", action="store_true", help=_("print the outcome as JSON"))
    check.add_argument(
        "--seal", action="store_true", help=_("then write the head beside the database (admins)")
    )
    check.set_defaults(handler=handle_verify)


def handle_verify(args: argparse.Namespace) -> int:
    """Verify (and with ``--seal`` seal) the trail."""

    async def body() -> int:
        async with open_ctx(args) as ctx:
            had_seal = read_seal(seal_path(ctx.db.path)) is not None
            result = await verify_trail(ctx)
            roles = await role_mismatches(ctx)  # roles written outside bbdispatch
            given = await roles_since_seal(ctx)  # to look at before sealing over them
            sealed = await seal_trail(ctx) if args.seal and result.ok else None
        if args.json:
            print_json(
                {
                    "ok": result.ok,
                    "rows": result.rows,
                    "head": None if result.head is None
                    else {"id": result.head.id, "chain_hash": result.head.chain_hash},
                    "broken_id": result.broken_id,
                    "problem": result.problem or None,
                    "erased": result.erased,
                    "sealed": sealed is not None,
                    "seal_checked": had_seal,
                    "roles": roles,
                    "roles_since_seal": given,
                }
            )  # fmt: skip
            return 0 if result.ok and not roles else 1
        if not result.ok:
            raise CommandError(result.problem)
        head = "" if result.head is None else _(", head row {id}").format(id=result.head.id)
        echo(
            ngettext(
                "audit trail intact: {rows} row{head}",
                "audit trail intact: {rows} rows{head}",
                result.rows,
            ).format(rows=result.rows, head=head)
            + (_(", {n} erased for privacy").format(n=result.erased) if result.erased else "")
            + (_(", sealed") if sealed else "")
            + (
                ""
                if had_seal or sealed
                else _(", no seal: rows may have been rewritten (docs/audit.md)")
            )
        )
        for line in given:
            echo(line)
        for line in roles:
            echo_err(f"bbdispatch: {line}")
        return 1 if roles else 0

    return run(body)
