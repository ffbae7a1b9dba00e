"""``--as LOGIN`` taken once: a second one, before or after the command, is refused.

A support session acts with exactly one person's rights (``docs/rights.md``).
``bbdispatch --as anna --as piotr …`` or ``bbdispatch --as anna tech --as piotr``
used to keep the last one silently, so whoever typed it could not tell whose
rights the command ran with. Both places ``--as`` is accepted (before any
command, and after ``tech``) use :class:`ActAsOnce`; the value given after
``tech`` lands in :data:`SUB_DEST` and :func:`merge` moves it to ``act_as``,
refusing it when the global one was given too.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from bbdispatch.i18n import _

SUB_DEST = "sub_act_as"
"""Where a subcommand's own ``--as`` stores its login until :func:`merge`."""


def twice() -> str:
    """The one line of a repeated ``--as``."""
    return _("given more than once; name one login to act as, once: bbdispatch --as LOGIN COMMAND")


class ActAsOnce(argparse.Action):
    """Store ``--as LOGIN``, refusing a second ``--as`` in the same parser."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        """Keep the login; raise ``ArgumentError`` (a usage error) when one is already set."""
        if getattr(namespace, self.dest, None) not in (None, argparse.SUPPRESS):
            raise argparse.ArgumentError(self, twice())
        setattr(namespace, self.dest, values)


def merge(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Move a subcommand's ``--as`` to ``act_as``; both given: a one-line usage error (exit 2)."""
    sub = getattr(args, SUB_DEST, None)
    if sub is None:
        return
    delattr(args, SUB_DEST)
    if getattr(args, "act_as", None) is not None:
        parser.error(f"--as: {twice()}")
    args.act_as = sub
