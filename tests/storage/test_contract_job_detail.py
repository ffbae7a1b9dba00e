"""Storage contract: a job's detail read in one pass, and the batch read behind it.

The one-pass read (``dispatch.job_detail_rows``) must give exactly what the
one-query-per-table functions give, on both backends, for every demo job; the
detail service must make one storage hand-off for it, not one per table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.audit_text import people_in_trail
from bbdispatch.domain.board import build_lines, sort_lines
from bbdispatch.pricelist import PriceList
from bbdispatch.services.board import board_lines, board_update, job_detail
from bbdispatch.services.context import Ctx
from bbdispatch.storage import audit, clients, contracts, dispatch, jobs, people, work
from bbdispatch.storage.database import Database


async def test_job_detail_rows_are_what_each_table_read_gives(demo: Database) -> None:
    ids = [r[0] for r in await demo.fetch_all("SELECT id FROM job ORDER BY id")]
    assert ids
    assert await dispatch.job_detail_rows(demo, max(ids) + 1) is None
    for job_id in ids:
        found = await dispatch.job_detail_rows(demo, job_id)
        assert found is not None
        assert found.row == await dispatch.job_row(demo, job_id)
        assert found.client == await clients.get_client(demo, found.row.job.client_id)
        assert found.history == await jobs.status_history(demo, job_id)
        assert found.entries == await work.entries_of_job(demo, job_id)
        assert found.charges == await work.charges_of_entries(demo, [e.id for e in found.entries])
        assert found.trail == await audit.audit_for(demo, "job", job_id)
        named = {found.row.job.technician_id, *(h.technician_id for h in found.history)}
        named |= {e.technician_id for e in found.entries}
        assert found.people == await people.people_with_ids(
            demo, [i for i in named if i is not None]
        )
        assert found.contracts == await contracts.contracts_of(demo, found.row.job.client_id)
        assert found.used == await contracts.used_minutes(demo, [c.id for c in found.contracts])
        assert people_in_trail(found.trail) <= {p.id for p in found.people} | {None}


async def test_a_batch_gives_each_querys_rows_by_name_and_place(demo: Database) -> None:
    sums, none, nulls = await demo.fetch_batch([
        ("SELECT id, name, role FROM technician WHERE login IN (?, ?) ORDER BY id",
         ("kasia", "piotr")),
        ("SELECT id FROM job WHERE id < ?", (0,)),
        ("SELECT SUM(minutes) AS total, NULL AS empty, 'a''b' AS quoted FROM charge", ()),
    ])  # fmt: skip
    assert [tuple(r) for r in sums] == [
        tuple(r) for r in await demo.fetch_all(
            "SELECT id, name, role FROM technician WHERE login IN ('kasia', 'piotr') ORDER BY id")
    ]  # fmt: skip
    assert [r["name"] for r in sums] == [r[1] for r in sums]
    assert list(sums[0].keys()) == ["id", "name", "role"] and len(sums[0]) == 3
    assert none == []
    total = await demo.fetch_value("SELECT SUM(minutes) FROM charge")
    assert (nulls[0]["total"], nulls[0]["empty"], nulls[0][2]) == (total, None, "a'b")
    assert isinstance(nulls[0]["total"], int)


async def test_a_batch_inside_a_transaction_sees_its_writes(demo: Database) -> None:
    async with demo.transaction():
        await demo.execute(
            "INSERT INTO audit_log (id, at, actor, entity, entity_id, action)"
            " VALUES (?, ?, 'x', 'job', 1, 'viewed')",
            (10_000, "2026-11-24T08:42:00Z"),
        )
        (rows,) = await demo.fetch_batch([("SELECT actor FROM audit_log WHERE id = ?", (10_000,))])
        assert [r["actor"] for r in rows] == ["x"]


@pytest.fixture
def counted(demo: Database) -> list[str]:
    """The storage reads made on ``demo`` from now on, by kind."""
    made: list[str] = []
    depth = [0]

    def counting(kind: str, real: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def read(*args: Any) -> Any:
            if not depth[0]:  # a read made by another read is not a second one
                made.append(kind)
            depth[0] += 1
            try:
                return await real(*args)
            finally:
                depth[0] -= 1

        return read

    for kind in ("fetch_all", "fetch_point", "fetch_batch"):
        setattr(demo, kind, counting(kind, getattr(demo, kind)))
    return made


async def test_a_job_detail_is_one_storage_hand_off(
    demo: Database, counted: list[str], clock: FrozenClock, prices: PriceList
) -> None:
    """The dispatcher's rights (the person, their skills, their role's audit row) and one batch."""
    ctx = Ctx(db=demo, clock=clock, prices=prices, actor="beata", login="beata")
    job_id = await demo.fetch_value("SELECT min(id) FROM job WHERE technician_id IS NOT NULL")
    counted.clear()
    detail = await job_detail(ctx, job_id)
    assert detail.history and detail.people
    assert counted.count("fetch_batch") == 1
    assert len(counted) - counted.count("fetch_batch") <= 3  # person, skills, role's audit row


async def test_hold_histories_are_the_whole_histories_of_jobs_ever_on_hold(
    demo: Database,
) -> None:
    every = [r[0] for r in await demo.fetch_all("SELECT id FROM job ORDER BY id")]
    held = {
        r[0]
        for r in await demo.fetch_all(
            "SELECT DISTINCT job_id FROM job_status_change WHERE to_status = 'on_hold'"
        )
    }
    open_ = {r.job.id for r in await jobs.open_job_rows(demo)}
    assert held & open_ and open_ - held  # the demo has open jobs of both kinds
    full = await dispatch.status_histories(demo, every)
    assert await dispatch.hold_histories(demo) == {j: full[j] for j in sorted(held & open_)}
    assert await dispatch.hold_histories(demo, every) == {j: full[j] for j in sorted(held)}
    assert await dispatch.hold_histories(demo, []) == {}


async def test_board_lines_are_those_of_the_whole_histories(
    demo: Database, clock: FrozenClock, prices: PriceList
) -> None:
    """Reading only held jobs' histories changes no line (waiting, response clock, flags)."""
    ctx = Ctx(db=demo, clock=clock, prices=prices, actor="beata", login="beata")
    rows = await jobs.open_job_rows(demo)
    full = await dispatch.status_histories(demo, [r.job.id for r in rows])
    expected = sort_lines(build_lines(rows, full, clock.now(), prices))
    assert any(line.response is not None and line.response.paused for line in expected)
    assert await board_lines(ctx) == expected
    assert (await board_update(ctx)).lines == expected
