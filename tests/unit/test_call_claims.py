"""A reported call held by an intake (issue 13, B): only the session holding it lets it go."""

from __future__ import annotations

import pytest

from bbdispatch.domain.calls import CallOutcome
from bbdispatch.domain.errors import DomainError
from bbdispatch.services import intake
from bbdispatch.services.context import Ctx


async def test_an_intake_closed_untouched_releases_only_its_own_claim(
    demo_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_id, _match = await intake.record_ring(demo_ctx, "22 628 12 34")
    assert await intake.claim_call(demo_ctx, call_id)
    # A second dispatcher (another machine) takes the same ring and holds it now.
    monkeypatch.setattr(intake, "this_session", lambda: "elsewhere:1:1")
    assert await intake.claim_call(demo_ctx, call_id)
    monkeypatch.undo()
    await intake.release_call(demo_ctx, call_id)  # the first intake closes untouched
    with pytest.raises(DomainError, match="is being taken by"):
        await intake.mark_call(demo_ctx, call_id, CallOutcome.MISSED)
    call = await intake.get_call(demo_ctx, call_id)
    assert intake.typed_request(call) == ""
