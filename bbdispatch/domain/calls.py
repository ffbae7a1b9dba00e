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


@dataclass(frozen=True)
class NewCallback:
    """A promise to call someone back: a client or a number, a reason, a time."""

    reason: str
    due_at: datetime
    client_id: int | None = None
    e164: str | None = None
    name: str = ""
    """Who to ask for (the caller's name, a contact person)."""
    call_id: int | None = None
    """The call it came from, if any."""


@dataclass(frozen=True)
class Callback:
    """A callback as stored, with the client's name where known."""

    id: int
    client_id: int | None
    client_name: str | None
    call_id: int | None
    e164: str | None
    name: str
    reason: str
    due_at: datetime
    created_by: str
    created_at: datetime
    done_at: datetime | None
    done_by: str
    outcome: str
    attempts: int = 0
    """Tries that reached nobody ("no answer"); the callback stayed open after each."""
    last_attempt_at: datetime | None = None
    last_attempt_note: str = ""
    """What the last try said (stored text: see :func:`bbdispatch.domain.messages.shown`)."""
