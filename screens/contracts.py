"""Contracts with their balances: sign, top up, assess needs, move uncovered time."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from bbdispatch.dates import format_day
from bbdispatch.domain.contracts import ContractStatus, balance_text, format_hours
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.products import product_name
from bbdispatch.i18n import N_, NP_, Labels, _
from bbdispatch.services.ledger import (
    ContractView,
    close_contract,
    contract_notes,
    contract_views,
    move_uncovered,
    uncovered_minutes,
)
from screens.base import BBScreen
from screens.note_prompt import NotePrompt
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainTable, cell

STATUS_LABEL = Labels(
    {
        ContractStatus.ACTIVE: NP_("contract", "active"),
        ContractStatus.USED_UP: NP_("contract", "used up"),
        ContractStatus.EXPIRED: NP_("contract", "expired"),
        ContractStatus.CLOSED: NP_("contract", "closed"),
    },
    context="contract",
)


class ContractsScreen(BBScreen[None]):
    """Every contract (or one client's) with hours used, left and the run-out forecast."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "app.pop_screen",
            N_("Back"),
            tooltip=N_("Back to the board"),
            id="back",
        ),
        Binding("n", "sign", N_("Sign"), tooltip=N_("Sign a contract or top up"), id="sign"),
        Binding("a", "assess", N_("Assess"), tooltip=N_("Needs assessment or waiver"), id="assess"),
        # Esc Back is shown as on every screen that goes back; to fit 80 columns in
        # Polish the rarest key, moving uncovered time, is in F1 and the palette only.
        Binding(
            "m",
            "move",
            N_("Move"),
            tooltip=N_("Move uncovered time onto this contract"),
            id="move",
            show=False,
        ),
        Binding(
            "x",
            "close_contract",
            N_("Close"),
            tooltip=N_("Close the selected contract"),
            id="close-contract",
            show=False,
        ),
        Binding("s", "statement", N_("Statement"), tooltip=N_("Work statement"), id="statement"),
        Binding(
            "f", "filter", N_("Client"), tooltip=N_("This client only / all clients"), id="filter"
        ),
    ]

    DEFAULT_CSS = """
    ContractsScreen #contract-table {
        height: 1fr;
    }
    ContractsScreen #contract-detail {
        /* As tall as its lines (a Polish balance wraps to two rows), never under 3 rows. */
        height: auto;
        min-height: 3;
        max-height: 8;
        padding: 0 1;
        background: $panel;
    }
    ContractsScreen #contract-detail.-warn {
        color: $warning;
    }
    """

    def __init__(self, client_id: int | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        """Show only this client's contracts; None = every contract."""
        self._views: dict[str, ContractView] = {}
        self._uncovered = 0
        self._close_asked: int | None = None

    def compose(self) -> ComposeResult:
        """Header, summary, the contract table, the selected contract's detail, footer."""
        yield Header()
        yield Plain("", id="contracts-summary", classes="summary")
        yield PlainTable(id="contract-table", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="contract-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Lay out the columns, load and follow changes."""
        table = self.query_one("#contract-table", DataTable)
        # The status takes what its longest word needs in this language ("wykorzystana"),
        # and the client's name gives it up: together they keep to 80 columns.
        status = max(8, *(len(label) for label in STATUS_LABEL.values()))
        # The hours' header takes what it needs ("Wykorz./pozost.") from the product's
        # short name, which is at most 9 cells in Polish ("Serwisowa", "Admin. IT").
        used = max(13, cell_len(_("Used/left")))
        table.add_column(_("Number"), key="number", width=11)
        table.add_column(_("Client"), key="client", width=22 - status)
        table.add_column(_("Product"), key="product", width=11 - (used - 13))
        table.add_column(_("Status"), key="status", width=status)
        table.add_column(_("Used/left"), key="used", width=used)
        table.add_column(_("Runs out"), key="runs_out", width=10)
        self.bb.data_changed.subscribe(self, lambda _none: self.load())
        self.load()

    @work(exclusive=True, group="load-contracts", exit_on_error=False)
    async def load(self) -> None:
        """Fetch the contracts with balances and forecasts, then redraw."""
        try:
            views = await contract_views(self.ctx, self.client_id)
            uncovered = await uncovered_minutes(self.ctx, self.client_id) if self.client_id else 0
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        self._uncovered = uncovered
        self._show(views)

    def _show(self, views: list[ContractView]) -> None:
        table = self.query_one("#contract-table", DataTable)
        keep = self.selected_view()
        table.clear()
        self._views = {}
        warn = self.ctx.prices.billing.warn_percent
        for v in views:
            b, c = v.balance, v.balance.contract
            key = str(c.id)
            self._views[key] = v
            level = b.warning_level(warn)
            style = {0: "", 1: "yellow", 2: "bold red"}[level]
            if b.included_minutes is None:
                used = format_hours(b.used_minutes)
            else:
                used = f"{format_hours(b.used_minutes)}/{format_hours(b.left_minutes or 0)}"
            table.add_row(
                c.number, v.client_name, product_name(c.product_code, title=c.title, short=True),
                STATUS_LABEL[v.status],
                cell(used, style=style), format_day(v.runs_out_on) or "—", key=key,
            )  # fmt: skip
        if keep is not None and str(keep.balance.contract.id) in self._views:
            table.move_cursor(row=table.get_row_index(str(keep.balance.contract.id)))
        scope = views[0].client_name if self.client_id and views else _("all clients")
        summary = _("Contracts: {n} · {scope}").format(n=len(views), scope=scope)
        if self._uncovered:
            summary += " · " + _("uncovered {h}").format(h=format_hours(self._uncovered))
        self.query_one("#contracts-summary", Static).update(summary)
        self._show_detail()

    def selected_view(self) -> ContractView | None:
        """The contract under the cursor."""
        table = self.query_one("#contract-table", DataTable)
        if not table.row_count or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._views.get(key or "")

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        """Show the balance line and hints of the highlighted contract."""
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#contract-detail", Static)
        v = self.selected_view()
        if v is None:
            detail.update(_("No contracts yet. Press n to sign one."))
            return
        warn = self.ctx.prices.billing.warn_percent
        lines = [balance_text(v.balance, warn)]
        c = v.balance.contract
        period = format_day(c.starts_on) + (f"–{format_day(c.ends_on)}" if c.ends_on else "")
        name = product_name(c.product_code, title=c.title)
        lines.append(f"{name} · {period} · {c.signer_text()}")
        lines += contract_notes(v)
        detail.set_class(v.offer_service or v.balance.warning_level(warn) > 0, "-warn")
        detail.update("\n".join(lines))

    def _client_of_selection(self) -> int | None:
        if self.client_id is not None:
            return self.client_id
        v = self.selected_view()
        if v is None:
            self.notify(_("Select a contract of the client first."), severity="warning")
            return None
        return v.balance.contract.client_id

    def action_filter(self) -> None:
        """Switch between this client's contracts and all contracts."""
        v = self.selected_view()
        self.client_id = (
            None if self.client_id is not None or v is None else (v.balance.contract.client_id)
        )
        self.load()

    def action_sign(self) -> None:
        """Sign a new contract (or a top-up block) for the client."""
        from screens.sign_contract import open_signing

        client_id = self._client_of_selection()
        if client_id is not None:
            open_signing(self, client_id, self._reload_after)

    def action_assess(self) -> None:
        """Record or revise the client's needs assessment (or a waiver)."""
        from screens.assessment import AssessmentScreen

        client_id = self._client_of_selection()
        if client_id is not None:
            self.app.push_screen(AssessmentScreen(client_id), self._reload_after)

    def _reload_after(self, _result: int | None) -> None:
        self.load()

    def action_statement(self) -> None:
        """Open the client's work statement."""
        from screens.statement import StatementScreen

        client_id = self._client_of_selection()
        if client_id is not None:
            self.app.push_screen(StatementScreen(client_id))

    def action_close_contract(self) -> None:
        """Close the selected contract: x twice (the first press warns), then the reason."""
        v = self.selected_view()
        if v is None:
            return
        if self._close_asked != v.balance.contract.id:
            self._close_asked = v.balance.contract.id
            left = v.balance.left_minutes
            if left:
                # Prepaid hours are lost on closing: say how many before the second x.
                self.notify(
                    _("{n} has {h} of prepaid time left. Press x again to close it anyway.").format(
                        n=v.balance.contract.number, h=format_hours(left)
                    ),
                    severity="warning",
                )
                return
            self.notify(_("Press x again to close {n}.").format(n=v.balance.contract.number))
            return
        self._close_asked = None
        contract = v.balance.contract

        def closing(reason: str | None) -> None:
            if reason:
                self.close_selected(contract.id, reason)

        # The reason is the service's rule (``contracts close --reason`` asks too).
        self.app.push_screen(
            NotePrompt(
                _("Why is {n} closed?").format(n=contract.number),
                _("e.g. replaced by a new block, client left"),
            ),
            closing,
        )

    @work(exclusive=True, group="close-contract", exit_on_error=False)
    async def close_selected(self, contract_id: int, reason: str) -> None:
        """Close through the service with the reason given (audited)."""
        try:
            await close_contract(self.ctx, contract_id, reason)
        except DomainError as err:
            self.notify(str(err), severity="error")

    def action_move(self) -> None:
        """Move the client's uncovered time onto the selected contract."""
        v = self.selected_view()
        if v is not None:
            self.move_to(v.balance.contract.id)

    @work(exclusive=True, group="move-uncovered", exit_on_error=False)
    async def move_to(self, contract_id: int) -> None:
        """Run the move and report how much went where."""
        try:
            moved = await move_uncovered(self.ctx, contract_id)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        self.notify(_("Moved {h} onto the contract.").format(h=format_hours(moved)))
