"""Thirty ``ring`` processes at once while the dispatcher's board is open (issue 13).

Rings queue in one place (``screens/ring_watch.py``): one intake on screen, the
others wait and open one by one, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bbdispatch.app import BBDispatch
from screens.intake import IntakeScreen
from tests.helpers import DISPATCHER, settle

RINGS = 30


def _intakes(app: BBDispatch) -> list[IntakeScreen]:
    return [s for s in app.screen_stack if isinstance(s, IntakeScreen)]


def _ring_work(app: BBDispatch) -> bool:
    return any(w.group in {"ring-watch", "ring-next"} and not w.is_finished for w in app.workers)


async def _ring_all(target: str) -> list[int]:
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bbdispatch", "--db", target, "ring", f"500 600 {700 + n:03d}",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "BBDISPATCH_DB": ""},
        )
        for n in range(RINGS)
    ]  # fmt: skip
    outputs = [await asyncio.wait_for(p.communicate(), timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err.decode()
    return [p.returncode or 0 for p in procs]


async def test_thirty_ring_processes_open_one_intake_on_sqlite(
    ctx_factory: Callable[..., Any], demo_db_path: Path
) -> None:
    await thirty_rings(BBDispatch(ctx_factory(), DISPATCHER, poll_seconds=0.1), str(demo_db_path))


async def test_thirty_ring_processes_open_one_intake_on_postgresql(
    pg_ctx_factory: Callable[..., Any], pg_demo_url: str
) -> None:
    await thirty_rings(BBDispatch(pg_ctx_factory(), DISPATCHER, poll_seconds=0.1), pg_demo_url)


async def thirty_rings(app: BBDispatch, target: str) -> None:
    """Ring 30 times at once with the board open: one intake shows, the rest queue."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ringing = asyncio.create_task(_ring_all(target))
        peak = 0
        async with asyncio.timeout(300):
            while not ringing.done():
                peak = max(peak, len(_intakes(app)))
                await pilot.pause(0.02)
            await ringing
            # Every ring looked at: one intake open, the other calls queued behind it.
            while not (_intakes(app) and not _ring_work(app)):
                peak = max(peak, len(_intakes(app)))
                await settle(pilot)
        peak = max(peak, len(_intakes(app)))
        assert (peak, len(_intakes(app))) == (1, 1)
        first = _intakes(app)[0]
        await pilot.press("escape")  # nothing typed: the next waiting call opens in its place
        async with asyncio.timeout(60):
            while _intakes(app) in ([], [first]) or _ring_work(app):
                await settle(pilot)
        assert len(_intakes(app)) == 1 and _intakes(app)[0] is not first
