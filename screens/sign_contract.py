"""Sign a contract from the price list: product, dates and (for fees) the agreed price."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Input, Select, Static

from bbdispatch.clock import local_today
from bbdispatch.dates import format_day, parse_day
from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _
from bbdispatch.money import MoneyError, format_pln, parse_money
from bbdispatch.services.contracts import SignRequest, sign_contract
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain, PlainLabel, PlainSelect
from screens.widgets.text_input import TextInput


class SignContractScreen(FormDialog[int | None]):
    """The signing form; hours, net price and VAT are copied from today's price list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), tooltip=_("Close without signing"),
                id="cancel"),
        Binding("ctrl+s", "sign", _("Sign"), tooltip=_("Sign the contract"), id="save"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    SignContractScreen > Vertical {
        width: 64;
    }
    SignContractScreen Input, SignContractScreen Select {
        width: 100%;
    }
    """

    def __init__(self, client_id: int) -> None:
        super().__init__(cancelled=None)
        self.client_id = client_id
        """The client who signs."""

    def compose(self) -> ComposeResult:
        """Product, start, optional end, agreed price, errors, buttons."""
        prices = self.ctx.prices
        options = []
        for p in prices.products:
            gross = p.gross(prices.vat_rate)
            price = format_pln(gross) + " " + _("gross") if gross is not None else _("agreed")
            options.append((f"{p.name} ({price})", p.code))
        with Vertical():
            yield PlainLabel(_("Sign a contract"))
            yield PlainSelect(
                options, id="product", allow_blank=False, value=prices.products[0].code
            )
            yield TextInput(format_day(local_today(self.ctx.clock)), id="starts-on",
                        placeholder=_("Start 24.11.2026"))  # fmt: skip
            yield TextInput("", id="ends-on", placeholder=_("End (optional)"))
            yield TextInput("", id="agreed-net", placeholder=_("Agreed net price (monthly fee)"))
            yield Plain("", id="sign-error", classes="field-error")
            yield Button(_("Sign"), id="sign", variant="primary")
        yield KeysFooter()

    @on(Button.Pressed, "#sign")
    def _sign_pressed(self) -> None:
        self.action_sign()

    def action_sign(self) -> None:
        """Check the form and sign; errors stay next to the form, nothing typed is lost."""
        error = self.query_one("#sign-error", Static)
        try:
            starts = parse_day(self.query_one("#starts-on", Input).value)
            end_text = self.query_one("#ends-on", Input).value.strip()
            ends = parse_day(end_text) if end_text else None
            net_text = self.query_one("#agreed-net", Input).value.strip()
            net = parse_money(net_text) if net_text else None
        except (ValueError, MoneyError) as err:
            error.update(str(err))
            return
        product = self.query_one("#product", Select).value
        request = SignRequest(self.client_id, str(product), starts, ends, agreed_net=net)
        self.save(request)

    @work(exclusive=True, group="sign-contract", exit_on_error=False)
    async def save(self, request: SignRequest) -> None:
        """Sign through the service; show its refusal (e.g. no needs assessment) in the form."""
        try:
            contract_id = await sign_contract(self.ctx, request)
        except DomainError as err:
            self.query_one("#sign-error", Static).update(str(err))
            return
        self.notify(_("Contract signed."))
        self.dismiss(contract_id)
