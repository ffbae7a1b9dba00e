from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bbdispatch.formats import format_money
from bbdispatch.money import (
    MoneyError,
    format_plain,
    from_grosze,
    gross_of,
    parse_money,
    rate_from_bp,
    rate_to_bp,
    to_grosze,
    vat_of,
)
from bbdispatch.taxid import InvalidNip, format_nip, parse_nip


@pytest.mark.parametrize(
    "raw", ["5260001246", "526-000-12-46", "PL 526 000 12 46", "526 00 01 246"]
)
def test_valid_nip_in_any_form(raw: str) -> None:
    assert parse_nip(raw) == "5260001246"
    assert format_nip("5260001246") == "526-000-12-46"


@pytest.mark.parametrize("raw", ["5260001245", "123", "abcdefghij", "52600012460", ""])
def test_invalid_nip_is_refused(raw: str) -> None:
    with pytest.raises(InvalidNip, match="Invalid NIP"):
        parse_nip(raw)


@pytest.mark.parametrize(
    ("net", "gross"), [("2950.00", "3628.50"), ("600.00", "738.00"), ("100.00", "123.00")]
)
def test_offer_prices_gross_exactly(net: str, gross: str) -> None:
    assert gross_of(Decimal(net), Decimal("0.23")) == Decimal(gross)


def test_half_up_rounding_to_the_grosz() -> None:
    assert vat_of(Decimal("0.50"), Decimal("0.23")) == Decimal("0.12")  # 0.115 -> 0.12
    assert vat_of(Decimal("0.10"), Decimal("0.23")) == Decimal("0.02")  # 0.023 -> 0.02


@given(st.integers(min_value=0, max_value=10**10))
def test_grosze_round_trip_and_gross_is_net_plus_vat(grosze: int) -> None:
    net = from_grosze(grosze)
    assert to_grosze(net) == grosze
    rate = Decimal("0.23")
    assert gross_of(net, rate) == net + vat_of(net, rate)


def test_parse_and_format() -> None:
    assert parse_money("2 950,00") == Decimal("2950.00")
    assert parse_money("100") == Decimal("100.00")
    assert format_plain(Decimal("3628.5")) == "3628.50"
    assert format_money(Decimal("3628.50"), "pl_PL") == "3 628,50 zł"
    assert rate_from_bp(rate_to_bp(Decimal("0.23"))) == Decimal("0.23")
    for bad in ("abc", "1.005", "NaN", "1e30", "-1e30", "Infinity"):
        with pytest.raises(MoneyError):
            parse_money(bad)


async def test_a_contract_needs_a_positive_agreed_price(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from bbdispatch.domain.errors import DomainError
    from bbdispatch.services.contracts import SignRequest, sign_contract

    for bad in (Decimal("-100.00"), Decimal("0.00")):
        with pytest.raises(DomainError, match="more than zero"):
            await sign_contract(
                demo_ctx, SignRequest(3, "it-admin", date(2026, 12, 1), agreed_net=bad)
            )


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_grosze_decode_to_the_grosz_with_the_same_digits(grosze: int) -> None:
    """``from_grosze`` moves the decimal point; it must equal the division it replaced,
    value and digits (``Decimal("2950.00")``, never ``2950`` or ``2.95E+3``)."""
    expected = (Decimal(grosze) / 100).quantize(Decimal("0.01"))
    got = from_grosze(grosze)
    assert got == expected
    assert got.as_tuple() == expected.as_tuple()
    assert str(got) == str(expected)
