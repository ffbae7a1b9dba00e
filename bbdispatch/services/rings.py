"""Calls the phone system reported (``bbdispatch ring``), for the running dispatcher App.

Kept apart from the intake service so the App can watch for rings from its
first frame without loading phone and tax-id parsing at start-up.
"""

from __future__ import annotations

from bbdispatch.domain.calls import CallLogEntry
from bbdispatch.services.context import Ctx
from bbdispatch.storage import calls as store


async def latest_call_id(ctx: Ctx) -> int:
    """Baseline for :func:`pending_rings_after`, taken when the App starts."""
    return await store.latest_call_id(ctx.db)


async def pending_rings_after(ctx: Ctx, after_id: int) -> list[CallLogEntry]:
    """Calls the phone system reported since the baseline that nobody handled yet."""
    return await store.pending_ring_calls_after(ctx.db, after_id)
