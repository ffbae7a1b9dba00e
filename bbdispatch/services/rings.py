"""Calls the phone system reported (``bbdispatch ring``), for the running dispatcher App.

Kept apart from the intake service so the App can watch for rings from its
first frame without loading phone and tax-id parsing at start-up.
"""

from __future__ import annotations

import asyncio

from bbdispatch.domain.calls import CallLogEntry, CallSource
from bbdispatch.domain.rights import Action
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import calls as store


async def latest_call_id(ctx: Ctx) -> int:
    """Baseline for :func:`pending_rings_after`, taken when the App starts."""
    await check(ctx, Action.CALL_LOG)
    return await store.latest_call_id(ctx.db)


async def pending_rings_after(ctx: Ctx, after_id: int) -> list[CallLogEntry]:
    """Calls the phone system reported since the baseline that nobody handled yet."""
    await check(ctx, Action.CALL_LOG)
    return await store.pending_ring_calls_after(ctx.db, after_id)


async def waiting_calls(ctx: Ctx) -> list[CallLogEntry]:
    """The calls waiting for a dispatcher, oldest first: the one rule for F3, counts and lists.

    A waiting call is one nobody handled that nobody is taking: a ring not yet
    answered (whenever it came: before this session started too), or a call
    taken by hand whose session ended before it was saved (interrupted,
    :func:`bbdispatch.services.intake.call_interrupted`). A call an intake holds
    open in a living session is being taken, not waiting.
    """
    await check(ctx, Action.CALL_LOG)
    calls = await store.pending_calls(ctx.db)
    if all(call.source is CallSource.RING for call in calls):
        return calls
    from bbdispatch.services.call_sessions import call_interrupted  # only for one taken by hand

    return [c for c in calls if c.source is CallSource.RING or call_interrupted(c)]


RING_DEADLINE_SECONDS = 1.0
"""A ``ring`` lands or is queued within this long of the phone system starting it."""
SPOOL_MARGIN_SECONDS = 0.15
"""Kept back from the deadline for queueing the call (one small file, flushed to disk)."""
RING_LOCK_WAIT_SECONDS = RING_DEADLINE_SECONDS - SPOOL_MARGIN_SECONDS
"""How long a ring on an open connection tries for the write lock before it is spooled."""
MIN_LOCK_WAIT_SECONDS = 0.05
"""A ring whose process started late still tries the lock this long (a few attempts)."""


def ring_lock_wait(started: float, now: float) -> float:
    """How long a ring may wait for the write lock, so that it lands or queues in time.

    A busy machine (load 10 and more on two cores) can take most of a second
    just to start the ``ring`` process: that time counts against
    :data:`RING_DEADLINE_SECONDS` too, so a late start waits less for the lock
    and queues the call sooner rather than keep the phone system waiting.

    Args:
        started: when the process started, on :func:`time.monotonic`'s scale (seconds).
        now: the same clock now.

    Returns:
        Seconds, between :data:`MIN_LOCK_WAIT_SECONDS` and :data:`RING_LOCK_WAIT_SECONDS`.
    """
    left = RING_LOCK_WAIT_SECONDS - max(0.0, now - started)
    return min(RING_LOCK_WAIT_SECONDS, max(MIN_LOCK_WAIT_SECONDS, left))


@saves
async def replay_spooled_rings(ctx: Ctx) -> int:
    """Log the calls spooled while the database was busy, each at its own time.

    Each call is claimed (so that two processes replaying at once never log it
    twice), committed, then its spool file deleted; returns how many were
    logged. Called by every ``ring``, by ``schedule run`` and by the running
    dispatcher, so a spooled call waits no longer than the next of those.
    """
    await check(ctx, Action.CALL_RING)
    from bbdispatch.services.callers import record_ring
    from bbdispatch.storage import spool

    if not spool.spool_dir(ctx.db.path).is_dir():  # one stat; no thread for an empty spool
        return 0
    replayed = 0
    for queued in await asyncio.to_thread(spool.spooled_rings, ctx.db.path):
        ring = await asyncio.to_thread(spool.claim, queued)
        if ring is None:
            continue  # another process is logging it
        try:
            await record_ring(ctx, ring.number, received_at=ring.received_at)
        except BaseException:
            await asyncio.to_thread(spool.release, ring)
            raise
        await asyncio.to_thread(spool.forget, ring)
        replayed += 1
    return replayed
