"""``lookup``'s caller summary says what the caller card says, decoding less (issue 13)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.pricelist import PriceList
from bbdispatch.services.caller_card import caller_card, caller_summary
from bbdispatch.services.client_view import client_overview
from bbdispatch.services.context import Ctx
from bbdispatch.storage.database import Database
from screens.widgets.caller_card import card_content
from tests.helpers import query


async def test_the_summary_has_the_cards_active_contracts_and_open_jobs(
    demo_ctx: Ctx, demo_db_path: Path
) -> None:
    client_ids = [int(r[0]) for r in query(demo_db_path, "SELECT id FROM client")]
    assert client_ids
    for client_id in client_ids:
        card = await caller_card(demo_ctx, client_id)
        summary = await caller_summary(demo_ctx, client_id)
        assert summary.balances == [
            b for b in card.balances if b.contract.status is ContractStatus.ACTIVE
        ]
        assert summary.open_jobs == len(card.open_jobs)


def _busy_client(db_path: Path) -> int:
    """Forma (698 765 432) given 35 open jobs received long ago and 4 closed ones since.

    The 30 newest jobs then hold only 26 of the open ones: the card and
    ``lookup`` once counted those and said 26 (or 30) when the client had 35.
    """
    (row,) = query(db_path, "SELECT id FROM client WHERE name = 'Pracownia Architektoniczna Forma'")
    client_id = int(row[0])
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DELETE FROM job WHERE client_id = ? AND status NOT IN ('done', 'cancelled')", (client_id,))  # fmt: skip
        for n in range(39):
            closed = n >= 35
            conn.execute(
                "INSERT INTO job (client_id, received_at, description, mode, priority, category,"
                " status, resolution, updated_at) VALUES (?, ?, ?, 'remote', 'normal', 'other',"
                " ?, ?, ?)",
                (
                    client_id, f"2020-01-01T{n // 60:02d}:{n % 60:02d}:00Z" if not closed
                    else f"2026-11-2{n - 35}T10:00:00Z", f"Request {n}",
                    "done" if closed else "new", "Fixed" if closed else "",
                    "2026-11-29T10:00:00Z",
                ),
            )  # fmt: skip
    conn.close()
    return client_id


async def test_every_open_job_counts_not_only_those_among_the_newest(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    client_id = _busy_client(demo_db_path)
    open_in_db = query(
        demo_db_path,
        "SELECT count(*) FROM job WHERE client_id = ? AND status NOT IN ('done', 'cancelled')",
        (client_id,),
    )[0][0]
    assert open_in_db == 35
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
        card = await caller_card(ctx, client_id)
        assert len(card.open_jobs) == 35
        assert [r.job.description for r in card.last_jobs] == [
            "Request 38",
            "Request 37",
            "Request 36",
        ]
        assert (await caller_summary(ctx, client_id)).open_jobs == 35
        shown = card_content(card, clock.now().date(), 80).plain
        assert "… 32 more open" in shown
        overview = await client_overview(ctx, client_id)
        assert len(overview.open_jobs) == 35
        assert [r.job.description for r in overview.recent_jobs][:3] == [
            "Request 38", "Request 37", "Request 36",
        ]  # fmt: skip
    finally:
        await db.close()


def test_lookup_says_every_open_job(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _busy_client(demo_db_path)
    assert main(["--db", str(demo_db_path), "lookup", "698 765 432"]) == 0
    assert "35 open jobs" in capsys.readouterr().out
