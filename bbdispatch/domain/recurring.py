"""Recurring tasks of IT administration contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bbdispatch.domain.jobs import Category, JobMode


@dataclass(frozen=True)
class RecurringTask:
    """A repeating piece of work the firm is responsible for."""

    id: int
    contract_id: int
    title: str
    instructions: str
    schedule: str
    """An RFC 5545 RRULE (e.g. ``FREQ=WEEKLY;BYDAY=MO``)."""
    starts_at: datetime
    technician_id: int | None
    expected_minutes: int
    mode: JobMode
    category: Category
    catch_up: bool
    """Create missed occurrences (marked late) after downtime."""
    active: bool
