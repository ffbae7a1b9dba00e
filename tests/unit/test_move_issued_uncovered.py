"""Uncovered time on an issued statement does not move onto a block signed later (issue 20)."""

from __future__ import annotations

from datetime import date

import pytest

from bbdispatch.domain.errors import DomainError
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, sign_contract
from bbdispatch.services.ledger import move_uncovered
from bbdispatch.services.statements import build_statement, issue_statement
from tests.unit.test_freed_hours import LINGWA, entry
from tests.unit.test_issued_corrections import oct_


async def test_moving_issued_uncovered_time_says_it_is_issued(demo_ctx: Ctx) -> None:
    # Finding 5: "No uncovered time within the dates of BB/2026/…" misled: there was
    # uncovered time, on an issued statement, which stays as issued.
    uncovered = await entry(demo_ctx, oct_(20, 8), 60)
    await issue_statement(demo_ctx, LINGWA, date(2026, 10, 1), date(2026, 11, 23))
    contract_id = await sign_contract(
        demo_ctx, SignRequest(LINGWA, "starter-10h", date(2026, 10, 1))
    )
    with pytest.raises(DomainError, match=r"is on an issued statement and stays billed as issued"):
        await move_uncovered(demo_ctx, contract_id)
    issued = await build_statement(demo_ctx, LINGWA, date(2026, 10, 1), date(2026, 11, 23))
    (line,) = [ln for ln in issued.lines if ln.entry_id == uncovered]
    assert [(c.basis.value, c.minutes) for c in line.charges] == [("uncovered", 60)]
