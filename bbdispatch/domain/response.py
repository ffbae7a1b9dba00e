"""Response targets: when a job must be answered, in the firm's business time.

Pure functions. Time on hold (waiting for the client) stops the clock. Targets
in ``hours`` count clock time (emergencies, "pogotowie"); targets in
``business_days`` count the firm's working hours, one business day being one
full span of ``business_hours`` (8 h by default), in Europe/Warsaw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bbdispatch.clock import FIRM_ZONE, local
from bbdispatch.domain.jobs import JobStatus, StatusChange
from bbdispatch.pricelist import BusinessHours, ResponseTarget

Span = tuple[datetime, datetime | None]
"""A stretch of time; an open end means "still going"."""


@dataclass(frozen=True)
class ResponseClock:
    """Where a job stands against its response target."""

    target: timedelta
    """The allowance, in counted (business or clock) time."""
    used: timedelta
    """Counted time consumed so far."""
    due_at: datetime | None
    """When the allowance runs out if nothing pauses it; None while on hold."""
    paused: bool
    """The job is on hold now, so the clock stands still."""

    @property
    def left(self) -> timedelta:
        """Counted time remaining (negative once breached)."""
        return self.target - self.used

    @property
    def breached(self) -> bool:
        """The target has passed."""
        return self.used > self.target


def hold_spans(history: Sequence[StatusChange]) -> list[Span]:
    """The stretches a job spent on hold, from its status history (oldest first)."""
    spans: list[Span] = []
    started: datetime | None = None
    for change in history:
        if change.to_status is JobStatus.ON_HOLD and started is None:
            started = change.at
        elif change.to_status is not JobStatus.ON_HOLD and started is not None:
            spans.append((started, change.at))
            started = None
    if started is not None:
        spans.append((started, None))
    return spans


def _windows(
    start: datetime, end: datetime, hours: BusinessHours
) -> list[tuple[datetime, datetime]]:
    """Business windows (aware, UTC-comparable) of every local day touching [start, end]."""
    first = local(start).date() - timedelta(days=1)
    last = local(end).date() + timedelta(days=1)
    found = []
    day = first
    while day <= last:
        if day.isoweekday() in hours.weekdays:
            found.append(
                (
                    datetime.combine(day, hours.start, tzinfo=FIRM_ZONE),
                    datetime.combine(day, hours.end, tzinfo=FIRM_ZONE),
                )
            )
        day += timedelta(days=1)
    return found


def counted(start: datetime, end: datetime, hours: BusinessHours | None) -> timedelta:
    """Time between two moments that counts: all of it, or only business hours."""
    if end <= start:
        return timedelta(0)
    if hours is None:
        return end - start
    total = timedelta(0)
    for w_start, w_end in _windows(start, end, hours):
        lo, hi = max(start, w_start), min(end, w_end)
        if hi > lo:
            total += hi.astimezone(UTC) - lo.astimezone(UTC)
    return total


def advance(start: datetime, amount: timedelta, hours: BusinessHours | None) -> datetime:
    """The moment when ``amount`` of counted time has passed after ``start``."""
    if hours is None:
        return (start + amount).astimezone(UTC)
    if not hours.weekdays:
        raise ValueError("business hours without weekdays")
    left = amount
    cursor = start
    while True:
        day = local(cursor).date()
        if day.isoweekday() in hours.weekdays:
            w_start = datetime.combine(day, hours.start, tzinfo=FIRM_ZONE)
            w_end = datetime.combine(day, hours.end, tzinfo=FIRM_ZONE)
            lo = max(cursor, w_start).astimezone(UTC)
            if lo < w_end:
                if lo + left <= w_end:
                    return lo + left
                left -= w_end - lo
        cursor = datetime.combine(day + timedelta(days=1), time(0), FIRM_ZONE).astimezone(UTC)


def target_of(
    target: ResponseTarget, hours: BusinessHours
) -> tuple[timedelta, BusinessHours | None]:
    """The allowance of a target and the calendar it counts in."""
    if target.hours:
        return timedelta(hours=target.hours), None
    day = timedelta(hours=hours.end.hour, minutes=hours.end.minute) - timedelta(
        hours=hours.start.hour, minutes=hours.start.minute
    )
    return day * target.business_days, hours


def response_clock(
    received_at: datetime,
    now: datetime,
    target: ResponseTarget,
    hours: BusinessHours,
    holds: Sequence[Span] = (),
) -> ResponseClock:
    """How much of a job's response allowance is used, and when it runs out.

    Args:
        received_at: when the request came in.
        now: the current moment.
        target: the priority's target from the price list.
        hours: the firm's business hours.
        holds: on-hold spans (from ``hold_spans``); they do not count.
    """
    allowance, calendar = target_of(target, hours)
    used = counted(received_at, now, calendar)
    paused = False
    for h_start, h_end in holds:
        end = now if h_end is None or h_end > now else h_end
        used -= counted(max(h_start, received_at), end, calendar)
        if h_end is None:
            paused = True
    used = max(used, timedelta(0))
    due_at = None if paused else _due(received_at, allowance, calendar, holds)
    return ResponseClock(target=allowance, used=used, due_at=due_at, paused=paused)


def _due(
    received_at: datetime,
    allowance: timedelta,
    calendar: BusinessHours | None,
    holds: Sequence[Span],
) -> datetime | None:
    cursor, left = received_at, allowance
    for h_start, h_end in sorted(holds, key=lambda s: s[0]):
        if h_start > cursor:
            chunk = counted(cursor, h_start, calendar)
            if chunk >= left:
                return advance(cursor, left, calendar)
            left -= chunk
        if h_end is None:
            return None
        cursor = max(cursor, h_end)
    return advance(cursor, left, calendar)
