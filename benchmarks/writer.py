"""The "other process" of the refresh benchmark: commits new jobs, says when.

``python -m benchmarks.writer DB COUNT GAP`` creates COUNT jobs through
``services.jobs.create_job``, GAP seconds apart, and prints one JSON line per
commit: the job id and the wall-clock time right after the commit.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from bbdispatch.clock import SystemClock
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import load_pricelist
from bbdispatch.services.context import Ctx
from bbdispatch.services.jobs import create_job
from bbdispatch.storage.database import Database


async def write(path: str, count: int, gap: float) -> None:
    """Commit ``count`` jobs, ``gap`` seconds apart, reporting each commit."""
    db = await Database.open(path)
    ctx = Ctx(
        db=db,
        clock=SystemClock(),
        prices=load_pricelist(),
        actor="writer",
        fallback=Principal.SYSTEM,
    )
    try:
        for n in range(count):
            await asyncio.sleep(gap)
            job_id = await create_job(
                ctx,
                NewJob(
                    client_id=1,
                    description=f"Benchmark: nowe zgłoszenie {n + 1}",
                    mode=JobMode.REMOTE,
                    priority=Priority.EMERGENCY,
                    category=Category.OTHER,
                ),
            )
            print(json.dumps({"job_id": job_id, "committed_at": time.time()}), flush=True)
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(write(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
