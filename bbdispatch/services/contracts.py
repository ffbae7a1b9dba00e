"""Signing contracts from the price list and reading their balances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from bbdispatch.clock import local_today
from bbdispatch.dates import format_day
from bbdispatch.domain.client_details import ClientDetails
from bbdispatch.domain.clients import ClientKind, ClientStatus
from bbdispatch.domain.contracts import Balance, Contract, ContractStatus, NeedsAssessment
from bbdispatch.domain.errors import DomainError, FieldError, NotFound
from bbdispatch.domain.products import product_name
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_money
from bbdispatch.i18n import _
from bbdispatch.pricelist import Product, ProductType
from bbdispatch.services import audit
from bbdispatch.services.clients import add_client_in_tx, check_details
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as store


@dataclass(frozen=True)
class SignRequest:
    """What the dispatcher fills in to sign a contract."""

    client_id: int
    product_code: str
    starts_on: date
    ends_on: date | None = None
    agreed_net: Decimal | None = None
    """The monthly fee (IT administration) or agreed price where the list has none."""
    assessment_id: int | None = None


def next_contract_number(existing: list[str], year: int) -> str:
    """The next number of the year in the firm's form, ``BB/2026/014``."""
    prefix = f"BB/{year}/"
    used = [int(n[len(prefix) :]) for n in existing if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:03d}"


MAX_MONTHLY_FEE = Decimal(100_000)
"""The largest monthly fee accepted (net PLN), signed or imported; more is a typo (a lost comma)."""

SIGN_WINDOW_DAYS = 366
"""How far from today the office may date a contract's start, either way (a year)."""


def _product(ctx: Ctx, request: SignRequest) -> tuple[Product, Decimal]:
    """The product and its net price (list price, or the agreed fee), checked.

    Individually priced work (private persons) is no contract: its price is
    agreed on each job. A fee is IT administration's alone; a block or the
    hourly service is priced by the price list, so a fee there is refused
    rather than silently dropped. A fee above :data:`MAX_MONTHLY_FEE` is refused
    (``fee``), as ``contracts import`` refuses it.
    """
    try:
        product = ctx.prices.product(request.product_code)
    except KeyError as err:
        raise FieldError(
            "product", _("No product {code} on the price list.").format(code=request.product_code)
        ) from err
    if not product.signable:
        raise FieldError(
            "product",
            _(
                "{name} is not signed as a contract: its price is agreed on each job"
                " (an agreed price or rate on the job)."
            ).format(name=product_name(product.code)),
        )
    if request.agreed_net is not None and product.type is not ProductType.MONTHLY:
        raise FieldError(
            "fee",
            _(
                "A fee belongs only to IT administration; {name} is priced by the price list."
            ).format(name=product_name(product.code)),
        )
    net = product.net if product.net is not None else request.agreed_net
    if net is None:
        raise FieldError(
            "fee", _("Enter the agreed price for {name}.").format(name=product_name(product.code))
        )
    if net <= 0:
        raise FieldError("fee", _("The agreed price must be more than zero."))
    if net > MAX_MONTHLY_FEE:  # only an agreed fee can be: list prices are the firm's own
        raise FieldError(
            "fee",
            _("A monthly fee is at most {limit} net: check the amount.").format(
                limit=format_money(MAX_MONTHLY_FEE)
            ),
        )
    if request.ends_on and request.ends_on < request.starts_on:
        raise FieldError("ends", _("The end date is before the start date."))
    return product, net


@saves
async def sign_contract(ctx: Ctx, request: SignRequest) -> int:
    """Sign a contract, copying hours, price and VAT from today's price list.

    Raises:
        DomainError: unknown product, missing price, or a service contract without
            a needs assessment (or a recorded waiver).
    """
    await check(ctx, Action.CONTRACT_EDIT)
    product, net = _product(ctx, request)
    async with ctx.db.transaction():
        contract_id, _number = await _sign_in_tx(ctx, request, product, net)
    return contract_id


async def _sign_in_tx(
    ctx: Ctx, request: SignRequest, product: Product, net: Decimal
) -> tuple[int, str]:
    client = await client_store.get_client(ctx.db, request.client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=request.client_id))
    if client.status is ClientStatus.ARCHIVED:
        raise DomainError(
            _("{name} is archived; reactivate the client first.").format(name=client.name)
        )
    refused = kind_refusal(product, client.kind)
    if refused is not None:
        raise refused
    assessment_id = request.assessment_id
    if product.needs_assessment and assessment_id is None:
        found = await store.assessments_of(ctx.db, client.id)
        assessment_id = found[0].id if found else None
    held = [Held.of(c) for c in await store.contracts_of(ctx.db, client.id)]
    refusal = signing_refusal(
        product, request.starts_on, request.ends_on, held, has_assessment=assessment_id is not None
    )
    if refusal is not None:
        raise refusal
    year = request.starts_on.year
    number = next_contract_number(
        await store.contract_numbers_with_prefix(ctx.db, f"BB/{year}/"), year
    )
    contract_id = await store.insert_contract(
        ctx.db,
        client_id=client.id,
        product_code=product.code,
        kind=product.type,
        number=number,
        title=product.name,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        minutes_included=product.hours * 60
        if product.type is ProductType.BLOCK and product.hours
        else None,
        net=net,
        vat_rate=ctx.prices.vat_rate,
        assessment_id=assessment_id,
        signed_at=ctx.clock.now(),
        signed_by=ctx.actor,
    )
    if client.status is ClientStatus.PROSPECT:
        await client_store.set_status(ctx.db, client.id, ClientStatus.ACTIVE)
    await audit.record(
        ctx, "contract", contract_id, "signed", number=number, product=product.code,
        net=str(net), client_id=client.id,
    )  # fmt: skip
    return contract_id, number


@dataclass(frozen=True)
class NewAssessment:
    """A needs assessment recorded in the same step as the contract it allows."""

    needs: str
    rules: str = ""
    assessed_on: date | None = None
    """Defaults to today (the firm's calendar)."""


@dataclass(frozen=True)
class Signed:
    """What signing from the office did."""

    contract_id: int
    number: str
    assessment_id: int | None
    """The needs assessment recorded in the same step, if any."""
    moved_minutes: int
    """Uncovered minutes moved onto the new contract."""
    left_minutes: int = 0
    """The client's unbilled minutes still uncovered after signing (outside its dates or hours)."""
    expired: bool = False
    """The contract ended before today: it was signed expired, and no uncovered time moves
    onto an expired contract (the result says so rather than "none within its dates")."""
    client_id: int = 0
    """The client who signed (for :func:`sign_for_new_client`, the one just saved)."""


@saves
async def sign_for_client(
    ctx: Ctx,
    request: SignRequest,
    *,
    assessment: NewAssessment | None = None,
    take_uncovered: bool = False,
) -> Signed:
    """The office signs any signable product for any client, in one transaction.

    The office's rules (the TUI and the command line alike): the start lies
    within a year of today, a once-per-client product (the starter) is not
    signed twice for one client, individually priced work is no contract, and
    a fee is IT administration's alone.

    A service contract needs a needs assessment on file: ``assessment`` records
    one first (in the same transaction). ``take_uncovered`` moves the client's
    unbilled uncovered time done within the new contract's dates onto it (a
    block as far as its hours go; never onto a contract already expired):
    what does not fit stays uncovered and signing goes ahead, the result
    saying how much moved and how much is left. IT administration takes its
    monthly fee as ``request.agreed_net``.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        FieldError: unknown, unsignable or already signed product (``product``),
            missing, bad or misplaced fee (``fee``), a start more than a year from
            today (``starts``), end before start (``ends``), or an assessment
            without agreed rules (``rules``).
        DomainError: no needs assessment for a service contract, or archived client.
    """
    return await _sign(ctx, request, assessment, take_uncovered, None)


@saves
async def sign_for_new_client(
    ctx: Ctx,
    details: ClientDetails,
    request: SignRequest,
    *,
    assessment: NewAssessment | None = None,
) -> Signed:
    """Save a new client and sign its first contract, in one transaction: both or neither.

    The intake's new caller who takes a contract: nothing is saved until the
    dispatcher signs, so a form cancelled leaves no prospect behind.
    ``request.client_id`` is ignored; :attr:`Signed.client_id` is the new client's.
    The rules are :func:`sign_for_client`'s and
    :func:`bbdispatch.services.clients.add_client`'s.

    Raises:
        NotAllowed: the acting person may not add clients or sign contracts.
        FieldError: a client field is wrong, the NIP belongs to another client,
            or what :func:`sign_for_client` refuses.
        DomainError: what :func:`sign_for_client` refuses.
    """
    await check(ctx, Action.CLIENT_EDIT)
    return await _sign(ctx, request, assessment, False, check_details(details))


async def _sign(
    ctx: Ctx,
    request: SignRequest,
    assessment: NewAssessment | None,
    take_uncovered: bool,
    new_client: ClientDetails | None,
) -> Signed:
    """Sign (for ``new_client`` saved first, if given) in one transaction."""
    await check(ctx, Action.CONTRACT_EDIT)
    product, net = _product(ctx, request)
    if assessment is not None:
        needs, rules = assessment_texts(assessment.needs, assessment.rules)
        assessment = replace(assessment, needs=needs, rules=rules)
    _starts_near_today(ctx, request.starts_on)
    # Imported here: start-up needs no billing rules.
    from bbdispatch.services.billing import take_uncovered_in_tx, uncovered_work_of

    async with ctx.db.transaction():
        if new_client is not None:
            request = replace(request, client_id=await add_client_in_tx(ctx, new_client))
        assessment_id = None
        if assessment is not None:
            assessment_id = await _assess_in_tx(
                ctx, request.client_id, assessment.assessed_on or local_today(ctx.clock),
                assessment.needs, assessment.rules,
            )  # fmt: skip
            request = replace(request, assessment_id=assessment_id)
        contract_id, number = await _sign_in_tx(ctx, request, product, net)
        moved = 0
        if take_uncovered:
            contract = await store.get_contract(ctx.db, contract_id)
            assert contract is not None  # signed a line above, in this transaction
            moved = await take_uncovered_in_tx(ctx, contract)
        left = sum(w.minutes for w in await uncovered_work_of(ctx, request.client_id))
    expired = request.ends_on is not None and request.ends_on < local_today(ctx.clock)
    return Signed(contract_id, number, assessment_id, moved, left, expired, request.client_id)


def _starts_near_today(ctx: Ctx, starts_on: date) -> None:
    """Refuse a start more than :data:`SIGN_WINDOW_DAYS` from today (a typo such as 2020).

    Contracts that ran before bbdispatch come in with ``contracts import``.

    Raises:
        FieldError: ``starts``.
    """
    today = local_today(ctx.clock)
    if abs((starts_on - today).days) > SIGN_WINDOW_DAYS:
        raise FieldError(
            "starts",
            _(
                "A contract starts at most a year before or after today ({today});"
                " bring older contracts in with contracts import."
            ).format(today=today.isoformat()),
        )


def starter_signed(ctx: Ctx, contracts: Sequence[Contract]) -> bool:
    """Whether the client already has (or had) a once-per-client product, the starter.

    The intake then offers a block of hours instead of a starter that
    :func:`sign_for_client` would refuse. ``contracts`` are the client's own, any
    status; products no longer on the price list count as not once-per-client.
    """
    once = {p.code for p in ctx.prices.products if p.once_per_client}
    return any(c.product_code in once for c in contracts)


@dataclass(frozen=True)
class Held:
    """A contract a client has, as the signing rules see it.

    One in the database, or a row above in the same ``contracts import`` file
    (``number`` is then the file's number, or "line N" when it has none).
    """

    number: str
    product_code: str
    kind: ProductType
    starts_on: date
    ends_on: date | None
    status: ContractStatus = ContractStatus.ACTIVE

    @classmethod
    def of(cls, contract: Contract) -> Held:
        """The rules' view of a contract in the database."""
        return cls(
            contract.number, contract.product_code, contract.kind, contract.starts_on,
            contract.ends_on, contract.status,
        )  # fmt: skip


def kind_refusal(product: Product, kind: ClientKind) -> FieldError | None:
    """Why a client of this kind may not have the product, or None (its ``clients`` in the list).

    Per the offer, contracts are for companies; a private person's work is
    priced on each job (an agreed price or rate), so the starter and the other
    contracts are refused for one, in the office and in ``contracts import``.

    Returns:
        The refusal to raise, field ``product``.
    """
    if product.for_kind(kind.value):
        return None
    name = product_name(product.code)
    if kind is ClientKind.PRIVATE:
        return FieldError(
            "product",
            _(
                "{name} is not offered to private persons: agree a price or rate on the"
                " job instead."
            ).format(name=name),
        )
    return FieldError("product", _("{name} is not offered to companies.").format(name=name))


def signing_refusal(
    product: Product,
    starts_on: date,
    ends_on: date | None,
    held: Sequence[Held],
    *,
    has_assessment: bool,
) -> FieldError | None:
    """Why a client may not have this contract, or None: the rules of every contract.

    One rule for signing in the office (TUI and command line) and for
    ``contracts import``: a once-per-client product (the starter) at most once
    per client, a service contract only with a needs assessment (or a recorded
    waiver) on file, and no second IT administration fee over days one
    already covers. ``held``: the client's contracts, any status (for an
    import, the rows above in the same file too).

    Returns:
        The refusal to raise: field ``product`` (once per client, no
        assessment) or ``product_starts`` (a fee already in force).
    """
    once = once_refusal(product, held)
    if once is not None:
        return once
    if product.needs_assessment and not has_assessment:
        return FieldError(
            "product",
            _("A service contract needs a needs assessment (or a recorded waiver) first."),
        )
    if product.type is not ProductType.MONTHLY:
        return None
    fee = next(
        (h for h in held if h.kind is ProductType.MONTHLY and in_force_over(h, starts_on, ends_on)),
        None,
    )
    if fee is None:
        return None
    start = format_day(fee.starts_on)
    period = (
        _("from {start} to {end}").format(start=start, end=format_day(fee.ends_on))
        if fee.ends_on is not None
        else _("from {start}, with no end date").format(start=start)
    )
    return FieldError(
        "product_starts",
        _(
            "This client already has an IT administration contract in force over that"
            " period ({number}, {period}); a second one would bill the monthly fee twice."
            " Close it, or start the new one after it ends."
        ).format(number=fee.number, period=period),
    )


def once_refusal(product: Product, held: Sequence[Held]) -> FieldError | None:
    """Why the client may not have this once-per-client product (the starter) again, or None.

    Part of :func:`signing_refusal`, and on its own what the signing form asks
    (:func:`offered_products`) so that it does not offer what signing refuses.

    Returns:
        The refusal to raise, field ``product``, naming the contract held.
    """
    if not product.once_per_client:
        return None
    earlier = next((h for h in held if h.product_code == product.code), None)
    if earlier is None:
        return None
    return FieldError(
        "product",
        _(
            "{name} is signed once per client, and this client has it already ({number});"
            " offer a service contract instead."
        ).format(name=product_name(product.code), number=earlier.number),
    )


async def offered_products(ctx: Ctx, client_id: int) -> list[Product]:
    """The price list's products the office may sign for this client, in the list's order.

    The signing form offers these and nothing else: signable products for the
    client's kind (:func:`kind_refusal`) that the client may still have
    (:func:`once_refusal`: not a second starter). Rules that depend on what is
    typed (dates, fee, the needs assessment the form asks for) are checked when
    signing. Empty for a private person (prices are agreed on each job).

    Raises:
        NotFound: no such client.
    """
    await check(ctx, Action.CONTRACT_VIEW, entity="client", entity_id=client_id)
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    held = [Held.of(c) for c in await store.contracts_of(ctx.db, client_id)]
    return [
        p
        for p in ctx.prices.products
        if p.signable and kind_refusal(p, client.kind) is None and once_refusal(p, held) is None
    ]


def in_force_over(contract: Contract | Held, starts_on: date, ends_on: date | None) -> bool:
    """Whether ``contract`` runs on any day from ``starts_on`` to ``ends_on`` (None: open).

    A contract runs from its start to its end date (open-ended without one), as
    its monthly fee is billed (``build_statement``): a closed contract runs until
    the end date closing gave it, and one closed without an end date never ran.
    """
    if contract.status is ContractStatus.CLOSED and contract.ends_on is None:
        return False
    if ends_on is not None and contract.starts_on > ends_on:
        return False
    return contract.ends_on is None or contract.ends_on >= starts_on


def assessment_texts(needs: str, rules: str) -> tuple[str, str]:
    """The needs and agreed rules an assessment is saved with: the one rule for every front end.

    A needs assessment's point is the rules of work agreed with the client, so
    they are required (the command line, the sign dialog and the assessment
    dialog all refuse alike). The needs may be left out: the agreed rules
    answer them, so the rules stand for the needs (the database keeps no
    assessment without needs).

    Returns:
        ``(needs, rules)``, the needs being the rules when none were given.

    Raises:
        FieldError: no agreed rules (``rules``).
    """
    if not rules.strip():
        raise FieldError("rules", _("Describe the agreed rules of work."))
    return (needs if needs.strip() else rules), rules


@saves
async def add_assessment(
    ctx: Ctx, client_id: int, needs: str, rules: str, assessed_on: date | None = None
) -> int:
    """The office records (or revises) a client's needs assessment; returns its id.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        FieldError: no agreed rules (``rules``); see :func:`assessment_texts`.
        NotFound: no such client.
    """
    await check(ctx, Action.CONTRACT_EDIT)
    needs, rules = assessment_texts(needs, rules)
    async with ctx.db.transaction():
        return await _assess_in_tx(
            ctx, client_id, assessed_on or local_today(ctx.clock), needs, rules
        )


async def _assess_in_tx(
    ctx: Ctx, client_id: int, assessed_on: date, needs: str, rules: str,
    *, waived: bool = False, waiver_reason: str = "",
) -> int:  # fmt: skip
    if await client_store.get_client(ctx.db, client_id) is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    assessment_id = await store.insert_assessment(
        ctx.db,
        client_id=client_id,
        assessed_on=assessed_on,
        needs=needs.strip(),
        rules=rules.strip(),
        waived=waived,
        waiver_reason=waiver_reason.strip(),
        recorded_by=ctx.actor,
        recorded_at=ctx.clock.now(),
    )
    await audit.record(ctx, "client", client_id, "needs_assessed", waived=waived)
    return assessment_id


@saves
async def record_assessment(
    ctx: Ctx,
    client_id: int,
    assessed_on: date,
    needs: str,
    rules: str,
    *,
    waived: bool = False,
    waiver_reason: str = "",
) -> int:
    """Record (or revise) a client's needs assessment; each revision is kept.

    Raises:
        FieldError: no agreed rules (``rules``; the needs default to them, see
            :func:`assessment_texts`), or a waiver without a reason (``reason``).
    """
    await check(ctx, Action.CONTRACT_EDIT, entity="client", entity_id=client_id)
    if waived and not waiver_reason.strip():
        raise FieldError("reason", _("Say why the needs assessment is waived."))
    if not waived:
        needs, rules = assessment_texts(needs, rules)
    async with ctx.db.transaction():
        assessment_id = await _assess_in_tx(
            ctx, client_id, assessed_on, needs, rules, waived=waived, waiver_reason=waiver_reason
        )
    return assessment_id


async def balances_of_client(ctx: Ctx, client_id: int) -> list[Balance]:
    """Every contract of a client with its usage, oldest first."""
    await check(ctx, Action.CONTRACT_VIEW, entity="client", entity_id=client_id)
    contracts = await store.contracts_of(ctx.db, client_id)
    return await balances(ctx, contracts)


async def balances(ctx: Ctx, contracts: list[Contract]) -> list[Balance]:
    """Usage of the given contracts."""
    used = await store.used_minutes(ctx.db, [c.id for c in contracts])
    return [Balance(c, used.get(c.id, 0)) for c in contracts]


async def assessments(ctx: Ctx, client_id: int) -> list[NeedsAssessment]:
    """Every revision of a client's needs assessment, newest first."""
    await check(ctx, Action.CONTRACT_VIEW, entity="client", entity_id=client_id)
    return await store.assessments_of(ctx.db, client_id)


async def prepaid_left(ctx: Ctx, contract_id: int) -> tuple[str, int]:
    """A contract's number and the prepaid minutes closing it would give up (0: none).

    Only an open prepaid block has hours to lose; front ends ask before closing
    one that has some. Asked of whoever may close it.

    Raises:
        NotAllowed: the acting person may not close contracts.
        NotFound: no such contract.
    """
    await check(ctx, Action.CONTRACT_EDIT, entity="contract", entity_id=contract_id)
    contract = await store.get_contract(ctx.db, contract_id)
    if contract is None:
        raise NotFound(_("No contract with id {id}.").format(id=contract_id))
    if contract.kind is not ProductType.BLOCK or contract.status is ContractStatus.CLOSED:
        return contract.number, 0
    (balance,) = await balances(ctx, [contract])
    return contract.number, balance.left_minutes or 0


@saves
async def close_contract(ctx: Ctx, contract_id: int, reason: str) -> None:
    """Close a contract by hand (terminated, replaced): it takes no more time. Audited.

    The contract ends today unless it already ends earlier: monthly fees follow
    the dates, so the months it ran are still billed and later ones are not. One
    closed before its start date never ran; its end date is cleared, and a closed
    contract without an end date bills no fee (see ``build_statement``).

    Raises:
        NotFound: no such contract.
        FieldError: no reason given (``reason``).
        DomainError: it is already closed.
    """
    await check(ctx, Action.CONTRACT_EDIT, entity="contract", entity_id=contract_id)
    if not reason.strip():
        raise FieldError("reason", _("Say why the contract is closed."))
    async with ctx.db.transaction():
        contract = await store.get_contract(ctx.db, contract_id)
        if contract is None:
            raise NotFound(_("No contract with id {id}.").format(id=contract_id))
        if contract.status is ContractStatus.CLOSED:
            raise DomainError(_("Contract {n} is already closed.").format(n=contract.number))
        today = local_today(ctx.clock)
        ends_on = contract.ends_on
        if contract.starts_on > today:
            ends_on = None
        elif ends_on is None or ends_on > today:
            ends_on = today
        await store.close_contract(ctx.db, contract_id, ends_on)
        # Billed work changed since issue follows the contract's final state, so
        # closing before or after a correction gives the same correction lines.
        from bbdispatch.services.billing import settle_billed_in_tx

        await settle_billed_in_tx(ctx, contract.client_id)
        await audit.record(
            ctx, "contract", contract_id, "closed", reason=reason.strip(),
            ends_on=ends_on.isoformat() if ends_on else None,
            planned_end=contract.ends_on.isoformat() if contract.ends_on else None,
        )  # fmt: skip
