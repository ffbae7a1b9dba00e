"""Record ids typed by people and scripts: one reading for every front end.

Every table's id is a 64-bit signed integer on both backends (SQLite's
INTEGER, PostgreSQL's BIGINT), and every id the database hands out is
positive. An id outside ``1 … 2**63 - 1`` can name no record, yet passed on it
ended in the driver's own error, worded per backend (SQLite's "Python int too
large to convert to SQLite INTEGER", asyncpg's "value out of int64 range")
with exit 1 (issue 13/19). Reading typed ids here refuses such an id exactly
as a word that is not a number is refused.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1
"""The largest id a record can have: a 64-bit signed integer (SQLite INTEGER, PostgreSQL BIGINT)."""


def parse_id(text: str) -> int | None:
    """The record id ``text`` spells, or ``None`` when it spells none.

    Args:
        text: as typed; surrounding spaces are ignored. Only ASCII digits count
            (``"３"`` and ``"1_000"`` are not ids, though :func:`int` reads them).

    Returns:
        The id, a whole number in ``1 … MAX_ID``; ``None`` for anything else
        (empty, a sign, a word, zero, more than 64 bits). Never raises.
    """
    stripped = text.strip()
    if not stripped or not stripped.isascii() or not stripped.isdigit():
        return None
    value = int(stripped)
    return value if 0 < value <= MAX_ID else None


def is_id(value: int) -> bool:
    """Whether ``value`` can be a record's id (``1 … MAX_ID``), for ids that arrive as ints."""
    return 0 < value <= MAX_ID
