"""A job's status alone: where it is in its lifecycle, and which statuses are open.

:mod:`bbdispatch.domain.jobs` re-exports both. They live apart so that counting a
caller's open jobs (``bbdispatch lookup``, on every call) needs neither the job
dataclasses nor their storage (issue 13: the phone path costs at most 1.5× a
bare script).
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """Where a job is in its lifecycle."""

    NEW = "new"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Open jobs are still the firm's to handle."""
        return self not in (JobStatus.DONE, JobStatus.CANCELLED)


OPEN_STATUSES: tuple[JobStatus, ...] = tuple(s for s in JobStatus if s.is_open)
"""Statuses of jobs that are still to be handled."""
