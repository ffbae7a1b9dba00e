"""The IT administration report: a client's month of recurring work, as plain data.

What an IT-administration client receives each month: the runs that were due,
which were done, missed or late and with what outcome, the backup checks, the
changes in installed software, the time spent and the month's fee. Renderers
(``bbdispatch.reports.itadmin``) only format it; every count is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bbdispatch.domain.backups import BackupResult
from bbdispatch.domain.recurring import RunState


@dataclass(frozen=True)
class ReportRun:
    """One run due in the month, with what came of it."""

    task_title: str
    due_at: datetime
    """The occurrence: when the run was due (aware)."""
    technician: str
    state: RunState
    late: bool
    """Documented after the end of its due day (firm's zone)."""
    documented_at: datetime | None
    outcome: str
    """What was checked, and the problem found, as the technician wrote it."""
    created: bool = True
    """False for a run the task's schedule called for that never became a job
    (over the catch-up cap, or ``schedule run`` did not run): missed once its day is over."""


@dataclass(frozen=True)
class ReportBackup:
    """A backup check recorded on a run in the month."""

    due_at: datetime
    result: BackupResult
    backup_date: date | None
    size_bytes: int | None
    location: str
    note: str


@dataclass(frozen=True)
class ReportInventory:
    """An inventory loaded in the month and what changed against that computer's previous one."""

    loaded_at: datetime
    programs: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    updated: tuple[str, ...]
    """``Name 1.0 → 1.1``."""
    first: bool
    """The computer's first inventory: nothing to compare with."""
    host: str = ""
    """The computer the list comes from ("" for lists loaded before computers had names)."""


@dataclass(frozen=True)
class ReportFee:
    """An IT administration contract and its fee for the month."""

    number: str
    title: str
    fee: Decimal


@dataclass(frozen=True)
class ItAdminReport:
    """A client's IT administration month."""

    client_name: str
    month: date
    """The first day of the month."""
    made_at: datetime
    runs: tuple[ReportRun, ...]
    backups: tuple[ReportBackup, ...]
    inventories: tuple[ReportInventory, ...]
    minutes_spent: int
    """Time recorded on the month's runs (actual, not rounded)."""
    fees: tuple[ReportFee, ...]

    @property
    def due(self) -> int:
        """Runs due in the month (cancelled ones left out)."""
        return sum(1 for r in self.runs if r.state is not RunState.CANCELLED)

    @property
    def done(self) -> int:
        """Runs completed, whatever their outcome."""
        return sum(1 for r in self.runs if r.state in (RunState.DONE, RunState.PROBLEM))

    @property
    def missed(self) -> int:
        """Runs still open after their day ended."""
        return sum(1 for r in self.runs if r.state is RunState.OVERDUE)

    @property
    def late(self) -> int:
        """Runs completed after their due day."""
        return sum(1 for r in self.runs if r.late)

    @property
    def problems(self) -> int:
        """Runs that found a problem (a failed backup included)."""
        return sum(1 for r in self.runs if r.state is RunState.PROBLEM)

    @property
    def fee(self) -> Decimal:
        """The month's fee over all IT administration contracts."""
        return sum((f.fee for f in self.fees), Decimal("0.00"))
