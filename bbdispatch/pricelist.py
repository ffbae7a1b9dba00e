"""The firm's price list and billing rules, loaded from ``data/pricelist.toml``.

The file is validated as a whole at start; a bad file raises
:class:`PriceListError` naming the key and the problem, so the firm can fix
its file without reading Python. The problem is in the session's language
(the keys are the file's own, in English); the language is chosen before the
price list is read.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bbdispatch.domain.products import ProductType as ProductType
from bbdispatch.domain.products import register_product_names
from bbdispatch.i18n import _
from bbdispatch.money import MoneyError, gross_of, parse_money, vat_of
from bbdispatch.paths import reference_data_dir

CATEGORIES = ("hardware", "software", "network", "backup", "training", "other")
CLIENT_KINDS = ("company", "private")
"""The kinds of client a product's ``clients`` may list (the values of ``ClientKind``)."""


class PriceListError(ValueError):
    """The price list file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Product:
    """One line of the price list."""

    code: str
    """Stable identifier, e.g. ``service-50h``."""
    name: str
    """Polish name as on the firm's offer."""
    name_en: str
    """English name for logs and developers."""
    type: ProductType
    """How it is billed."""
    hours: int | None
    """Hours in the block (or 1 for an hourly product); None for agreed prices."""
    net: Decimal | None
    """Net price of the block or hour; None where the price is agreed per client."""
    needs_assessment: bool = False
    """A contract of this product requires a recorded needs assessment."""
    categories: tuple[str, ...] = ()
    """Job categories this product covers (empty: any)."""
    once_per_client: bool = False
    """A client signs it at most once (the starter contract: "na początek", per the offer)."""
    short: str = ""
    """Polish short name for narrow places (the contracts table, job cards), e.g.
    ``Serwisowa``; empty: the name."""
    short_en: str = ""
    """English short name, e.g. ``Service``; empty: the English name."""
    clients: tuple[str, ...] = ()
    """The kinds of client that may have it (``company``, ``private``); empty: any.
    The offer's contracts are for companies; private persons' prices are agreed
    on each job (``clients = ["company"]`` in ``data/pricelist.toml``)."""

    def for_kind(self, kind: str) -> bool:
        """Whether a client of this kind (``company``, ``private``) may have the product."""
        return not self.clients or kind in self.clients

    @property
    def signable(self) -> bool:
        """Whether it is signed as a contract (individual prices are agreed on each job)."""
        return self.type is not ProductType.INDIVIDUAL

    def gross(self, vat_rate: Decimal) -> Decimal | None:
        """Gross price at the given VAT rate, exact to the grosz."""
        return None if self.net is None else gross_of(self.net, vat_rate)

    def vat(self, vat_rate: Decimal) -> Decimal | None:
        """VAT amount at the given rate."""
        return None if self.net is None else vat_of(self.net, vat_rate)


@dataclass(frozen=True)
class ResponseTarget:
    """How quickly a job of one priority must be answered."""

    hours: int = 0
    """Clock hours (used for emergencies)."""
    business_days: int = 0
    """Working days of the firm's business hours."""


@dataclass(frozen=True)
class BusinessHours:
    """The firm's working hours, in its own time zone."""

    start: time = time(8, 0)
    end: time = time(16, 0)
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    """ISO weekdays (Monday = 1)."""


@dataclass(frozen=True)
class ClosedDay:
    """A day the firm itself is closed, on top of public holidays and weekends."""

    day: date
    name: str = ""
    """Why, for people reading a due time ("stocktaking"); may be empty."""


@dataclass(frozen=True)
class BillingRules:
    """How time becomes money."""

    rounding_minutes: int
    """Each entry is billed rounded up to this many minutes."""
    hourly_rate_net: Decimal
    """Net rate for uncovered time and the default agreed rate."""
    warn_percent: int
    """A block this much used gets a warning; 100 % always does."""
    timer_limit_hours: int
    """A running timer past this is flagged as forgotten."""
    travel_minutes: int
    """Travel time around on-site visits, for overlap checks."""
    visit_minutes: int
    """Default length of an on-site visit."""


@dataclass(frozen=True)
class Seller:
    """The firm that issues statements, as ``[seller]`` in the price list names it."""

    name: str = "BB SOFT"
    address: str = ""
    nip: str = ""
    series: str = "WP"
    """Statement numbers are ``{series}/YYYY/MM/NNN`` by the month of issue."""


@dataclass(frozen=True)
class PriceList:
    """Everything in ``pricelist.toml``, validated."""

    currency: str
    vat_rate: Decimal
    billing: BillingRules
    products: tuple[Product, ...]
    response_targets: Mapping[str, ResponseTarget] = field(default_factory=dict)
    business_hours: BusinessHours = BusinessHours()
    closed_days: tuple[ClosedDay, ...] = ()
    """The firm's own closed days from ``[calendar] closed_days``, in date order."""
    seller: Seller = Seller()
    """Who issues the statements (``[seller]``)."""

    def product(self, code: str) -> Product:
        """Find a product by code.

        Raises:
            KeyError: when the code is not on the price list.
        """
        for product in self.products:
            if product.code == code:
                return product
        raise KeyError(code)


PRICELIST_ENV = "BBDISPATCH_PRICELIST"
"""The environment variable naming the firm's own price list file."""

_chosen: Path | None = None


def use_pricelist_file(path: str | Path | None) -> None:
    """Use this price list file for the rest of the process (``--pricelist``); None: the default."""
    global _chosen  # noqa: PLW0603 (one choice per process, made by the entry point)
    _chosen = None if path is None else Path(path).expanduser()


def shipped_pricelist_path() -> Path:
    """The example price list shipped with the app (read-only, replaced on upgrade)."""
    return reference_data_dir() / "pricelist.toml"


def default_pricelist_path() -> Path:
    """The price list in use: ``--pricelist``, else ``$BBDISPATCH_PRICELIST``, else the shipped one.

    A firm keeps its own prices and closed days in its own file (beside the
    database, under ``/etc``…) and names it once; editing the shipped copy has no
    effect after ``pip install`` and is lost on upgrade (``docs/pricelist.md``).
    """
    if _chosen is not None:
        return _chosen
    from_env = os.environ.get(PRICELIST_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return shipped_pricelist_path()


def pricelist_origin(path: Path) -> str:
    """Where a price list comes from, for ``pricelist`` and ``doctor``.

    ``--pricelist``, ``$BBDISPATCH_PRICELIST`` or ``shipped`` (the example in the package).
    """
    if _chosen is not None and path == _chosen:
        return "--pricelist"
    if path != shipped_pricelist_path():
        return "$" + PRICELIST_ENV
    return "shipped"


def load_pricelist(path: Path | None = None) -> PriceList:
    """Read and validate the price list (:func:`default_pricelist_path` unless given).

    Raises:
        PriceListError: naming the file, the key and what is wrong with it.
    """
    path = path or default_pricelist_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise PriceListError(_("price list not found: {path}").format(path=path)) from err
    except IsADirectoryError as err:
        raise PriceListError(
            _("price list is a folder, not a file: {path}").format(path=path)
        ) from err
    except PermissionError as err:
        raise PriceListError(_("price list not readable: {path}").format(path=path)) from err
    except UnicodeDecodeError as err:
        raise PriceListError(_("{path}: not UTF-8 text").format(path=path)) from err
    except tomllib.TOMLDecodeError as err:
        raise PriceListError(
            _("{path}: not valid TOML: {error}").format(path=path, error=err)
        ) from err
    try:
        return parse_pricelist(raw)
    except PriceListError as err:
        raise PriceListError(f"{path}: {err}") from err


def parse_pricelist(raw: Mapping[str, Any]) -> PriceList:
    """Validate an already-parsed price list document."""
    vat_rate = _rate(raw, "vat_rate")
    billing_raw = _table(raw, "billing")
    billing = BillingRules(
        rounding_minutes=_int(billing_raw, "billing.rounding_minutes", minimum=1, maximum=60),
        hourly_rate_net=_money(billing_raw, "billing.hourly_rate_net"),
        warn_percent=_int(billing_raw, "billing.warn_percent", minimum=1, maximum=100),
        timer_limit_hours=_int(billing_raw, "billing.timer_limit_hours", minimum=1, maximum=24),
        travel_minutes=_int(billing_raw, "billing.travel_minutes", minimum=0, maximum=480),
        visit_minutes=_int(billing_raw, "billing.visit_minutes", minimum=1, maximum=1440),
    )
    products_raw = raw.get("products")
    if not isinstance(products_raw, list) or not products_raw:
        raise PriceListError(
            _("{where}: at least one [[products]] entry is required").format(where="products")
        )
    products = tuple(_product(p, i) for i, p in enumerate(products_raw))
    codes = [p.code for p in products]
    for code in codes:
        if codes.count(code) > 1:
            raise PriceListError(
                _("{where}: code {code} appears twice").format(where="products", code=repr(code))
            )
    register_product_names(
        {p.code: (p.name, p.name_en, p.short or p.name, p.short_en or p.name_en) for p in products}
    )
    targets = {
        name: _target(
            _table(_table(raw, "response_targets"), name, "response_targets."),
            f"response_targets.{name}",
        )
        for name in ("emergency", "normal", "low")
    }
    return PriceList(
        currency=str(raw.get("currency", "PLN")),
        vat_rate=vat_rate,
        billing=billing,
        products=products,
        response_targets=targets,
        business_hours=_business_hours(raw.get("business_hours", {})),
        closed_days=_closed_days(raw.get("calendar", {})),
        seller=_seller(raw.get("seller", {})),
    )


def _seller(raw: Any) -> Seller:
    if not isinstance(raw, Mapping):
        raise PriceListError(_("{where}: must be a table").format(where="seller"))
    for key in ("name", "address", "nip", "series"):
        if key in raw and not isinstance(raw[key], str):
            raise PriceListError(_("{where}: must be text").format(where=f"seller.{key}"))
    series = str(raw.get("series", "WP")).strip()
    if not series or "/" in series:
        raise PriceListError(
            _("{where}: give a prefix without '/', e.g. \"WP\"").format(where="seller.series")
        )
    return Seller(
        name=str(raw.get("name", "BB SOFT")).strip() or "BB SOFT",
        address=str(raw.get("address", "")).strip(),
        nip=str(raw.get("nip", "")).strip(),
        series=series,
    )


def _product(raw: Any, index: int) -> Product:
    where = f"products[{index}]"
    if not isinstance(raw, dict):
        raise PriceListError(_("{where}: must be a table").format(where=where))
    code = _str(raw, f"{where}.code")
    where = f"products[{code}]"
    try:
        ptype = ProductType(_str(raw, f"{where}.type"))
    except ValueError as err:
        choices = ", ".join(t.value for t in ProductType)
        raise PriceListError(
            _("{where}: must be one of {choices}").format(where=f"{where}.type", choices=choices)
        ) from err
    hours: int | None = None
    net: Decimal | None = None
    if ptype in (ProductType.BLOCK, ProductType.HOURLY):
        hours = _int(raw, f"{where}.hours", minimum=1, maximum=10000)
        net = _money(raw, f"{where}.net")
    kinds = raw.get("clients", [])
    if not isinstance(kinds, list) or any(k not in CLIENT_KINDS for k in kinds):
        raise PriceListError(
            _("{where}: must list client kinds from {kinds}").format(
                where=f"{where}.clients", kinds=CLIENT_KINDS
            )
        )
    categories = raw.get("categories", [])
    if not isinstance(categories, list) or any(c not in CATEGORIES for c in categories):
        raise PriceListError(
            _("{where}: must list categories from {categories}").format(
                where=f"{where}.categories", categories=CATEGORIES
            )
        )
    return Product(
        code=code,
        name=_str(raw, f"{where}.name"),
        name_en=str(raw.get("name_en", raw["name"])),
        type=ptype,
        hours=hours,
        net=net,
        needs_assessment=bool(raw.get("needs_assessment", False)),
        categories=tuple(categories),
        once_per_client=bool(raw.get("once_per_client", False)),
        short=str(raw.get("short", "")),
        short_en=str(raw.get("short_en", "")),
        clients=tuple(kinds),
    )


def _target(raw: Mapping[str, Any], where: str) -> ResponseTarget:
    hours = raw.get("hours", 0)
    days = raw.get("business_days", 0)
    if not isinstance(hours, int) or not isinstance(days, int) or hours < 0 or days < 0:
        raise PriceListError(
            _("{where}: hours and business_days must be whole numbers >= 0").format(where=where)
        )
    if hours == 0 and days == 0:
        raise PriceListError(_("{where}: set hours or business_days").format(where=where))
    return ResponseTarget(hours=hours, business_days=days)


def _business_hours(raw: Any) -> BusinessHours:
    if not isinstance(raw, dict):
        raise PriceListError(_("{where}: must be a table").format(where="business_hours"))
    try:
        start = time.fromisoformat(str(raw.get("start", "08:00")))
        end = time.fromisoformat(str(raw.get("end", "16:00")))
    except ValueError as err:
        raise PriceListError(
            _("{where}: use HH:MM").format(where="business_hours.start/end")
        ) from err
    if end <= start:
        raise PriceListError(_("{where}: must be after start").format(where="business_hours.end"))
    weekdays = raw.get("weekdays", [1, 2, 3, 4, 5])
    if (
        not isinstance(weekdays, list)
        or not weekdays
        or any(d not in range(1, 8) for d in weekdays)
    ):
        raise PriceListError(
            _("{where}: list ISO weekdays 1 (Mon) to 7 (Sun)").format(
                where="business_hours.weekdays"
            )
        )
    return BusinessHours(start=start, end=end, weekdays=tuple(weekdays))


def _closed_days(raw: Any) -> tuple[ClosedDay, ...]:
    """``[calendar] closed_days``: dates, or tables ``{ day = 2026-12-31, name = "…" }``."""
    if not isinstance(raw, dict):
        raise PriceListError(_("{where}: must be a table").format(where="calendar"))
    items = raw.get("closed_days", [])
    if not isinstance(items, list):
        raise PriceListError(
            _("{where}: must be a list of dates").format(where="calendar.closed_days")
        )
    found: dict[date, ClosedDay] = {}
    for index, item in enumerate(items):
        where = f"calendar.closed_days[{index}]"
        value, name = (
            (item.get("day"), item.get("name", "")) if isinstance(item, dict) else (item, "")
        )
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(value)
        if not isinstance(value, date) or isinstance(value, datetime) or not isinstance(name, str):
            raise PriceListError(
                _(
                    '{where}: use a date like 2026-12-31 or {{ day = 2026-12-31, name = "why" }}'
                ).format(where=where)
            )
        if value in found:
            raise PriceListError(
                _("{where}: {day} is listed twice").format(where=where, day=value.isoformat())
            )
        found[value] = ClosedDay(value, name.strip())
    return tuple(found[d] for d in sorted(found))


def _table(raw: Mapping[str, Any], key: str, parent: str = "") -> Mapping[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise PriceListError(_("{where}: missing table [{where}]").format(where=f"{parent}{key}"))
    return value


def _str(raw: Mapping[str, Any], where: str) -> str:
    value = raw.get(where.rsplit(".", 1)[-1])
    if not isinstance(value, str) or not value.strip():
        raise PriceListError(_("{where}: required text is missing").format(where=where))
    return value


def _int(raw: Mapping[str, Any], where: str, minimum: int, maximum: int) -> int:
    value = raw.get(where.rsplit(".", 1)[-1])
    if not isinstance(value, int) or isinstance(value, bool):
        raise PriceListError(_("{where}: must be a whole number").format(where=where))
    if not minimum <= value <= maximum:
        raise PriceListError(
            _("{where}: must be between {minimum} and {maximum}, not {value}").format(
                where=where, minimum=minimum, maximum=maximum, value=value
            )
        )
    return value


def _money(raw: Mapping[str, Any], where: str) -> Decimal:
    value = raw.get(where.rsplit(".", 1)[-1])
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise PriceListError(
            _('{where}: must be an amount in quotes, e.g. "100.00"').format(where=where)
        )
    try:
        amount = parse_money(value)
    except MoneyError as err:
        raise PriceListError(f"{where}: {err}") from err
    if amount < 0:
        raise PriceListError(_("{where}: must not be negative").format(where=where))
    return amount


def _rate(raw: Mapping[str, Any], key: str) -> Decimal:
    value = raw.get(key)
    try:
        rate = Decimal(str(value))
    except ArithmeticError as err:
        raise PriceListError(
            _('{where}: must be a fraction in quotes, e.g. "0.23"').format(where=key)
        ) from err
    if value is None or not rate.is_finite() or not Decimal(0) <= rate < 1:
        raise PriceListError(
            _('{where}: must be a fraction between 0 and 1, e.g. "0.23"').format(where=key)
        )
    return rate
