"""``lookup``'s caller summary says what the caller card says, decoding less (issue 13)."""

from __future__ import annotations

from pathlib import Path

from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.services.caller_card import caller_card, caller_summary
from bbdispatch.services.context import Ctx
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
