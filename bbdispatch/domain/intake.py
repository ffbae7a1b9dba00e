"""Which contract a new job should go on, and what to offer the caller.

The intake shows the dispatcher the contract the firm's rules would charge,
with the reason, before the job exists. The rules themselves live in
:mod:`bbdispatch.domain.ledger`; this module asks them about one minute of
work today instead of restating them, so intake and billing never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.contracts import Balance, Contract
from bbdispatch.domain.jobs import Category
from bbdispatch.domain.ledger import JobTerms, allocate, usable_on
from bbdispatch.domain.messages import shown
from bbdispatch.domain.products import product_name
from bbdispatch.i18n import _
from bbdispatch.pricelist import Product, ProductType


class Offer(Enum):
    """What the intake's hint tells the dispatcher to offer the caller."""

    STARTER = "starter"
    """The starter contract (signed once per client)."""
    BLOCK = "block"
    """A block of prepaid hours (the service contract)."""


def offered_product(
    products: Sequence[Product], offer: Offer | None, kind: ClientKind | None = None
) -> str | None:
    """The price-list code of what the hint offers, for the signing form to start on.

    The starter is the block signed once per client; a block of hours is any
    other block. Only a product for the client's ``kind`` (None: any). None:
    nothing offered, or the price list has no such product.
    """
    if offer is None:
        return None
    starter = offer is Offer.STARTER
    for p in products:
        if kind is not None and not p.for_kind(kind.value):
            continue
        if p.signable and p.type is ProductType.BLOCK and p.once_per_client == starter:
            return p.code
    return None


@dataclass(frozen=True)
class ContractSuggestion:
    """The contract a new job would be charged to, and why."""

    contract_id: int | None
    """None: no contract covers the job (uncovered time, or a private person's rate)."""
    reason: str
    """Shown next to the suggestion, e.g. "prepaid block BB/2026/003, oldest with hours left"."""
    choices: tuple[Contract, ...]
    """Every contract the dispatcher may choose instead (usable today)."""
    hint: str = ""
    """What to offer the caller: the starter contract, or a needs assessment first."""
    offer: Offer | None = None
    """What the hint offers (the signing form starts on that product)."""


def suggest_contract(
    balances: Sequence[Balance],
    category: Category,
    client_kind: ClientKind,
    today: date,
    *,
    has_assessment: bool,
    starter_signed: bool = False,
) -> ContractSuggestion:
    """Suggest the contract for a new job by the ledger's rules (DESIGN.md "The right contract").

    Args:
        balances: the client's contracts with their usage.
        category: the job's category (network work may go on hourly network service).
        client_kind: private persons without a contract pay an agreed rate.
        today: the day the job is taken (contracts must be usable on it).
        has_assessment: whether the client's needs were assessed (or waived).
        starter_signed: whether the client already had the starter contract, which
            is signed once per client: the hint then offers a block of hours.
    """
    choices = tuple(b.contract for b in balances if usable_on(b.contract, today))
    terms = JobTerms(
        is_network=category is Category.NETWORK,
        recurring_contract_id=None,
        override_contract_id=None,
        agreed_rate=None,
    )
    first = allocate(1, terms, balances, today, Decimal(0))[0]
    if first.contract_id is not None:
        return ContractSuggestion(first.contract_id, shown(first.reason), choices)
    blocks = [c for c in choices if c.kind is ProductType.BLOCK]
    if client_kind is ClientKind.PRIVATE:
        reason = _("private person: rate agreed on the job")
    elif blocks:
        reason = _("prepaid hours used up: uncovered time at the hourly rate")
    else:
        reason = _("no prepaid hours: uncovered time at the hourly rate")
    hint, offer = _offer_hint(choices, blocks, client_kind, has_assessment, starter_signed)
    return ContractSuggestion(None, reason, choices, hint, offer)


def _offer_hint(
    choices: Sequence[Contract],
    blocks: Sequence[Contract],
    kind: ClientKind,
    assessed: bool,
    starter_signed: bool,
) -> tuple[str, Offer | None]:
    if kind is ClientKind.PRIVATE:
        # The offer's contracts are for companies (``clients`` in the price list):
        # a private person's price is agreed on the job, never a starter offered.
        return _("Private person: agree a price or rate for the job."), None
    if blocks:
        return _("Prepaid hours used up: offer a new block of hours."), Offer.BLOCK
    if choices:
        return "", None
    if starter_signed:
        if kind is ClientKind.COMPANY and not assessed:
            return _(
                "No contract, starter already used: offer a block of hours;"
                " it needs a needs assessment first."
            ), Offer.BLOCK
        return _("No contract, starter already used: offer a block of hours."), Offer.BLOCK
    if kind is ClientKind.COMPANY and not assessed:
        return _(
            "No contract: offer the starter contract (10 h); "
            "a service contract needs a needs assessment first."
        ), Offer.STARTER
    return _("No contract: offer the starter contract (10 h)."), Offer.STARTER


def contract_label(contract: Contract) -> str:
    """Short name of a contract in the intake: ``BB/2026/003 Umowa serwisowa 50 h``."""
    return f"{contract.number} {product_name(contract.product_code, title=contract.title)}"
