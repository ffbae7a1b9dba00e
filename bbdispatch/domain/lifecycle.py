"""The job lifecycle: which status may follow which, and what each step needs.

The table lives here, in the domain, so the service, the board's key hints and
the tests all read the same rules.
"""

from __future__ import annotations

from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.i18n import _

S = JobStatus

TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    S.NEW: frozenset({S.TRIAGED, S.ASSIGNED, S.CANCELLED}),
    S.TRIAGED: frozenset({S.ASSIGNED, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.ON_HOLD, S.TRIAGED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.ON_HOLD, S.DONE, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.IN_PROGRESS, S.CANCELLED}),
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
}
"""Allowed next statuses. ``assigned → triaged`` is un-assigning; closed jobs stay closed."""

NEEDS_TECHNICIAN: frozenset[JobStatus] = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD})
"""Statuses in which a job must have a technician."""

STATUS_LABEL: dict[JobStatus, str] = {
    S.NEW: _("new"),
    S.TRIAGED: _("triaged"),
    S.ASSIGNED: _("assigned"),
    S.IN_PROGRESS: _("in progress"),
    S.ON_HOLD: _("on hold"),
    S.DONE: _("done"),
    S.CANCELLED: _("cancelled"),
}
"""How statuses read on screen and in messages."""


def allowed_next(status: JobStatus) -> frozenset[JobStatus]:
    """Statuses a job in ``status`` may move to."""
    return TRANSITIONS[status]


def check_transition(
    current: JobStatus,
    target: JobStatus,
    *,
    has_technician: bool,
    note: str = "",
    timer_running: bool = False,
) -> None:
    """Refuse a status change the firm's process does not allow.

    Raises:
        DomainError: the step is not in the table, or its precondition is unmet
            (a technician, a resolution, a reason, no running timer).
    """
    if target not in TRANSITIONS[current]:
        options = ", ".join(STATUS_LABEL[s] for s in sorted(TRANSITIONS[current], key=_order))
        raise DomainError(
            _("A job that is {current} cannot become {target}. {hint}").format(
                current=STATUS_LABEL[current],
                target=STATUS_LABEL[target],
                hint=(
                    _("It can become: {options}.").format(options=options)
                    if options
                    else _("It is closed.")
                ),
            )  # fmt: skip
        )
    if target in NEEDS_TECHNICIAN and not has_technician:
        raise DomainError(_("Assign a technician first."))
    if target is S.DONE:
        if not note.strip():
            raise DomainError(_("Closing a job needs a resolution note."))
        check_no_running_timer(timer_running)
    if target is S.CANCELLED and not note.strip():
        raise DomainError(_("Cancelling a job needs a reason."))


def check_no_running_timer(timer_running: bool) -> None:
    """Refuse to close a job while someone's timer runs on it: that time would be lost.

    Every way of closing a job as done (the lifecycle, a documented recurring run)
    asks this, so the rule and its message exist once.

    Raises:
        DomainError: a timer is running on the job.
    """
    if timer_running:
        raise DomainError(_("A timer is still running on this job; stop it first."))


def _order(status: JobStatus) -> int:
    return list(JobStatus).index(status)
