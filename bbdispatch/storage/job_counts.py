"""Counting a client's open jobs without decoding them (the phone path's ``lookup``).

Apart from :mod:`bbdispatch.storage.jobs`, whose job dataclasses ``lookup`` has
no use for: it prints how many of the caller's jobs are open, not the jobs
(issue 13: the phone path costs at most 1.5× a bare script).
"""

from __future__ import annotations

from bbdispatch.domain.job_status import OPEN_STATUSES
from bbdispatch.storage.database import Database


async def open_among_latest(db: Database, client_id: int, latest: int) -> int:
    """How many of the client's ``latest`` newest jobs are open.

    The newest by time received (then by number), as
    :func:`bbdispatch.storage.jobs.job_rows_of_client` lists them: the caller's
    card counts the open ones among those it reads.
    """
    marks = ",".join("?" * len(OPEN_STATUSES))
    rows = await db.fetch_point(  # a small indexed read: no hand-off to another thread
        "SELECT count(*) FROM (SELECT status FROM job WHERE client_id = ?"
        " ORDER BY received_at DESC, id DESC LIMIT ?) latest"
        f" WHERE status IN ({marks})",
        (client_id, latest, *(s.value for s in OPEN_STATUSES)),
    )
    return int(rows[0][0]) if rows else 0
