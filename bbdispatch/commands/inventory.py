"""``bbdispatch inventory``: load a software export on a job; show what changed for a client."""

from __future__ import annotations

import argparse
from pathlib import Path

from bbdispatch.clock import format_local
from bbdispatch.commands.common import CommandError, echo, open_ctx, print_json, run
from bbdispatch.i18n import _
from bbdispatch.services.inventory import InventoryReport, inventory_report, load_inventory


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``inventory`` subcommand with ``load`` and ``diff``."""
    parser = sub.add_parser("inventory", help=_("software inventories of clients"))
    actions = parser.add_subparsers(dest="inventory_action", metavar=_("ACTION"), required=True)
    load = actions.add_parser(
        "load",
        help=_("load a software list (Get-Package CSV, wmic text, name,version CSV) on a job"),
    )
    load.add_argument(
        "--job", type=int, required=True, metavar=_("ID"), help=_("the inventory job")
    )
    load.add_argument("file", type=Path, metavar=_("FILE"), help=_("the export (UTF-16 or UTF-8)"))
    load.add_argument("--json", action="store_true", help=_("print the diff as JSON"))
    load.set_defaults(handler=handle_load)
    diff = actions.add_parser("diff", help=_("what changed since the client's previous inventory"))
    diff.add_argument("--client", type=int, required=True, metavar=_("ID"), help=_("client id"))
    diff.add_argument("--json", action="store_true", help=_("print as JSON"))
    diff.set_defaults(handler=handle_diff)


def handle_load(args: argparse.Namespace) -> int:
    """Read the file, store it on the job's client and print the difference."""

    async def body() -> int:
        try:
            data = args.file.read_bytes()
        except OSError as err:
            raise CommandError(
                _("cannot read {path}: {err}").format(path=args.file, err=err.strerror)
            ) from err
        async with open_ctx(args) as ctx:
            report = await load_inventory(ctx, args.job, data, args.file.name)
        _print(report, args.json)
        return 0

    return run(body)


def handle_diff(args: argparse.Namespace) -> int:
    """Print the client's newest inventory against the previous one."""

    async def body() -> int:
        async with open_ctx(args) as ctx:
            report = await inventory_report(ctx, args.client)
        _print(report, args.json)
        return 0

    return run(body)


def report_json(report: InventoryReport) -> dict[str, object]:
    """The report in the JSON shape scripts read."""
    latest, previous, diff = report.latest, report.previous, report.diff
    return {
        "client_id": report.client_id,
        "latest": {"id": latest.id, "job": latest.job_id, "loaded_at": latest.loaded_at.isoformat(),
                   "programs": len(latest.software.items)},
        "previous": None if previous is None else {
            "id": previous.id, "job": previous.job_id,
            "loaded_at": previous.loaded_at.isoformat(), "programs": len(previous.software.items),
        },
        "added": [{"name": i.name, "version": i.version} for i in diff.added],
        "removed": [{"name": i.name, "version": i.version} for i in diff.removed],
        "changed": [{"name": c.name, "old_version": c.old_version, "new_version": c.new_version}
                    for c in diff.changed],
        "unchanged": diff.unchanged,
    }  # fmt: skip


def _print(report: InventoryReport, as_json: bool) -> None:
    if as_json:
        print_json(report_json(report))
        return
    latest, previous, diff = report.latest, report.previous, report.diff
    echo(
        _("inventory {id} of {at}: {n} programs").format(
            id=latest.id, at=format_local(latest.loaded_at), n=len(latest.software.items)
        )
    )
    if previous is None:
        echo(_("no earlier inventory to compare with"))
        return
    echo(
        _("compared with inventory {id} of {at}").format(
            id=previous.id, at=format_local(previous.loaded_at)
        )
    )
    for item in diff.added:
        echo(f"+ {item.name} {item.version}".rstrip())
    for item in diff.removed:
        echo(f"- {item.name} {item.version}".rstrip())
    for change in diff.changed:
        echo(f"~ {change.name} {change.old_version} -> {change.new_version}")
    echo(
        _("{a} added, {r} removed, {c} changed, {u} unchanged").format(
            a=len(diff.added), r=len(diff.removed), c=len(diff.changed), u=diff.unchanged
        )
    )
