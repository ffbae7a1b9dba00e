"""Response targets: when a job must be answered, in the firm's business time.

Pure functions. Time on hold (waiting for the client) stops the clock. Targets
in ``hours`` count clock time (emergencies, "pogotowie"); targets in
``business_days`` count the firm's working hours, one business day being one
full span of ``business_hours`` (8 h by default), in Europe/Warsaw, on the
firm's working days only: weekends, Polish public holidays and the firm's own
closed days do not count (``domain.calendar``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bbdispatch.domain.calendar import FirmCalendar
from bbdispatch.domain.job_edits import StatusChange
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.pricelist import ResponseTarget

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
    now: datetime | None = None
    """The moment the clock was read (None: judge by counted time alone)."""

    @property
    def _past_due(self) -> bool:
        return (
            not self.paused
            and self.due_at is not None
            and self.now is not None
            and self.now > self.due_at
        )

    @property
    def left(self) -> timedelta:
        """Time remaining: counted time before the target, negative once breached.

        Past the due moment it is minus the wall-clock time since then: a
        normal job due at 16:00 is ``-7h20`` at 23:20, although no business
        time passed after closing (counted time alone would say ``0m``).
        """
        if self._past_due:
            assert self.now is not None
            assert self.due_at is not None
            return -(self.now - self.due_at)
        return self.target - self.used

    @property
    def breached(self) -> bool:
        """The target has passed: the due moment is behind us, or the allowance is used up."""
        return self._past_due or self.used > self.target


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


def counted(start: datetime, end: datetime, calendar: FirmCalendar | None) -> timedelta:
    """Time between two moments that counts: all of it, or only the firm's business time."""
    if end <= start:
        return timedelta(0)
    if calendar is None:
        return end - start
    return calendar.counted(start, end)


def advance(start: datetime, amount: timedelta, calendar: FirmCalendar | None) -> datetime:
    """The moment (UTC) when ``amount`` of counted time has passed after ``start``."""
    if calendar is None:
        return (start + amount).astimezone(UTC)
    return calendar.advance(start, amount)


def target_of(
    target: ResponseTarget, calendar: FirmCalendar
) -> tuple[timedelta, FirmCalendar | None]:
    """The allowance of a target and the calendar it counts in (None: clock time).

    Kept on the calendar per target: the board asks for every open job.
    """
    found = calendar.allowances.get(target)
    if found is None:
        if target.hours:
            found = (timedelta(hours=target.hours), None)
        else:
            found = (calendar.day_length() * target.business_days, calendar)
        calendar.allowances[target] = found
    return found


def response_clock(
    received_at: datetime,
    now: datetime,
    target: ResponseTarget,
    calendar: FirmCalendar,
    holds: Sequence[Span] = (),
) -> ResponseClock:
    """How much of a job's response allowance is used, and when it runs out.

    Args:
        received_at: when the request came in.
        now: the current moment.
        target: the priority's target from the price list.
        calendar: the firm's calendar (business hours, public holidays, closed days).
        holds: on-hold spans (from ``hold_spans``); they do not count.
    """
    allowance, counting = target_of(target, calendar)
    used = counted(received_at, now, counting)
    paused = False
    for h_start, h_end in holds:
        end = now if h_end is None or h_end > now else h_end
        used -= counted(max(h_start, received_at), end, counting)
        if h_end is None:
            paused = True
    used = max(used, timedelta(0))
    due_at = None if paused else _due(received_at, allowance, counting, holds)
    return ResponseClock(target=allowance, used=used, due_at=due_at, paused=paused, now=now)


def _due(
    received_at: datetime,
    allowance: timedelta,
    calendar: FirmCalendar | None,
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
