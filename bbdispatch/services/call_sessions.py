"""Which session is taking a call, and whether it is gone (kill -9, a crash, a signal).

Apart from the intake so that the rule of a waiting call
(:func:`bbdispatch.services.rings.waiting_calls`) can ask it without loading
the intake, and without the intake's own imports coming round to it.
"""

from __future__ import annotations

import os
import socket

from bbdispatch.domain.calls import CallLogEntry, CallOutcome, CallSource
from bbdispatch.domain.messages import stored_code


def this_session() -> str:
    """Which process is taking a call: ``host:pid:start`` (start in clock ticks since boot).

    The start time tells a later process with the same pid from this one.
    """
    return f"{socket.gethostname()}:{os.getpid()}:{_process_start(os.getpid())}"


def _process_start(pid: int) -> str:
    """The kernel's start time of process ``pid`` (``/proc``; empty where unknown or dead).

    A zombie (dead, not yet reaped by its parent) is dead.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return ""
    if len(fields) < 20 or fields[0] in (b"Z", b"X"):
        return ""
    return fields[19].decode()


def session_ended(session: str) -> bool | None:
    """Whether the process named by :func:`this_session` is gone; None when it cannot be told.

    A process on another machine (several offices on PostgreSQL) cannot be
    looked at from here: None.
    """
    host, _sep, rest = session.partition(":")
    pid, _sep, start = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit() or not start:
        return None
    return _process_start(int(pid)) != start


def call_interrupted(call: CallLogEntry) -> bool:
    """Whether a waiting call taken by hand (F2) was left by a session that ended.

    Its session ended on a signal (the note says interrupted), or died
    (kill -9, a crash): the process that logged it is gone. The call log
    shows such a call as interrupted; the dispatcher takes it again from there.
    """
    if call.outcome is not CallOutcome.PENDING or call.source is not CallSource.MANUAL:
        return False
    found = stored_code(call.note)
    if found is None:
        return False
    code, values = found
    if code in ("call.interrupted", "call.interrupted_typed"):
        return True
    return code in _BEING_TAKEN and session_ended(str(values.get("session", ""))) is True


_BEING_TAKEN = ("call.being_taken", "call.being_taken_typed")
"""The notes of a call an intake holds open (F2), without and with a draft of the request."""
