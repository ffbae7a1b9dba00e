"""What the office's commands share: who acts, typed arguments, one-line errors.

``clients``, ``assessments``, ``contracts sign``, ``jobs`` and ``time`` are the
TUI's data actions for scripts, cron, phone systems and monitoring tools. Each
identifies the acting person like the TUI does (the OS login, ``--as`` for
support) and calls the same services. Bad input ends with exit 2 and one line
naming the field; times without an offset are the firm's (Europe/Warsaw).
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import Decimal

from bbdispatch.commands.common import EXIT_USAGE, CommandError, open_ctx
from bbdispatch.commands.common import one_line_errors as one_line_errors
from bbdispatch.dates import parse_day
from bbdispatch.domain.errors import DomainError, FieldError
from bbdispatch.domain.ids import MAX_ID, parse_id
from bbdispatch.domain.timeinput import parse_firm_moment
from bbdispatch.i18n import _
from bbdispatch.money import MoneyError, parse_money
from bbdispatch.services.context import Ctx
from bbdispatch.services.references import Ref, missing

REFERENCE_FLAGS: dict[str, Ref] = {
    "client": Ref.CLIENT,
    "job": Ref.JOB,
    "call": Ref.CALL,
    "contract": Ref.CONTRACT,
    "tech": Ref.PERSON,
    "to": Ref.PERSON,
}
"""Flags (by argparse ``dest``) that name a record, and what kind of record.

Every office command's flags of these names are checked before the command
runs (:func:`check_references`); a command's positional id says what it names
with ``set_defaults(id_refers=Ref.JOB)`` (or ``entry_refers`` for ``ENTRY``).
"""


def positive_id(text: str) -> int:
    """An id argument: a whole number from 1 to 2**63 - 1 (:func:`~bbdispatch.domain.ids.parse_id`).

    Anything else, a word or an id too large for any record alike, is argparse's
    exit 2 with ``not an id: '…'`` (never the database driver's overflow error).
    """
    value = parse_id(text)
    if value is None:
        raise argparse.ArgumentTypeError(_("not an id: '{text}'").format(text=text))
    return value


def whole_number(text: str) -> int:
    """A count or a year argument (a whole number, zero or more).

    argparse's own ``type=int`` would say "invalid int value" in any language.
    """
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(_("not a whole number: '{text}'").format(text=text))
    return int(text)


def row_limit(text: str) -> int:
    """A ``--limit N`` of rows to list: a whole number; beyond 2**63 - 1 it means all rows.

    The databases take a LIMIT of 64 bits at most (SQLite and asyncpg refused a
    larger one with their own errors, exit 1); no list is that long, so a larger
    number lists everything, as the person asked.
    """
    return min(whole_number(text), MAX_ID)


def money(text: str) -> Decimal:
    """A net amount argument (``350``, ``350.00``, ``350,00``), zero or more."""
    try:
        value = parse_money(text)
    except MoneyError as err:
        raise argparse.ArgumentTypeError(str(err)) from err
    if value < 0:
        raise argparse.ArgumentTypeError(_("must not be negative: '{text}'").format(text=text))
    return value


def moment(text: str) -> datetime:
    """A date and time (ISO 8601 or ``24.11.2026 09:30``) as UTC; no offset: the firm's clock.

    One reading for every command (:func:`bbdispatch.domain.timeinput.parse_firm_moment`).
    """
    from bbdispatch.clock import SystemClock, local_today

    try:
        return parse_firm_moment(text, local_today(SystemClock()))
    except DomainError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def day(text: str) -> date:
    """A date argument: ``2026-11-24`` or ``24.11.2026``."""
    try:
        return parse_day(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def field_flag(field: str) -> str:
    """The command-line flag of a service's field name (``postal_code`` → ``--postal-code``).

    ``contact_person`` is ``--contact`` (``clients add``/``edit``); ``product_starts``
    is ``--product/--starts`` (a product already in force from that start, ``contracts sign``).
    """
    flags = {"contact_person": "--contact", "product_starts": "--product/--starts"}
    return flags.get(field) or "--" + field.replace("_", "-")


@asynccontextmanager
async def office_ctx(args: argparse.Namespace) -> AsyncIterator[Ctx]:
    """The service context of the person at the keyboard, as every command builds it.

    :func:`open_ctx` applies ``--as``; a service's :class:`FieldError` leaves as
    exit 2 with the flag it names.
    """
    async with open_ctx(args) as ctx:
        await check_references(ctx, args)
        try:
            yield ctx
        except FieldError as err:
            raise CommandError(f"{field_flag(err.field)}: {err}", EXIT_USAGE) from err


async def check_references(ctx: Ctx, args: argparse.Namespace) -> None:
    """Refuse a command whose flags or id name a record that does not exist.

    The one place the command line resolves references: ``--client 999`` ends
    with ``--client: No client with id 999.`` and exit 2, before any service
    writes (a foreign-key error from the database named neither). A positional
    id (``jobs edit 999``) says ``No job 999.``, also exit 2. ``--contract none``
    (by the rules) is not a reference.

    Raises:
        CommandError: the first reference to nothing (exit 2).
    """
    checks: list[tuple[str, Ref, int | str]] = []
    for dest, kind in REFERENCE_FLAGS.items():
        value = getattr(args, dest, None)
        if isinstance(value, str) and kind is not Ref.PERSON:
            value = parse_id(value)
        if value is not None and value != "":
            checks.append((field_flag(dest) + ": ", kind, value))
    for dest in ("id", "entry"):
        refers = getattr(args, f"{dest}_refers", None)
        value = getattr(args, dest, None)
        if isinstance(refers, Ref) and isinstance(value, int):
            checks.append(("", refers, value))
    for prefix, kind, value in checks:
        why = await missing(ctx, kind, value)
        if why is not None:
            raise CommandError(prefix + why, EXIT_USAGE)
