"""Sign a contract from the price list for a named client, price shown net/VAT/gross.

Opened from the contracts list, the client screen and the intake's caller card
(including for a caller who is new). A service contract needs a needs
assessment: when the client has none, the form asks for it and records it in
the same step. Uncovered time can be moved onto the new contract.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, Input, Select, Static

from bbdispatch.clock import local_today
from bbdispatch.dates import format_day, parse_day
from bbdispatch.domain.client_details import ClientDetails
from bbdispatch.domain.clients import ClientKind, ClientStatus
from bbdispatch.domain.errors import DomainError, FieldError
from bbdispatch.domain.intake import Offer, offered_product
from bbdispatch.domain.ledger import UncoveredWork, movable_minutes, moved_text
from bbdispatch.domain.products import product_name
from bbdispatch.formats import format_duration, format_money
from bbdispatch.i18n import N_, _
from bbdispatch.money import MoneyError, gross_of, parse_money
from bbdispatch.pricelist import Product, ProductType
from bbdispatch.services.clients import get_client
from bbdispatch.services.contracts import (
    NewAssessment,
    Signed,
    SignRequest,
    assessments,
    offered_products,
    sign_for_client,
    sign_for_new_client,
)
from bbdispatch.services.ledger import uncovered_work
from screens.assessment import show_rules_refusal
from screens.base import BBModal, BBScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.message_line import MessageLine
from screens.widgets.plain import Plain, PlainLabel, PlainSelect
from screens.widgets.text_input import TextInput


def open_signing(
    screen: BBScreen[Any] | BBModal[Any],
    client_id: int,
    done: Callable[[int | None], None] | None = None,
    *,
    offer: Offer | None = None,
) -> None:
    """Open the signing form for a client, the one way every screen does (``ctrl+t``, ``s``).

    An archived client signs nothing (the service refuses it): the form does
    not open and a message says to reactivate the client first; nor for a
    client whose kind no product is for (a private person: prices are agreed
    on each job). The form offers only what the service would sign for the
    client (:func:`bbdispatch.services.contracts.offered_products`: not a second
    starter). ``offer`` (the intake's hint: the starter, or a block of hours) is
    the product the form starts on; otherwise the first one offered.
    """

    async def check_then_open() -> None:
        try:
            client = await get_client(screen.ctx, client_id)
            offered = await offered_products(screen.ctx, client_id)
        except DomainError as err:
            screen.notify(str(err), severity="error")
            return
        if client.status is ClientStatus.ARCHIVED:
            screen.notify(
                _("{name} is archived; reactivate the client first.").format(name=client.name),
                severity="error",
            )
            return
        if not offered:
            # A private person signs no contract: prices are agreed on each job.
            screen.notify(
                _("{name} signs no contract: agree a price or rate on each job.").format(
                    name=client.name
                ),
                severity="warning",
            )
            return
        product = offered_product(offered, offer, client.kind)
        screen.app.push_screen(SignContractScreen(client_id, product, client.kind), done)

    screen.run_worker(check_then_open(), group="sign-open", exclusive=True, exit_on_error=False)


class SignContractScreen(FormDialog[int | None]):
    """The signing form; hours, net price and VAT are copied from today's price list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without signing"),
                id="cancel"),
        Binding("ctrl+s", "sign", N_("Sign"), tooltip=N_("Sign the contract"), id="save"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    SignContractScreen > Vertical {
        width: 70;
        max-width: 100%;
    }
    SignContractScreen Input, SignContractScreen Select {
        width: 100%;
    }
    SignContractScreen #needs, SignContractScreen #rules, SignContractScreen #move {
        display: none;
    }
    SignContractScreen #sign-title {
        text-style: bold;
    }
    """

    LOADS_VALUES = True  # the assessment asked for and the time to move come from a worker

    def __init__(
        self,
        client_id: int,
        product: str | None = None,
        kind: ClientKind | None = None,
        *,
        new_client: ClientDetails | None = None,
    ) -> None:
        super().__init__(cancelled=None)
        self.client_id = client_id
        """The client who signs (0 with ``new_client``)."""
        self.kind = new_client.kind if new_client is not None else kind
        """The client's kind: only the products for it are offered (None: every product)."""
        self.new_client = new_client
        """A caller not saved yet: saved with the contract when it is signed, not before."""
        self.signed: Signed | None = None
        """What signing did, once signed (the new client's id among it)."""
        self._product = product
        self._assessed = True
        self._uncovered: list[UncoveredWork] = []

    def _options(self, products: list[Product]) -> list[tuple[str, str]]:
        """The product choices: name and gross price (or "agreed"), by code."""
        options = []
        for p in products:
            gross = p.gross(self.ctx.prices.vat_rate)
            price = format_money(gross) + " " + _("gross") if gross is not None else _("agreed")
            options.append((f"{product_name(p.code)} ({price})", p.code))
        return options

    def compose(self) -> ComposeResult:
        """Client, product, price, dates, fee, assessment if needed, move, errors, button.

        The products are first those for the client's kind; the loading worker
        narrows them to what the service would sign for this client.
        """
        prices = self.ctx.prices
        signable = [
            p
            for p in prices.products
            if p.signable and (self.kind is None or p.for_kind(self.kind.value))
        ] or [p for p in prices.products if p.signable]  # the service refuses what is not
        codes = [p.code for p in signable]
        first = self._product if self._product in codes else codes[0]
        with Vertical():
            yield PlainLabel(_("Sign a contract"), id="sign-title")
            yield PlainSelect(self._options(signable), id="product", allow_blank=False, value=first)
            yield Plain("", id="sign-price")
            today = format_day(local_today(self.ctx.clock))
            yield TextInput(today, id="starts-on",
                            placeholder=_("Start {example}").format(example=today))  # fmt: skip
            yield TextInput("", id="ends-on", placeholder=_("End (optional)"))
            yield TextInput("", id="agreed-net", placeholder=_("Agreed net price (monthly fee)"))
            yield TextInput(
                "", id="needs", placeholder=_("Needs assessment: the client's IT needs")
            )
            yield TextInput("", id="rules", placeholder=_("Agreed rules of work"))
            yield MessageLine("", id="rules-error", classes="field-error")
            yield Checkbox(_("Move uncovered time onto it"), False, id="move")
            yield Plain("", id="sign-error", classes="field-error")
            yield Button(_("Sign"), id="sign", variant="primary")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Name the client and learn what the form must ask for."""
        self._show_price()
        self.load_client()

    @work(exclusive=True, group="sign-load", exit_on_error=False)
    async def load_client(self) -> None:
        """The client's name, the products offered, whether needs were assessed, uncovered time."""
        if self.new_client is not None:  # not saved yet: no contract, assessment or time
            name = self.new_client.name
            offered = []
            self._assessed = False
        else:
            try:
                client = await get_client(self.ctx, self.client_id)
                offered = await offered_products(self.ctx, self.client_id)
                self._assessed = bool(await assessments(self.ctx, self.client_id))
                self._uncovered = await uncovered_work(self.ctx, self.client_id)
            except DomainError as err:
                self.query_one("#sign-error", Static).update(str(err))
                return
            name = client.name
        self.query_one("#sign-title", PlainLabel).update(
            _("Sign a contract for {name}").format(name=name)
        )
        select = self.query_one("#product", Select)
        if offered:  # none (a private person): the list stays and the service says why
            chosen = select.value
            codes = [p.code for p in offered]
            select.set_options(self._options(offered))
            select.value = chosen if chosen in codes else codes[0]
        self._show_price()
        # offered, not chosen by hand
        self.mark_loaded(self.query_one("#move"), select)

    @on(Select.Changed, "#product")
    @on(Input.Changed, "#agreed-net")
    @on(Input.Changed, "#starts-on")
    @on(Input.Changed, "#ends-on")
    def _show_price(self) -> None:
        """Net, VAT and gross of the chosen product (or of the agreed fee typed)."""
        prices = self.ctx.prices
        product = prices.product(str(self.query_one("#product", Select).value))
        net: Decimal | None = product.net
        if net is None:
            try:
                text = self.query_one("#agreed-net", Input).value.strip()
                net = parse_money(text) if text else None
            except MoneyError:
                net = None
        line = self.query_one("#sign-price", Static)
        if net is None:
            line.update(_("Price agreed with the client: enter the net amount below."))
        else:
            gross = gross_of(net, prices.vat_rate)
            line.update(
                _("Net {net} · VAT {vat} · gross {gross}").format(
                    net=format_money(net), vat=format_money(gross - net), gross=format_money(gross)
                )
            )
        self.query_one("#agreed-net").display = product.net is None
        ask = product.needs_assessment and not self._assessed
        self.query_one("#needs").display = ask
        self.query_one("#rules").display = ask
        if not ask:  # a refusal of rules no longer asked for goes with them
            self.query_one("#rules-error", Static).update("")
        self._offer_move(product.hours, product.type)

    def _offer_move(self, hours: int | None, kind: ProductType) -> None:
        """Offer (ticked) to move the uncovered time these dates would take, and say how much.

        Shown only when the contract typed could take some: a block or hourly
        service, with uncovered work within its dates, not already expired
        (:func:`bbdispatch.domain.ledger.movable_minutes`, the service's rule).
        Dates not yet readable offer nothing.
        """
        move = self.query_one("#move", Checkbox)
        can = 0
        total = sum(w.minutes for w in self._uncovered)
        if total and kind in (ProductType.BLOCK, ProductType.HOURLY):
            try:
                starts = parse_day(self.query_one("#starts-on", Input).value)
                end_text = self.query_one("#ends-on", Input).value.strip()
                ends = parse_day(end_text) if end_text else None
            except ValueError:
                starts = None
            if starts is not None:
                room = hours * 60 if kind is ProductType.BLOCK and hours else None
                today = local_today(self.ctx.clock)
                can = movable_minutes(self._uncovered, starts, ends, room, today)
        if can and not move.display:
            move.value = True
        move.display = can > 0
        if can:
            label = _("Move {h} of uncovered time onto it").format(h=format_duration(can))
            if total > can:
                label += " " + _("({h} stays uncovered)").format(h=format_duration(total - can))
            move.label = label

    @on(Button.Pressed, "#sign")
    def _sign_pressed(self) -> None:
        self.action_sign()

    def action_sign(self) -> None:
        """Check the form and sign; errors stay next to the form, nothing typed is lost."""
        if self.still_loading():
            return
        error = self.query_one("#sign-error", Static)
        try:
            starts = parse_day(self.query_one("#starts-on", Input).value)
            end_text = self.query_one("#ends-on", Input).value.strip()
            ends = parse_day(end_text) if end_text else None
            fee = self.query_one("#agreed-net", Input)
            # A fee typed for IT administration stays behind a block chosen after it.
            net_text = fee.value.strip() if fee.display else ""
            net = parse_money(net_text) if net_text else None
        except (ValueError, MoneyError) as err:
            error.update(str(err))
            return
        product = self.query_one("#product", Select).value
        request = SignRequest(self.client_id, str(product), starts, ends, agreed_net=net)
        needs = self.query_one("#needs", Input)
        rules = self.query_one("#rules", Input)
        assessment = None
        if needs.display and (needs.value.strip() or rules.value.strip()):
            assessment = NewAssessment(needs.value, rules.value)  # the service checks the rules
        move = self.query_one("#move", Checkbox)
        self.save(request, assessment, move.display and move.value)

    @work(exclusive=True, group="sign-contract", exit_on_error=False)
    async def save(
        self, request: SignRequest, assessment: NewAssessment | None, move: bool
    ) -> None:
        """Sign through the service; show its refusal (e.g. no needs assessment) in the form.

        A new caller is saved with the contract, in the same transaction.
        """
        try:
            if self.new_client is not None:
                signed = await sign_for_new_client(
                    self.ctx, self.new_client, request, assessment=assessment
                )
            else:
                signed = await sign_for_client(
                    self.ctx, request, assessment=assessment, take_uncovered=move
                )
        except FieldError as err:
            show_rules_refusal(self, err, "#sign-error")
            return
        except DomainError as err:
            self.query_one("#rules-error", Static).update("")
            self.query_one("#sign-error", Static).update(str(err))
            return
        said = _("Contract {number} signed.").format(number=signed.number)
        if move:
            said += " " + moved_text(
                signed.moved_minutes, signed.left_minutes, expired=signed.expired
            )
        self.notify(said)
        self.signed = signed
        self.dismiss(signed.contract_id)
