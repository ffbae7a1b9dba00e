"""When a running timer is probably forgotten."""

from __future__ import annotations

from datetime import datetime, timedelta

from bbdispatch.clock import local


def timer_forgotten(started_at: datetime, now: datetime, limit_hours: int) -> bool:
    """A timer longer than the price list's limit, or one running across local midnight.

    Either is flagged to the technician and on the dispatcher's board, so a
    forgotten timer is caught the same day.
    """
    if now - started_at > timedelta(hours=limit_hours):
        return True
    return local(started_at).date() != local(now).date()


MIN_ENTRY = timedelta(minutes=1)
"""A shorter entry is a timer started by mistake: refused, never billed."""


def over_limit(length: timedelta, limit_hours: int) -> bool:
    """An entry longer than the price list's ``timer_limit_hours``: ask for the real end."""
    return length > timedelta(hours=limit_hours)


LONG_LIMIT = timedelta(days=7)
"""No entry is longer, even confirmed (a timer forgotten over a long weekend fits)."""
