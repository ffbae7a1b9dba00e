from __future__ import annotations

import pytest

from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.lifecycle import TRANSITIONS, allowed_next, check_transition

S = JobStatus
ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
FORBIDDEN = [(a, b) for a in S for b in S if b not in TRANSITIONS[a]]


def test_the_table_covers_every_status_and_closed_jobs_stay_closed() -> None:
    assert set(TRANSITIONS) == set(S)
    assert allowed_next(S.DONE) == frozenset()
    assert allowed_next(S.CANCELLED) == frozenset()
    assert S.DONE in allowed_next(S.IN_PROGRESS)
    assert S.DONE in allowed_next(S.ASSIGNED)
    assert S.DONE not in allowed_next(S.TRIAGED)


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_steps_pass_with_their_preconditions(current: S, target: S) -> None:
    check_transition(current, target, has_technician=True, note="ok")


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_steps_are_refused_with_a_clear_message(current: S, target: S) -> None:
    with pytest.raises(DomainError, match="cannot become"):
        check_transition(current, target, has_technician=True, note="ok")


def test_message_lists_what_is_possible() -> None:
    with pytest.raises(DomainError) as err:
        check_transition(S.NEW, S.DONE, has_technician=True, note="x")
    assert str(err.value) == (
        "A job that is new cannot become done. It can become: triaged, assigned, cancelled."
    )


def test_preconditions() -> None:
    with pytest.raises(DomainError, match="resolution"):
        check_transition(S.IN_PROGRESS, S.DONE, has_technician=True, note="  ")
    with pytest.raises(DomainError, match="timer"):
        check_transition(S.IN_PROGRESS, S.DONE, has_technician=True, note="x", timer_running=True)
    with pytest.raises(DomainError, match="reason"):
        check_transition(S.NEW, S.CANCELLED, has_technician=False)
    with pytest.raises(DomainError, match="technician"):
        check_transition(S.NEW, S.ASSIGNED, has_technician=False)


@pytest.mark.parametrize("current", [S.ASSIGNED, S.IN_PROGRESS])
def test_on_hold_needs_a_reason_on_every_path(current: JobStatus) -> None:
    """The one check every path runs: on hold without a reason is refused."""
    with pytest.raises(DomainError, match="on hold"):
        check_transition(current, S.ON_HOLD, has_technician=True, note=" ")
    check_transition(current, S.ON_HOLD, has_technician=True, note="parts")
