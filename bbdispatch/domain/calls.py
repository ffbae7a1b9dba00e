"""The call log: every incoming call, matched to a client or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CallOutcome(StrEnum):
    """What became of a call."""

    PENDING = "pending"
    JOB_CREATED = "job_created"
    INFORMATION = "information"
    NEW_PROSPECT = "new_prospect"
    MISSED = "missed"


class CallSource(StrEnum):
    """Who recorded the call: the dispatcher, or the phone system via ``ring``."""

    MANUAL = "manual"
    RING = "ring"


@dataclass(frozen=True)
class CallLogEntry:
    """One incoming call."""

    id: int
    received_at: datetime
    raw_number: str
    e164: str | None
    client_id: int | None
    source: CallSource
    outcome: CallOutcome
    job_id: int | None
    handled_by: str
    note: str
