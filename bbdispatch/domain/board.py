"""The dispatch board's rules: what each line shows, its flags, order and filters.

Pure: the service feeds it job rows, status histories and the price list; the
screen only draws the result.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache

from bbdispatch.domain.calendar import FirmCalendar, calendar_of
from bbdispatch.domain.clients import search_key
from bbdispatch.domain.job_edits import StatusChange
from bbdispatch.domain.jobs import CATEGORY_LABEL as CATEGORY_LABEL
from bbdispatch.domain.jobs import MODE_LABEL as MODE_LABEL
from bbdispatch.domain.jobs import JobRow, Priority
from bbdispatch.domain.lifecycle import STATUS_LABEL
from bbdispatch.domain.recurring import recurring_overdue, run_deadline
from bbdispatch.domain.response import ResponseClock, hold_spans, response_clock
from bbdispatch.domain.timers import timer_forgotten
from bbdispatch.pricelist import PriceList


@dataclass(frozen=True)
class Flags:
    """Things a dispatcher must notice on a board line."""

    emergency: bool = False
    breached: bool = False
    recurring: bool = False
    recurring_overdue: bool = False
    timer_forgotten: bool = False
    alert: str = ""

    @property
    def symbols(self) -> str:
        """Compact marks for the flags column: ``!`` emergency, ``⏰`` breached and so on."""
        marks = [
            ("!", self.emergency),
            ("⏰", self.breached),
            ("↻", self.recurring and not self.recurring_overdue),
            ("⟳", self.recurring_overdue),
            ("⏱", self.timer_forgotten),
            ("⚠", bool(self.alert)),
        ]
        return "".join(mark for mark, on in marks if on)


@dataclass(frozen=True)
class BoardLine:
    """One open job as the board shows it."""

    row: JobRow
    waiting: timedelta
    """Time since the request came in."""
    response: ResponseClock | None
    """None when the price list has no target for the priority."""
    flags: Flags = field(default_factory=Flags)

    @property
    def job_id(self) -> int:
        """The job's id (the table's row key)."""
        return self.row.job.id


def build_line(
    row: JobRow, history: Sequence[StatusChange], now: datetime, prices: PriceList
) -> BoardLine:
    """Compute everything a board line shows for one job."""
    return _line(row, history, now, prices, calendar_of(prices))


def build_lines(
    rows: Sequence[JobRow],
    histories: Mapping[int, Sequence[StatusChange]],
    now: datetime,
    prices: PriceList,
) -> list[BoardLine]:
    """Board lines of many jobs at once, in the order of ``rows``.

    The same as :func:`build_line` per row (a job missing from ``histories``
    has no history), with the firm's calendar looked up once for the batch.
    """
    calendar = calendar_of(prices)
    return [_line(r, histories.get(r.job.id, ()), now, prices, calendar) for r in rows]


def _line(
    row: JobRow,
    history: Sequence[StatusChange],
    now: datetime,
    prices: PriceList,
    calendar: FirmCalendar,
) -> BoardLine:
    job = row.job
    target = prices.response_targets.get(job.priority.value)
    clock = (
        None
        if target is None
        else response_clock(job.received_at, now, target, calendar, hold_spans(history))
    )
    overdue = recurring_overdue(job, now)
    if overdue and clock is not None and clock.due_at is not None and job.occurrence_at:
        # A recurring run is due by the end of its day, whenever its job was made:
        # a catch-up job made today for last week's run is late, not "24 h left".
        clock = replace(clock, due_at=min(clock.due_at, run_deadline(job.occurrence_at)))
    forgotten = row.timer_started_at is not None and timer_forgotten(
        row.timer_started_at, now, prices.billing.timer_limit_hours
    )
    flags = _flags(
        job.priority is Priority.EMERGENCY,
        clock is not None and clock.breached,
        job.recurring_task_id is not None,
        overdue,
        forgotten,
        job.alert,
    )
    # A run waits since it fell due, not since its (catch-up) job was made.
    since = min(job.received_at, job.occurrence_at or job.received_at)
    return BoardLine(row=row, waiting=now - since, response=clock, flags=flags)


@lru_cache(maxsize=256)
def _flags(
    emergency: bool, breached: bool, recurring: bool, overdue: bool, forgotten: bool, alert: str
) -> Flags:
    """The (frozen, shared) :class:`Flags` of these values.

    A board of thousands of jobs has a handful of different ones; each line built its own.
    """
    return Flags(
        emergency=emergency,
        breached=breached,
        recurring=recurring,
        recurring_overdue=overdue,
        timer_forgotten=forgotten,
        alert=alert,
    )


def line_order(line: BoardLine) -> tuple[int, timedelta, int]:
    """A line's place on the board: emergencies first, then the longest waiting, then by number."""
    return (line.row.job.priority.rank, -line.waiting, line.row.job.id)


def sort_lines(lines: list[BoardLine]) -> list[BoardLine]:
    """Emergencies first, then the longest waiting."""
    return sorted(lines, key=line_order)


@dataclass(frozen=True)
class BoardFilter:
    """What the dispatcher narrowed the board to; empty fields match everything.

    Typed in one input as ``s:new t:anna m:onsite c:bilans free text``.
    """

    status: str = ""
    technician: str = ""
    mode: str = ""
    client: str = ""
    text: str = ""

    @classmethod
    def parse(cls, typed: str) -> BoardFilter:
        """Read the filter input: ``key:value`` tokens and free words."""
        keys = {"s": "status", "status": "status", "t": "technician", "tech": "technician",
                "m": "mode", "mode": "mode", "c": "client", "client": "client"}  # fmt: skip
        found: dict[str, str] = {}
        words = []
        tokens = _tokens(typed)
        for token in tokens:
            name, sep, value = token.partition(":")
            if sep and name.lower() in keys:
                found[keys[name.lower()]] = value
            else:
                words.append(token)
        return cls(text=" ".join(words), **found)

    @property
    def active(self) -> bool:
        """Anything is being filtered."""
        return any((self.status, self.technician, self.mode, self.client, self.text))

    def matches(self, line: BoardLine) -> bool:
        """Whether a line passes every part of the filter (accent-insensitive prefixes)."""
        job = line.row.job
        # A status or mode is typed as its code or as the word the screen shows
        # (s:new or s:nowe), so the filter works the same in every language.
        # Any word of it counts too: s:hold finds "on hold", s:prog "in progress".
        # A quoted value of several words ("w toku") is read as the whole label.
        statuses = (STATUS_LABEL[job.status], STATUS_LABEL.in_language(job.status, "en"))
        if self.status and not _names(self.status, job.status.value, *statuses):
            return False
        modes = (MODE_LABEL[job.mode], MODE_LABEL.in_language(job.mode, "en"))
        if self.mode and not _names(self.mode, job.mode.value, *modes):
            return False
        if self.technician in ("-", "none"):
            if line.row.technician_name is not None:
                return False
        elif self.technician:
            name = line.row.technician_name or ""
            if not any(_prefix(self.technician, w) for w in (name, *name.split())):
                return False
        if self.client and search_key(self.client) not in search_key(line.row.client_name):
            return False
        if self.text:
            hay = search_key(
                f"{job.number} {line.row.client_name} {job.description} "
                f"{line.row.technician_name or ''} {job.caller_name} {job.caller_phone or ''}"
            )
            if not all(search_key(w) in hay for w in self.text.split()):
                return False
        return True


def _tokens(typed: str) -> list[str]:
    """The filter input split like a shell line; an unclosed quote runs to the end.

    ``s:"w toku`` (still being typed) reads as ``s:w toku``, not as a stray word.
    """
    for closing in ("", '"', "'"):
        try:
            return shlex.split(typed + closing)
        except ValueError:
            continue
    return typed.replace('"', " ").replace("'", " ").split()


def _names(typed: str, *values: str) -> bool:
    """``typed`` starts a value (spaces, ``_`` and ``-`` ignored) or one of its words."""
    for value in values:
        words = [value, *re.split(r"[\s_-]+", value)]
        if any(_prefix(typed, word) for word in words if word):
            return True
    return False


def _squash(text: str) -> str:
    return re.sub(r"[\s_-]+", "", search_key(text))


def _prefix(typed: str, value: str) -> bool:
    return _squash(value).startswith(_squash(typed))


@dataclass(frozen=True)
class Summary:
    """The counts of the board's summary line."""

    open: int
    emergencies: int
    unassigned: int
    breached: int


def summarise(lines: Sequence[BoardLine]) -> Summary:
    """Count what the dispatcher watches: open, emergencies, unassigned, breached."""
    return Summary(
        open=len(lines),
        emergencies=sum(ln.flags.emergency for ln in lines),
        unassigned=sum(ln.row.job.technician_id is None for ln in lines),
        breached=sum(ln.flags.breached for ln in lines),
    )
