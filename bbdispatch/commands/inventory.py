"""``bbdispatch inventory``: load a computer's software list on an inventory run; show and diff.

``load --job ID [--host H] FILE`` stores a list for one computer of the job's
client; ``diff --client ID [--host H]`` shows each computer against its own
previous list; ``show --client ID [--host H] [--json|--csv]`` lists the full
newest inventory of each computer.
"""

from __future__ import annotations

import argparse
import csv
import io
from datetime import datetime
from pathlib import Path

from bbdispatch.clock import format_local, local
from bbdispatch.commands.common import echo, print_json, run
from bbdispatch.commands.office import office_ctx, positive_id
from bbdispatch.i18n import _, ngettext
from bbdispatch.services.inventory import (
    InventoryReport,
    full_inventory,
    inventory_reports,
    load_inventory_file,
)
from bbdispatch.text import spreadsheet_cell


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``inventory`` subcommand with ``load`` and ``diff``."""
    parser = sub.add_parser("inventory", help=_("software inventories of clients"))
    actions = parser.add_subparsers(dest="inventory_action", metavar=_("ACTION"), required=True)
    load = actions.add_parser(
        "load",
        help=_("load a software list (Get-Package CSV, wmic text, name,version CSV) on a job"),
    )
    load.add_argument(
        "--job", type=positive_id, required=True, metavar=_("ID"), help=_("the inventory job")
    )
    load.add_argument("file", type=Path, metavar=_("FILE"), help=_("the export (UTF-16 or UTF-8)"))
    load.add_argument(
        "--host", metavar=_("NAME"),
        help=_("the computer the list comes from (needed when the file does not name it)"),
    )  # fmt: skip
    load.add_argument("--json", action="store_true", help=_("print the diff as JSON"))
    load.set_defaults(handler=handle_load)
    diff = actions.add_parser(
        "diff", help=_("what changed on each computer since its previous inventory")
    )
    diff.add_argument(
        "--client", type=positive_id, required=True, metavar=_("ID"), help=_("client id")
    )
    diff.add_argument("--host", metavar=_("NAME"), help=_("only this computer"))
    diff.add_argument("--json", action="store_true", help=_("print as JSON"))
    diff.set_defaults(handler=handle_diff)
    show = actions.add_parser(
        "show", help=_("the full newest inventory of each computer of a client")
    )
    show.add_argument(
        "--client", type=positive_id, required=True, metavar=_("ID"), help=_("client id")
    )
    show.add_argument("--host", metavar=_("NAME"), help=_("only this computer"))
    shape = show.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help=_("print as JSON"))
    shape.add_argument(
        "--csv", action="store_true", help=_("print as CSV: host,name,version,loaded_at")
    )
    show.set_defaults(handler=handle_show)


def handle_load(args: argparse.Namespace) -> int:
    """Check the right and the job, read the file, store it on the client, print the difference."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            # The service checks the right and the job before it opens the file.
            report = await load_inventory_file(ctx, args.job, args.file, args.host)
        if args.json:
            print_json(report_json(report))
        else:
            _print(report)
        return 0

    return run(body)


def handle_diff(args: argparse.Namespace) -> int:
    """Print each computer's newest inventory against its own previous one."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            reports = await inventory_reports(ctx, args.client, args.host)
        if args.json:
            print_json([report_json(r) for r in reports])
            return 0
        for number, report in enumerate(reports):
            if number:
                echo()
            _print(report)
        return 0

    return run(body)


def _when(moment: datetime) -> str:
    """A moment for scripts: ISO 8601 in the firm's zone, with its offset (``…T09:42:00+01:00``)."""
    return local(moment).isoformat(timespec="seconds")


def handle_show(args: argparse.Namespace) -> int:
    """Print the newest list of each computer: text, JSON or CSV."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            lists = await full_inventory(ctx, args.client, args.host)
        if args.json:
            print_json(
                [
                    {
                        "host": info.host, "inventory": info.id, "job": info.job_id,
                        "loaded_at": _when(info.loaded_at),
                        "programs": [
                            {"name": i.name, "version": i.version} for i in info.software.items
                        ],
                    }
                    for info in lists
                ]
            )  # fmt: skip
        elif args.csv:
            echo(_csv_line(["host", "name", "version", "loaded_at"]))
            for info in lists:
                for item in info.software.items:
                    echo(_csv_line([info.host, item.name, item.version,
                                    _when(info.loaded_at)]))  # fmt: skip
        else:
            for number, info in enumerate(lists):
                if number:
                    echo()
                echo(
                    ngettext(
                        "{host}: inventory {id} of {at}, {n} program",
                        "{host}: inventory {id} of {at}, {n} programs",
                        len(info.software.items),
                    ).format(
                        host=info.host or _("(unnamed computer)"), id=info.id,
                        at=format_local(info.loaded_at), n=len(info.software.items),
                    )
                )  # fmt: skip
                for item in info.software.items:
                    echo(f"  {item.name}  {item.version}".rstrip())
        return 0

    return run(body)


def report_json(report: InventoryReport) -> dict[str, object]:
    """The report in the JSON shape scripts read."""
    latest, previous, diff = report.latest, report.previous, report.diff
    return {
        "client_id": report.client_id,
        "host": latest.host,
        "latest": {"id": latest.id, "job": latest.job_id, "loaded_at": _when(latest.loaded_at),
                   "programs": len(latest.software.items)},
        "previous": None if previous is None else {
            "id": previous.id, "job": previous.job_id,
            "loaded_at": _when(previous.loaded_at), "programs": len(previous.software.items),
        },
        "added": [{"name": i.name, "version": i.version} for i in diff.added],
        "removed": [{"name": i.name, "version": i.version} for i in diff.removed],
        "changed": [{"name": c.name, "old_version": c.old_version, "new_version": c.new_version}
                    for c in diff.changed],
        "unchanged": diff.unchanged,
    }  # fmt: skip


def _print(report: InventoryReport) -> None:
    latest, previous, diff = report.latest, report.previous, report.diff
    echo(
        ngettext(
            "{host}: inventory {id} of {at}: {n} program",
            "{host}: inventory {id} of {at}: {n} programs",
            len(latest.software.items),
        ).format(
            host=latest.host or _("(unnamed computer)"), id=latest.id,
            at=format_local(latest.loaded_at), n=len(latest.software.items),
        )
    )  # fmt: skip
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


def _csv_line(cells: list[str]) -> str:
    """One CSV row; cells a spreadsheet would run as formulas are neutralised."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([spreadsheet_cell(c) for c in cells])
    return out.getvalue()
