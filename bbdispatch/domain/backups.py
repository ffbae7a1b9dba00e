"""Backup checks: what a backup run found, and sizes as people write them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bbdispatch.clock import to_db
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.messages import MESSAGES
from bbdispatch.i18n import _


class BackupResult(StrEnum):
    """Whether the backup a run checked is usable."""

    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True)
class BackupCheck:
    """The result of checking a client's backup on a backup job."""

    job_id: int
    result: BackupResult
    backup_date: date | None
    """Date of the newest backup found."""
    size_bytes: int | None
    location: str
    """Where the backup lives (NAS share, cloud bucket, tape)."""
    note: str
    """What went wrong (required when failed) or any remark."""
    recorded_by: str
    recorded_at: datetime

    @property
    def recorded_at_db(self) -> str:
        """The recording time in stored form."""
        return to_db(self.recorded_at)


BACKUP_MAX_AGE_DAYS = 7
"""Days a client's last good backup may be old when it is checked; older is a problem.

A weekly backup check expects at least one backup within the week it covers.
This is the limit of a check that is no recurring run; a recurring run's limit
is the period its task's schedule gives it (``domain.schedule.period_days``):
7 days for a weekly check, the month for a monthly one.
"""


def stale_backup(
    backup_date: date | None, today: date, limit_days: int = BACKUP_MAX_AGE_DAYS
) -> str:
    """Why a backup reported as good is still a problem: too old, or "" when it is fine.

    Args:
        backup_date: the date of the newest backup found (None: not given, not judged).
        today: the day of the check, in the firm's zone.
        limit_days: the most days the backup may be old.

    Returns:
        A sentence for the run's log and the job's alert, or "".
    """
    if backup_date is None:
        return ""
    age = (today - backup_date).days
    if age <= limit_days:
        return ""
    # Worded by the stored message, so a reader in another language (a client's
    # Polish document) gets it in theirs (``messages.shown_parts``). The age is
    # always 2 days or more here (past a limit of at least a day): "days", "dni".
    return _(MESSAGES["backup.too_old"]).format(days=age, limit=limit_days)


_UNITS = {"": 1, "b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4}


def parse_size(text: str) -> int | None:
    """Read ``512 GB``, ``1,5 TB`` or ``123456`` (bytes) into bytes; empty means unknown.

    Raises:
        DomainError: not a size.
    """
    text = text.strip().lower().replace(" ", "")
    if not text:
        return None
    found = re.fullmatch(r"([0-9]+(?:[.,][0-9]+)?)([kmgt]?b?)", text)
    if not found or found.group(2) not in _UNITS:
        raise DomainError(_("Size like 512 GB or 1.5 TB."))
    try:
        number = Decimal(found.group(1).replace(",", "."))
    except InvalidOperation as err:  # pragma: no cover - the pattern admits only numbers
        raise DomainError(_("Size like 512 GB or 1.5 TB.")) from err
    return int(number * _UNITS[found.group(2)])


def format_size(size: int | None, locale: str | None = None) -> str:
    """Show a size the way people read it: ``1,5 TB`` / ``1.5 TB``, ``512 GB``.

    One decimal at most, with the decimal sign of ``locale`` (the session's by
    default; client documents pass ``DOCUMENT_LOCALE``: a Polish report said
    ``372.5 GB``). :func:`parse_size` reads either sign back.
    """
    from bbdispatch.formats import format_number

    if size is None:
        return "—"
    for unit in ("TB", "GB", "MB", "KB"):
        factor = _UNITS[unit.lower()]
        if size >= factor:
            tenths = (Decimal(size) / factor).quantize(Decimal("0.1"))
            return f"{format_number(tenths, locale, decimals=1)} {unit}"
    return f"{size} B"
