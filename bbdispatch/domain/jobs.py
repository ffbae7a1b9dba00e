"""Jobs: a client's request, its triage and its lifecycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from bbdispatch.domain.job_status import OPEN_STATUSES as OPEN_STATUSES
from bbdispatch.domain.job_status import JobStatus as JobStatus
from bbdispatch.formats import format_money
from bbdispatch.i18n import N_, Labels, _
from bbdispatch.money import parse_money


class JobMode(StrEnum):
    """Where the work is done."""

    ONSITE = "onsite"
    REMOTE = "remote"


class Priority(StrEnum):
    """How urgent a job is; emergencies are the firm's "pogotowie"."""

    EMERGENCY = "emergency"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Sort order: emergencies first."""
        return {"emergency": 0, "normal": 1, "low": 2}[self.value]


class Category(StrEnum):
    """What kind of work a job is, for skills and contract rules."""

    HARDWARE = "hardware"
    SOFTWARE = "software"
    NETWORK = "network"
    BACKUP = "backup"
    TRAINING = "training"
    OTHER = "other"


MODE_LABEL = Labels({JobMode.ONSITE: N_("on-site"), JobMode.REMOTE: N_("remote")})
"""How a job's mode reads on the board and in its filter."""
CATEGORY_LABEL = Labels(
    {
        Category.HARDWARE: N_("hardware"),
        Category.SOFTWARE: N_("software"),
        Category.NETWORK: N_("network"),
        Category.BACKUP: N_("backup"),
        Category.TRAINING: N_("training"),
        Category.OTHER: N_("other"),
    }
)
"""How a job's category reads on screen."""


@dataclass(frozen=True)
class Job:
    """A request from a client, as stored."""

    id: int
    client_id: int
    contract_id: int | None
    caller_phone: str | None
    caller_name: str
    received_at: datetime
    description: str
    mode: JobMode
    priority: Priority
    category: Category
    status: JobStatus
    technician_id: int | None
    visit_at: datetime | None
    site_address: str
    agreed_rate: Decimal | None
    resolution: str
    status_reason: str
    recurring_task_id: int | None
    occurrence_at: datetime | None
    late: bool
    closed_at: datetime | None
    updated_at: datetime
    alert: str = ""
    """Something the dispatcher must see at once (e.g. a failed backup check)."""
    agreed_price: Decimal | None = None
    """A fixed net price agreed for the whole job (billed once, whatever the time)."""

    @property
    def number(self) -> str:
        """The job number people quote on the phone."""
        return str(self.id)


@dataclass(frozen=True)
class JobRow:
    """One line of a job list: the job with the names a list shows."""

    job: Job
    client_name: str
    technician_name: str | None
    timer_started_at: datetime | None = None
    """Start of a running timer on this job, if any."""

    @property
    def timer_running(self) -> bool:
        """Someone's timer is running on this job."""
        return self.timer_started_at is not None


def parse_agreed_terms(text: str) -> tuple[Decimal | None, Decimal | None]:
    """Read what the dispatcher agreed: ``350`` (a fixed net price) or ``80/h`` (a net rate).

    Returns:
        ``(price, rate)``; both None for an empty text.

    Raises:
        MoneyError: the amount is not one (the message is for the user).
    """
    cleaned = text.strip().lower()
    if not cleaned:
        return None, None
    for suffix in ("/h", "/godz", "/godz.", " zł/h", "zł/h"):
        if cleaned.endswith(suffix):
            return None, parse_money(cleaned.removesuffix(suffix))
    return parse_money(cleaned), None


def agreed_terms_text(job: Job) -> str:
    """What was agreed on a job, for the technician and the dispatcher ("" if nothing).

    ``Agreed price: 350.00 PLN net for the whole job`` or ``Agreed rate: 80.00 PLN/h net``
    in English, ``350,00 zł`` in Polish: amounts in the session's language, as
    every screen and command writes them (:func:`bbdispatch.formats.format_money`).
    """
    if job.agreed_price is not None:
        return _("Agreed price: {amount} net for the whole job").format(
            amount=format_money(job.agreed_price)
        )
    if job.agreed_rate is not None:
        return _("Agreed rate: {amount}/h net").format(amount=format_money(job.agreed_rate))
    return ""
