"""The ``bbdispatch`` command: the dispatcher TUI and its scriptable subcommands.

Textual is imported only when a TUI starts, so ``ring`` from a phone system or
``schedule run`` from cron start in a fraction of the time.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bbdispatch import __version__

SUBCOMMANDS = (
    "init", "demo", "pricelist", "tech", "people", "ring", "lookup", "import_clients",
    "schedule", "inventory", "contracts", "report", "backup", "calendar", "clients",
    "assessments", "jobs", "time",
)  # fmt: skip
"""Modules of :mod:`bbdispatch.commands`, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, subcommands included."""
    parser = argparse.ArgumentParser(
        prog="bbdispatch",
        description="Terminal dispatcher for an IT-services firm. "
        "Without a subcommand, starts the dispatcher.",
    )
    parser.add_argument("--version", action="version", version=f"bbdispatch {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="database file (default: $BBDISPATCH_DB, else user data dir)"
    )
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    parser.add_argument(
        "--as", dest="act_as", metavar="LOGIN", help="work as another user (dispatchers and admins)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"bbdispatch.commands.{name}")
        module.register(sub)
    return parser


def _tui_only(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The options when the command starts the dispatcher TUI, else ``None``.

    Starting the TUI needs none of the subcommands, and importing them all (each
    with its services) would slow down every cold start, so only the global
    options are parsed here; anything else goes to the full parser.
    """
    tui = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    tui.add_argument("--db")
    tui.add_argument("--no-mouse", action="store_true")
    tui.add_argument("--as", dest="act_as")
    try:
        args, rest = tui.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):  # a bad option: the full parser explains
        return None
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bbdispatch`` console script."""
    fast = _tui_only(argv)
    if fast is not None:
        from bbdispatch.launch import run_dispatcher

        return run_dispatcher(fast)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        from bbdispatch.launch import run_dispatcher

        return run_dispatcher(args)
    result: int = handler(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
