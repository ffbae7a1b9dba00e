"""A client's work statement on screen: lines, contract subtotals, totals; issue it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Static

from bbdispatch.clock import local, local_today
from bbdispatch.dates import format_day, month_of, parse_day
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.messages import shown
from bbdispatch.domain.rights import Action
from bbdispatch.domain.statements import Statement, StatementLine
from bbdispatch.formats import format_hours, format_money, month_name
from bbdispatch.i18n import N_, Labels, _, current_language
from bbdispatch.reports.common import actual_pl, contract_label
from bbdispatch.services.statements import (
    AsIssued,
    as_issued,
    build_statement,
    check_issuable,
    draft_period,
    issue_statement,
)
from bbdispatch.text import fit
from screens.base import BBScreen, Needs, allowed_first, confirm_then
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainTable, cell
from screens.widgets.text_input import TextInput

MODE = Labels({"onsite": N_("on-site"), "remote": N_("remote")})


class StatementScreen(BBScreen[None]):
    """What the client is billed for a period, line by line, before and after issuing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), tooltip=N_("Back"), id="back"),
        Binding(
            "f5",
            "refresh_statement",
            N_("Show"),
            tooltip=N_("Build for the period"),
            id="show-statement",
        ),
        Binding(
            "f8",
            "issue",
            N_("Issue"),
            tooltip=N_("Issue and lock the period"),
            id="issue-statement",
        ),
        Binding(
            "f7",
            "correct",
            N_("Correct"),
            tooltip=N_("Admin: correct a billed entry"),
            id="correct-entry",
        ),
    ]

    DEFAULT_CSS = """
    StatementScreen #period {
        height: 3;
    }
    StatementScreen #period Input {
        width: 18;
    }
    StatementScreen #period Static {
        width: 1fr;
        padding: 1 1;
    }
    StatementScreen #statement-lines {
        height: 1fr;
    }
    StatementScreen #statement-totals {
        height: auto;
        max-height: 7;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, client_id: int, period: tuple[date, date] | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        """Whose statement."""
        self._period = period
        self.statement: Statement | None = None
        """The statement shown, once built."""
        self._today: dict[int, StatementLine] = {}
        """The period's entries as they are now, by entry id (what a correction starts from)."""
        self.issued: AsIssued | None = None
        """For an issued period: its document's totals and the changes since issue."""

    def compose(self) -> ComposeResult:
        """Period inputs, the lines, the totals, footer."""
        start, end = self._period or month_of(local_today(self.ctx.clock))
        yield Header()
        yield Plain("", id="statement-title", classes="summary")
        with Horizontal(id="period"):
            yield TextInput(format_day(start), id="period-from", placeholder=_("From"))
            yield TextInput(format_day(end), id="period-to", placeholder=_("To"))
            yield Plain("", id="period-error", classes="field-error")
        yield PlainTable(id="statement-lines", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="line-detail", classes="summary")
        yield Plain("", id="statement-totals")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Lay out the columns and build the statement for the default period."""
        table = self.query_one("#statement-lines", DataTable)
        table.add_column(_("Date"), key="date", width=10)
        table.add_column(_("Job"), key="job", width=4)
        table.add_column(_("Tech"), key="tech", width=8)
        table.add_column(_("Description"), key="description", width=14)
        # 10 h and more whole: ``12:34:56`` and ``12,75 h``
        table.add_column(_("Act."), key="actual", width=8)
        table.add_column(_("Billed"), key="billed", width=7)
        table.add_column(_("Contract"), key="contract", width=14)
        self.bb.data_changed.subscribe(self, lambda _none: self.action_refresh_statement())
        self.action_refresh_statement()

    @on(Input.Submitted)
    def _period_submitted(self) -> None:
        self.action_refresh_statement()

    def _read_period(self) -> tuple[date, date] | None:
        error = self.query_one("#period-error", Static)
        try:
            start = parse_day(self.query_one("#period-from", Input).value)
            end = parse_day(self.query_one("#period-to", Input).value)
        except ValueError as err:
            error.update(str(err))
            return None
        error.update("")
        return start, end

    def action_refresh_statement(self) -> None:
        """Build the statement for the period in the inputs."""
        period = self._read_period()
        if period is not None:
            self.load(*period)

    @work(exclusive=True, group="load-statement", exit_on_error=False)
    async def load(self, start: date, end: date) -> None:
        """Build through the service; a bad period is shown next to the inputs."""
        try:
            statement = await build_statement(self.ctx, self.client_id, start, end)
            issued = await as_issued(self.ctx, statement)
            cut = (
                None
                if statement.number
                else await draft_period(self.ctx, self.client_id, start, end)
            )
        except DomainError as err:
            self.query_one("#period-error", Static).update(str(err))
            return
        if cut is not None and cut.note:
            # The draft starts after (or ends before) an issued period: the inputs
            # say the days it bills, and the note says which statement has the rest.
            self.query_one("#period-from", Input).value = format_day(cut.start)
            self.query_one("#period-to", Input).value = format_day(cut.end)
            self.query_one("#period-error", Static).update(cut.note)
        self._show(statement, issued)

    def _show(self, s: Statement, issued: AsIssued | None = None) -> None:
        self._today = {ln.entry_id: ln for ln in s.lines}
        if issued is not None and issued.lines is not None:
            # An issued period shows its document's lines, contract summary and fees;
            # what changed since is listed apart.
            s = replace(s, lines=issued.lines)
            if issued.contracts is not None:
                s = replace(s, contracts=issued.contracts)
            if issued.fees is not None:
                s = replace(s, fees=issued.fees)
        self.statement = s
        self.issued = issued
        state = (
            _("{number} issued {day}").format(
                number=s.number or "", day=format_day(local(s.issued_at).date())
            )
            if s.issued_at
            else _("draft")
        )
        title = self.query_one("#statement-title", Static)
        rest = f" · {format_day(s.period_from)}–{format_day(s.period_to)} · {state}"
        room = (title.content_size.width or self.app.size.width - 2) - cell_len(rest)
        title.update(fit_name(s.client_name, room) + rest)
        table = self.query_one("#statement-lines", DataTable)
        table.clear()
        for ln in s.lines:
            style = "yellow" if ln.uncovered else ""
            table.add_row(
                format_day(ln.day),
                ln.job_number,
                ln.technician.split(" ")[0],
                ln.description,
                actual_pl(ln.actual_seconds),
                format_hours(ln.billed_minutes),
                cell(contract_label(ln, polish=current_language() == "pl"), style=style),
                key=str(ln.entry_id),
            )
        self.query_one("#statement-totals", Static).update("\n".join(self._summary(s)))
        # An empty period highlights no row: the previous period's detail must go too.
        self._show_line_detail()

    def _summary(self, s: Statement) -> list[str]:
        out = []
        for t in s.contracts:
            if t.left_before is not None and t.left_after is not None:
                text = _("{number}: {start} at the start · {used} used · {left} left").format(
                    number=t.contract.number, start=format_hours(t.left_before),
                    used=format_hours(t.minutes), left=format_hours(t.left_after),
                )  # fmt: skip
            else:
                text = f"{t.contract.number}: {format_hours(t.minutes)}"
            if t.net:
                text += f" · {format_money(t.net)}"
            out.append(text)
            if t.contract.opening_used_minutes:
                out.append(
                    "  "
                    + _("Opening balance: {hours} used before bbdispatch (imported).").format(
                        hours=format_hours(t.contract.opening_used_minutes)
                    )
                )
        uncovered = s.minutes_of(ChargeBasis.UNCOVERED)
        if uncovered:
            out.append(
                _("Uncovered {h} · {net}").format(
                    h=format_hours(uncovered), net=format_money(s.net_of(ChargeBasis.UNCOVERED))
                )
            )
        # The documents' rows, in the documents' words: time at an agreed rate per
        # rate, then each job agreed at a fixed price (a price for the job, not a rate).
        for r in s.rates:
            if r.basis is ChargeBasis.AGREED and r.contract_number is None:
                out.append(
                    _("Agreed rate {rate}/h: {h} · {net}").format(
                        rate=format_money(r.rate), h=format_hours(r.minutes),
                        net=format_money(r.net),
                    )
                )  # fmt: skip
        for p in s.prices:
            out.append(
                _("Agreed price for job {job}: {h} · {net}").format(
                    job=p.job_number, h=format_hours(p.minutes), net=format_money(p.net)
                )
            )
        for f in s.fees:
            out.append(
                _("Monthly fee {n} × {m} · {net}").format(
                    n=f.contract.number, m=f.months, net=format_money(f.net)
                )
            )
        for c in s.corrections:
            if c.fee_contract:
                out.append(
                    _("Correction of {ref}: monthly fee {number} for {months}: {net}").format(
                        ref=c.refers_to, number=c.fee_contract,
                        months=fee_months_text(c.fee_months), net=format_money(c.net_delta),
                    )
                )  # fmt: skip
                continue
            ref = c.refers_to or c.job_number
            if c.entry_id:
                ref = _("{ref}, entry {entry}").format(ref=ref, entry=c.entry_id)
            out.append(
                _("Correction of {ref}: {h} · {net}").format(
                    ref=ref,
                    h=format_hours(c.minutes_delta),
                    net=format_money(c.net_delta),
                )
            )
        kept = self.issued
        if kept is None:
            out.append(
                _("Net {net} · VAT {vat} · Gross {gross}").format(
                    net=format_money(s.net), vat=format_money(s.vat), gross=format_money(s.gross)
                )
            )
            return out
        # An issued period: the document's totals, and apart from them what changed since.
        out.append(
            _("As issued: net {net} · VAT {vat} · gross {gross}").format(
                net=format_money(kept.net), vat=format_money(kept.vat),
                gross=format_money(kept.gross),
            )
        )  # fmt: skip
        for c in kept.since:
            if c.fee_contract:
                out.append(
                    _(
                        "Since issue, on the next statement: monthly fee {number}"
                        " for {months}: {net}"
                    ).format(
                        number=c.fee_contract, months=fee_months_text(c.fee_months),
                        net=format_money(c.net_delta),
                    )
                )  # fmt: skip
                continue
            out.append(
                _("Since issue, on the next statement: entry {entry}: {h} · {net}").format(
                    entry=c.entry_id or "—", h=format_hours(c.minutes_delta),
                    net=format_money(c.net_delta),
                )
            )  # fmt: skip
        return out

    def selected_line(self) -> StatementLine | None:
        """The statement line under the cursor."""
        table = self.query_one("#statement-lines", DataTable)
        if self.statement is None or not table.row_count or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((ln for ln in self.statement.lines if str(ln.entry_id) == key), None)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        """Show why each part of the highlighted entry landed where it did."""
        self._show_line_detail()

    def _show_line_detail(self) -> None:
        line = self.selected_line()
        text = ""
        if line is not None:
            text = "; ".join(f"{format_hours(c.minutes)}: {shown(c.reason)}" for c in line.charges)
            if line.statement_id is not None:
                text = "🔒 " + text
        self.query_one("#line-detail", Static).update(text)

    def action_correct(self) -> None:
        """Admin: correct the highlighted entry of an issued statement."""
        from screens.correct_entry import CorrectEntryScreen

        line = self.selected_line()
        if line is None or line.statement_id is None:
            self.notify(_("Pick a line of an issued statement."), severity="warning")
            return
        # Corrected from the entry as it is now, not as the document billed it.
        self.app.push_screen(CorrectEntryScreen(self._today.get(line.entry_id, line)))

    def action_issue(self) -> None:
        """Issue the statement shown, after the user confirms: it cannot be undone."""
        if self.statement is not None:
            self._ask_issue()

    @work(exclusive=True, group="issue-question", exit_on_error=False)
    async def _ask_issue(self) -> None:
        """The right first (a dispatcher hears the refusal, not the question), then the period."""
        shown = self.statement
        if shown is None or not await allowed_first(self, Needs(Action.STATEMENT_ISSUE)):
            return
        if shown.statement_id is not None:
            self.notify(
                _("Statement {n} is already issued.").format(n=shown.number), severity="warning"
            )
            return
        start, end = shown.period_from, shown.period_to
        try:
            check_issuable(self.ctx, start, end)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        question = _(
            "Issue the statement for {client}, {start}–{end}, net {net}? It gets a number,"
            " its entries are locked and it never changes; later changes go to the next"
            " statement as corrections."
        ).format(
            client=shown.client_name,
            start=format_day(start),
            end=format_day(end),
            net=format_money(shown.net),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.issue(start, end)
            else:
                self.notify(_("Not issued."))

        # The right was asked above; this worker ends before the question is answered.
        confirm_then(self, ConfirmScreen(question), None, answered)

    @work(exclusive=True, group="issue-statement", exit_on_error=False)
    async def issue(self, start: date, end: date) -> None:
        """Issue through the service and say what happened."""
        try:
            await issue_statement(self.ctx, self.client_id, start, end)
            issued = await build_statement(self.ctx, self.client_id, start, end)
            kept = await as_issued(self.ctx, issued)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        self._show(issued, kept)
        self.notify(_("Statement {n} issued; its entries are locked.").format(n=issued.number))


def fee_months_text(months: tuple[date, ...]) -> str:
    """``November 2026, December 2026`` (``listopad 2026``): the months a fee correction bills."""
    if not months:
        return "—"
    return ", ".join(f"{month_name(m.month)} {m.year}" for m in months)


def fit_name(name: str, room: int) -> str:
    """``name`` cut with ``…`` to ``room`` cells (at least 8), so what follows it stays whole.

    The statement's title ends with the period and the issue number and date;
    a long client name used to push the date off an 80-column screen.
    """
    return fit(name, max(room, 8))
