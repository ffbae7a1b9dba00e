"""Every percentage goes through Babel: the price list, the balances and the documents agree."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bbdispatch.formats import DOCUMENT_LOCALE, format_percent
from bbdispatch.reports.common import vat_label
from tests.unit.test_cli_office import cli
from tests.unit.test_cli_office import db as db  # noqa: F401 (the office database fixture)


def test_the_documents_vat_line_is_babels_polish_percent() -> None:
    assert vat_label(Decimal("0.23")) == f"VAT {format_percent(Decimal('0.23'), DOCUMENT_LOCALE)}"
    assert vat_label(Decimal("0.23")) == "VAT 23%"  # CLDR pl: no space before %
    assert format_percent(Decimal("0.085"), "pl_PL") == "8,5%"
    assert format_percent(Decimal("0.085"), "en_GB") == "8.5%"


def test_pricelist_in_polish_writes_vat_as_the_documents_do(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = cli(db, capsys, "--lang", "pl", "pricelist")
    assert f"VAT {format_percent(Decimal('0.23'), 'pl_PL')}" in out


def test_a_balance_writes_its_percentage_through_babel(polish: None) -> None:
    from datetime import date

    from bbdispatch.domain.contracts import Balance, balance_text
    from bbdispatch.pricelist import ProductType
    from tests.unit.test_intake_service import contract

    text = balance_text(Balance(contract(2, ProductType.BLOCK, date(2026, 11, 1), 600), 570), 80)
    assert "(95%)" in text, text
