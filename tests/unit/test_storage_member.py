"""Stored enum values decode by look-up, and unknown ones still fail as before."""

from __future__ import annotations

import pytest

from bbdispatch.domain.jobs import JobStatus, Priority
from bbdispatch.storage.database import member


def test_member_decodes_every_stored_value() -> None:
    for kind in (JobStatus, Priority):
        for m in kind:
            assert member(kind, m.value) is kind(m.value)


def test_an_unknown_stored_value_raises_like_the_enum() -> None:
    with pytest.raises(ValueError, match="bogus"):
        member(JobStatus, "bogus")
