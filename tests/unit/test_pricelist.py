import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.pricelist import (
    PriceListError,
    ProductType,
    default_pricelist_path,
    load_pricelist,
    parse_pricelist,
)


def raw() -> dict[str, Any]:
    return tomllib.loads(default_pricelist_path().read_text(encoding="utf-8"))


def test_shipped_price_list_matches_the_offer() -> None:
    prices = load_pricelist()
    assert prices.vat_rate == Decimal("0.23")
    table = {p.code: (p.hours, p.net, p.gross(prices.vat_rate)) for p in prices.products}
    assert table["service-50h"] == (50, Decimal("2950.00"), Decimal("3628.50"))
    assert table["starter-10h"] == (10, Decimal("600.00"), Decimal("738.00"))
    assert table["network-1h"] == (1, Decimal("100.00"), Decimal("123.00"))
    assert prices.product("it-admin").type is ProductType.MONTHLY
    assert prices.product("it-admin").net is None
    assert prices.product("individual").type is ProductType.INDIVIDUAL
    assert prices.billing.rounding_minutes == 15
    assert prices.billing.hourly_rate_net == Decimal("100.00")
    assert prices.response_targets["emergency"].hours == 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("vat_rate"), "vat_rate"),
        (lambda r: r.update(vat_rate="1.5"), "vat_rate"),
        (lambda r: r["billing"].update(rounding_minutes=0), "billing.rounding_minutes"),
        (lambda r: r["billing"].update(hourly_rate_net="abc"), "billing.hourly_rate_net"),
        (lambda r: r["billing"].update(hourly_rate_net=1.5), "billing.hourly_rate_net"),
        (lambda r: r["products"][0].update(net="-5"), "products[service-50h].net"),
        (lambda r: r["products"][0].update(type="weekly"), "products[service-50h].type"),
        (lambda r: r["products"][1].update(code="service-50h"), "appears twice"),
        (lambda r: r["products"][0].pop("hours"), "products[service-50h].hours"),
        (lambda r: r.pop("products"), "products"),
        (lambda r: r["response_targets"].pop("normal"), "response_targets"),
        (lambda r: r["business_hours"].update(start="25:00"), "business_hours"),
    ],
)
def test_bad_file_names_the_key_and_the_problem(mutate: Any, message: str) -> None:
    doc = raw()
    mutate(doc)
    with pytest.raises(PriceListError) as err:
        parse_pricelist(doc)
    assert message in str(err.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(PriceListError, match="not found"):
        load_pricelist(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("vat_rate = ", encoding="utf-8")
    with pytest.raises(PriceListError, match="not valid TOML"):
        load_pricelist(broken)
