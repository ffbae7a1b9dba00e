"""How the command line's human lists write a cell: one place for moments and fitted text.

Every list a person reads (``calls``, ``callbacks``, ``jobs``, ``clients``,
``contracts``, the client card) writes a moment as the firm's local time in the
session's language (``30.11.2026 14:05`` / ``30/11/2026 14:05``) and cuts a
text that is longer than its column with ``…``, so a reader knows there is
more. ``--json`` keeps ISO 8601 with the offset; it does not come here.
"""

from __future__ import annotations

from datetime import datetime

from bbdispatch.clock import format_local
from bbdispatch.text import fit, printable


def when(moment: datetime | None) -> str:
    """A moment for a person: local date and time in the session's format; empty for None."""
    return format_local(moment)


def cell(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: cut with ``…`` when longer, padded when shorter.

    Control characters are made visible first (:func:`bbdispatch.text.printable`),
    so the cut counts what the terminal shows.
    """
    return fit(printable(text), width, pad=True)


def last(text: str, width: int) -> str:
    """The last column of a line: cut with ``…`` when longer than ``width``, never padded."""
    return fit(printable(text), width)


__all__ = ["cell", "last", "when"]
