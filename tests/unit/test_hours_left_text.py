"""The technician's card says how many hours each contract has left (issue 12)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bbdispatch.domain.contracts import Balance, ContractStatus, hours_left_text
from bbdispatch.pricelist import ProductType
from tests.unit.test_intake_service import contract


def test_a_block_says_its_hours_left_with_the_warning() -> None:
    block = contract(2, ProductType.BLOCK, date(2026, 11, 1), 600)
    text = hours_left_text(Balance(block, 570), 80)
    assert text.endswith(": 0.5 h left of 10 h ⚠"), text
    assert "used" not in text and "charged" not in text


def test_contracts_without_a_block_say_how_time_is_paid() -> None:
    hourly = contract(3, ProductType.HOURLY, date(2026, 11, 1), None)
    monthly = contract(4, ProductType.MONTHLY, date(2026, 11, 1), None)
    assert hours_left_text(Balance(hourly, 240), 80).endswith(
        ": billed by the hour, no hours prepaid"
    )
    assert hours_left_text(Balance(monthly, 240), 80).endswith(": monthly fee, no hour limit")


def test_a_closed_contract_has_no_hours_left() -> None:
    block = replace(
        contract(2, ProductType.BLOCK, date(2026, 11, 1), 600), status=ContractStatus.CLOSED
    )
    assert hours_left_text(Balance(block, 60), 80).endswith(": closed, no hours left")
