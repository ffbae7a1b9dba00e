"""What changes a job: a new request, a dispatcher's edit, a status change in the history.

Apart from :mod:`bbdispatch.domain.jobs` so that the phone path (``ring``,
``lookup``), which reads jobs but never writes one, does not build them: in
Python 3.11 each frozen dataclass compiles six methods when its module is
imported, about half a millisecond apiece (issue 13: the phone path costs at
most 1.5× a bare script).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority


@dataclass(frozen=True)
class NewJob:
    """What the intake records for a new request."""

    client_id: int
    description: str
    mode: JobMode
    priority: Priority
    category: Category
    site_address: str = ""
    caller_phone: str | None = None
    caller_name: str = ""
    contract_id: int | None = None
    agreed_rate: Decimal | None = None
    """An agreed net hourly rate for this job (instead of contracts)."""
    agreed_price: Decimal | None = None
    """An agreed fixed net price for the whole job (instead of contracts)."""
    status: JobStatus = JobStatus.TRIAGED
    technician_id: int | None = None
    visit_at: datetime | None = None
    recurring_task_id: int | None = None
    occurrence_at: datetime | None = None
    late: bool = False


@dataclass(frozen=True)
class JobEdit:
    """Fields of a job the dispatcher may correct from the detail screen."""

    description: str
    priority: Priority
    mode: JobMode
    contract_id: int | None
    agreed_price: Decimal | None = None
    """An agreed fixed net price for the whole job (None: none agreed)."""
    agreed_rate: Decimal | None = None
    """An agreed net hourly rate (None: none agreed); never together with a price."""


@dataclass(frozen=True)
class StatusChange:
    """One line of a job's status history."""

    at: datetime
    from_status: JobStatus | None
    to_status: JobStatus
    technician_id: int | None
    actor: str
    note: str
