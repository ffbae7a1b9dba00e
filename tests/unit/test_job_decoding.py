"""The board's decoding of job rows fills each frozen Job at once and gives the same Job.

Issue 19, item 7 (board data within 3x its bare query): ``storage.jobs.job_at``
no longer goes through the frozen dataclass's ``__init__`` (24 fields set one
by one); what it gives must be indistinguishable from a Job built normally.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bbdispatch.domain.jobs import Category, Job, JobMode, JobStatus, Priority
from bbdispatch.storage import jobs

FULL = (
    7, 3, 11, "+48601234567", "Pani Ewa", "2026-11-24T08:30:00Z", "Drukarka", "onsite",
    "emergency", "hardware", "on_hold", 5, "2026-11-25T09:00:00Z", "ul. Długa 1", 8000,
    "", "czeka na część", 4, "2026-11-24T00:00:00Z", 1, None, "2026-11-24T08:31:00Z",
    "Kopia nieudana", 35000,
)  # fmt: skip
BARE = (
    8, 3, None, None, "", "2026-11-24T08:30:00Z", "Serwer", "remote", "normal", "other",
    "new", None, None, "", None, "", "", None, None, 0, None, "2026-11-24T08:30:00Z", "", None,
)  # fmt: skip


def built(row: tuple[object, ...]) -> Job:
    """The same row decoded through Job's own constructor, field by field."""
    decoded = jobs.job_at(row)
    return Job(**{f.name: getattr(decoded, f.name) for f in dataclasses.fields(Job)})


@pytest.mark.parametrize("row", [FULL, BARE])
def test_a_decoded_job_is_a_job_like_any_other(row: tuple[object, ...]) -> None:
    job = jobs.job_at(row)
    same = built(row)
    assert job == same and hash(job) == hash(same) and repr(job) == repr(same)
    assert dataclasses.replace(job, description="x") == dataclasses.replace(same, description="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        job.description = "changed"  # type: ignore[misc]


def test_the_decoded_fields_have_their_domain_types() -> None:
    job = jobs.job_at(FULL)
    assert (job.mode, job.priority, job.category, job.status) == (
        JobMode.ONSITE, Priority.EMERGENCY, Category.HARDWARE, JobStatus.ON_HOLD,
    )  # fmt: skip
    assert job.received_at == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    assert job.visit_at == datetime(2026, 11, 25, 9, tzinfo=UTC)
    assert (job.agreed_rate, job.agreed_price) == (Decimal("80.00"), Decimal("350.00"))
    assert job.late is True and job.closed_at is None
    bare = jobs.job_at(BARE)
    assert (bare.visit_at, bare.agreed_rate, bare.occurrence_at, bare.late) == (
        None, None, None, False,
    )  # fmt: skip


def test_an_unknown_stored_value_is_still_refused() -> None:
    with pytest.raises(ValueError, match="teleport"):
        jobs.job_at(FULL[:7] + ("teleport",) + FULL[8:])
