"""``bbdispatch language [pl|en]``: show or set the firm's language."""

from __future__ import annotations

import argparse

from bbdispatch.commands.choice import add_choice, language_choice
from bbdispatch.commands.common import echo, open_ctx, run
from bbdispatch.i18n import _
from bbdispatch.services.settings import firm_language, set_firm_language


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``language`` subcommand."""
    parser = sub.add_parser(
        "language",
        help=_("show or set the firm's language (for sessions whose locale asks for none)"),
    )
    add_choice(
        parser, "value", kind=language_choice(), metavar=_("LANGUAGE"), nargs="?",
        help=_("the new language (admins only)"),
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the firm's language, or set it when one is given."""

    async def body() -> int:
        async with open_ctx(args) as ctx:
            if args.value is not None:
                await set_firm_language(ctx, args.value)
            current = await firm_language(ctx)
        echo(current or _("(not set)"))
        return 0

    return run(body)
