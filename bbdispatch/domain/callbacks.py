"""Callbacks: promises to call someone back, new and as stored.

Apart from :mod:`bbdispatch.domain.calls` so that the phone path (``ring``,
``lookup``), which logs calls but no callback, does not build them at import
(see :mod:`bbdispatch.domain.job_edits`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bbdispatch.i18n import _


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


def callback_who(cb: Callback) -> str:
    """Whom to call back, in words, for the callback list (TUI and ``callbacks`` alike).

    The client, with the person's name in brackets when both are known; the
    person's name alone; or "(unknown)". Never the number: the list has a
    number column of its own, and writing it here too showed it twice.
    """
    if cb.client_name and cb.name:
        return f"{cb.client_name} ({cb.name})"
    return cb.client_name or cb.name or _("(unknown)")
