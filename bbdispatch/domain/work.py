"""Work entries: the technician's time, the raw material of every statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bbdispatch.domain.jobs import JobMode


@dataclass(frozen=True)
class WorkEntry:
    """Time a technician spent on a job; no end means a running timer."""

    id: int
    job_id: int
    technician_id: int
    started_at: datetime
    ended_at: datetime | None
    description: str
    mode: JobMode
    billable: bool
    statement_id: int | None
    created_at: datetime
    updated_at: datetime

    @property
    def running(self) -> bool:
        """A timer that has not been stopped yet."""
        return self.ended_at is None

    def minutes(self, now: datetime | None = None) -> int:
        """Actual whole minutes worked (up to ``now`` for a running timer)."""
        end = self.ended_at or now
        if end is None:
            return 0
        return int((end - self.started_at).total_seconds() // 60)

    def length(self, now: datetime | None = None) -> timedelta:
        """Time worked to the second (up to ``now`` for a running timer; zero without it).

        Shown as ``0:15:30`` so that it explains the billed hours: seconds past a
        rounding step bill one more step.
        """
        end = self.ended_at or now
        return timedelta(0) if end is None else end - self.started_at


@dataclass(frozen=True)
class Charge:
    """Billed minutes of one work entry landing on one contract (None = uncovered)."""

    id: int
    work_entry_id: int
    contract_id: int | None
    minutes: int
    rate: Decimal
    """Net hourly rate of these minutes (0 for a prepaid block)."""
    reason: str
