"""``bbdispatch import FILE.csv``: load an existing client list, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from bbdispatch.commands.common import CommandError, echo, open_ctx, run
from bbdispatch.i18n import _
from bbdispatch.services.import_clients import COLUMNS, import_clients, parse_client_csv


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` subcommand."""
    parser = sub.add_parser(
        "import",
        help="import clients from a CSV file",
        description="Columns (header row, comma or semicolon): " + ", ".join(COLUMNS),
    )
    parser.add_argument("file", type=Path, help="UTF-8 CSV file with a header row")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Check the whole file first, then import it in one transaction."""

    async def body() -> int:
        try:
            text = args.file.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise CommandError(
                _("{f}: not UTF-8 text (byte {pos}); save it as UTF-8").format(
                    f=args.file, pos=err.start
                )
            ) from err
        except OSError as err:
            raise CommandError(f"{args.file}: {err.strerror}") from err
        rows = parse_client_csv(text)
        async with open_ctx(args) as ctx:
            summary = await import_clients(ctx, rows)
        echo(
            _("{f}: {a} client(s) added, {s} already there").format(
                f=args.file, a=summary.added, s=summary.skipped
            )
        )
        return 0

    return run(body)
