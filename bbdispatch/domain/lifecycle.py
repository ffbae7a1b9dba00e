"""The job lifecycle: which status may follow which, and what each step needs.

The table lives here, in the domain, so the service, the board's key hints and
the tests all read the same rules. :func:`plan_step` turns one requested step
into what it writes (:class:`StatusStep`); every path that moves a job (the
dispatcher, a technician, a documented recurring run, the demo builder, the
command line) goes through it via :mod:`bbdispatch.services.lifecycle`, so a
move allowed or refused for one of them is allowed or refused for all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import Job, JobStatus
from bbdispatch.i18n import N_, Labels, _

S = JobStatus

TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    S.NEW: frozenset({S.TRIAGED, S.ASSIGNED, S.CANCELLED}),
    S.TRIAGED: frozenset({S.ASSIGNED, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.ON_HOLD, S.DONE, S.TRIAGED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.ON_HOLD, S.DONE, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.IN_PROGRESS, S.DONE, S.CANCELLED}),
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
}
"""Allowed next statuses. ``assigned → triaged`` is un-assigning; closed jobs stay closed.

A job someone is assigned to may be closed as done straight away (a quick
remote fix needs no separate "started" step; a job on hold may turn out
resolved); it always needs a resolution and no running timer.
"""

NEEDS_TECHNICIAN: frozenset[JobStatus] = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD})
"""Statuses in which a job must have a technician."""

STATUS_LABEL: Labels[JobStatus] = Labels(
    {
        S.NEW: N_("new"),
        S.TRIAGED: N_("triaged"),
        S.ASSIGNED: N_("assigned"),
        S.IN_PROGRESS: N_("in progress"),
        S.ON_HOLD: N_("on hold"),
        S.DONE: N_("done"),
        S.CANCELLED: N_("cancelled"),
    }
)
"""How statuses read on screen and in messages."""


CLOSING: frozenset[JobStatus] = frozenset({S.DONE, S.CANCELLED})
"""Statuses that close a job for good."""


def undoes_work(current: JobStatus, target: JobStatus) -> bool:
    """Whether the step ``current → target`` throws away something already decided.

    Un-assigning (a job with a technician going back to *triaged* loses its
    technician and its planned visit) and closing (done or cancelled cannot be
    reopened) do; a front end asks before such a step, so one stray key never
    takes it (issue: ``t`` on the board un-assigned without a word).
    """
    if target in CLOSING:
        return True
    return current in NEEDS_TECHNICIAN and target not in NEEDS_TECHNICIAN


def allowed_next(status: JobStatus) -> frozenset[JobStatus]:
    """Statuses a job in ``status`` may move to."""
    return TRANSITIONS[status]


def transition_refusal(current: JobStatus, target: JobStatus) -> str | None:
    """Why a job in ``current`` cannot move to ``target``, naming where it can go; None: it can.

    The one wording of a refused step, for the services (:func:`check_transition`)
    and for a screen's key that is disabled for the selected job.
    """
    if target in TRANSITIONS[current]:
        return None
    options = ", ".join(STATUS_LABEL[s] for s in sorted(TRANSITIONS[current], key=_order))
    return _("A job that is {current} cannot become {target}. {hint}").format(
        current=STATUS_LABEL[current],
        target=STATUS_LABEL[target],
        hint=(
            _("It can become: {options}.").format(options=options)
            if options
            else _("It is closed.")
        ),
    )  # fmt: skip


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
    refused = transition_refusal(current, target)
    if refused is not None:
        raise DomainError(refused)
    if target in NEEDS_TECHNICIAN and not has_technician:
        raise DomainError(_("Assign a technician first."))
    missing = missing_note(target, note)
    if missing is not None:
        raise DomainError(missing)
    if target is S.DONE:
        check_no_running_timer(timer_running)


def missing_note(target: JobStatus, note: str) -> str | None:
    """What a step to ``target`` lacks when ``note`` is empty, or None.

    Done needs a resolution, cancelled and on hold a reason, on every path
    (dispatcher, technician, command line); the command line asks first to
    name its ``--reason`` flag.
    """
    if note.strip():
        return None
    if target is S.DONE:
        return _("Closing a job needs a resolution note.")
    if target is S.CANCELLED:
        return _("Cancelling a job needs a reason.")
    if target is S.ON_HOLD:
        return _("Say why the job is on hold.")
    return None


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


@dataclass(frozen=True)
class StatusStep:
    """What one lifecycle step writes: the job's new state and its history line.

    Built only by :func:`plan_step` and :func:`plan_assignment`, so every write
    of a job's status has passed the table above.
    """

    from_status: JobStatus
    to_status: JobStatus
    technician_id: int | None
    """The job's technician after the step."""
    visit_at: datetime | None
    """The planned visit after the step (aware UTC)."""
    resolution: str
    status_reason: str
    closes: bool
    """The step closes the job (done or cancelled): ``closed_at`` is set."""
    note: str
    """The history line's note."""


def plan_step(
    job: Job, target: JobStatus, note: str = "", *, timer_running: bool = False
) -> StatusStep | None:
    """The write that moves ``job`` to ``target``, or None if it is there already.

    ``note`` is the resolution (done), the reason (cancelled, on hold) or a
    remark. Moving back to *triaged* un-assigns the technician and drops the
    visit; moving on from *on hold* clears its reason.

    Raises:
        DomainError: the job is closed, the step is not in the table, or its
            precondition is unmet (see :func:`check_transition`).
    """
    note = note.strip()
    if job.status is target and job.status.is_open:
        return None
    check_transition(
        job.status, target, has_technician=job.technician_id is not None, note=note,
        timer_running=timer_running,
    )  # fmt: skip
    technician_id, visit_at = job.technician_id, job.visit_at
    resolution, reason = job.resolution, ""
    if target is S.DONE:
        resolution = note
    elif target in (S.CANCELLED, S.ON_HOLD):
        reason = note
    elif target is S.TRIAGED:
        technician_id, visit_at = None, None
    return StatusStep(
        from_status=job.status, to_status=target, technician_id=technician_id,
        visit_at=visit_at, resolution=resolution, status_reason=reason,
        closes=not target.is_open, note=note,
    )  # fmt: skip


def plan_assignment(
    job: Job, technician_id: int, visit_at: datetime | None, note: str
) -> StatusStep:
    """The write that gives ``job`` to a technician (or hands it over to another).

    A new or triaged job becomes *assigned*; a job already under way keeps its
    status, and the step records the hand-over.

    Raises:
        DomainError: the job is closed.
    """
    if not job.status.is_open:
        raise DomainError(_("Job {no} is closed.").format(no=job.number))
    target = S.ASSIGNED if job.status in (S.NEW, S.TRIAGED) else job.status
    if target is not job.status:
        check_transition(job.status, target, has_technician=True)
    return StatusStep(
        from_status=job.status, to_status=target, technician_id=technician_id,
        visit_at=visit_at, resolution=job.resolution, status_reason=job.status_reason,
        closes=False, note=note,
    )  # fmt: skip
