"""``bbdispatch tech``: the technician's workspace, for sshd's ``ForceCommand``.

The technician is the OS login of the process; ``--as`` is for dispatchers and
admins giving support, never for technicians (checked before the first frame).
"""

from __future__ import annotations

import argparse

from bbdispatch.commands.act_as import SUB_DEST, ActAsOnce
from bbdispatch.i18n import _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``tech`` subcommand."""
    parser = sub.add_parser("tech", help=_("the technician's workspace (my jobs, timer, time)"))
    # Also accepted after the subcommand (once, and not as well as before it: act_as.merge).
    parser.add_argument(
        "--as", dest=SUB_DEST, action=ActAsOnce, metavar=_("LOGIN"), default=argparse.SUPPRESS,
        help=_("open LOGIN's workspace (dispatchers and admins only)"),
    )  # fmt: skip
    parser.add_argument(
        "--no-mouse", action="store_true", default=argparse.SUPPRESS,
        help=_("do not capture the mouse (plain terminals such as vt100)"),
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the technician TUI until the technician quits."""
    from bbdispatch.launch import run_tui

    return run_tui(args, "technician")
