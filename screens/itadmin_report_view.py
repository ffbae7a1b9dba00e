"""The IT administration report on screen: the month the client receives, as ``report itadmin``."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Markdown, Static

from bbdispatch.clock import local_today
from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import N_, _
from bbdispatch.reports.itadmin import render_markdown
from bbdispatch.services.itadmin_report import itadmin_report
from screens.base import BBScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain


def shift_month(month: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``month``'s."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class ItAdminReportScreen(BBScreen[None]):
    """One client's IT administration month, the same document ``report itadmin --format md`` makes.

    Runs due, done, missed and late with outcomes, backup results, software
    changes per computer, time spent and the fee, in Polish as the client reads
    it. Stored text reaches the Markdown only through the document's escapes,
    so it is shown literally. ←/→ step through the months.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "month(-1)", N_("Prev month"), tooltip=N_("The month before"),
                id="report-prev-month"),
        Binding("right", "month(1)", N_("Next month"), tooltip=N_("The month after"),
                id="report-next-month"),
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the history"), id="back"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    ItAdminReportScreen #report-body {
        height: 1fr;
    }
    ItAdminReportScreen #report-text {
        margin: 0 1;
    }
    """

    AUTO_FOCUS = "#report-body"

    def __init__(self, client_id: int, month: date | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        """Whose report is shown."""
        self.month = month
        """The first day of the month shown (None: this month, in the firm's zone)."""

    def compose(self) -> ComposeResult:
        """Header, a status line, the document, footer."""
        yield Header()
        yield Plain(_("Loading…"), id="report-status", classes="summary")
        with VerticalScroll(id="report-body"):
            yield Markdown("", id="report-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        """This month unless told, then load."""
        if self.month is None:
            self.month = local_today(self.ctx.clock).replace(day=1)
        self.load_report()

    def action_month(self, months: int) -> None:
        """Show the month before or after."""
        assert self.month is not None
        self.month = shift_month(self.month, months)
        self.load_report()

    @work(exclusive=True, group="load-itadmin-report", exit_on_error=False)
    async def load_report(self) -> None:
        """Build the report through the service and show it."""
        assert self.month is not None
        status = self.query_one("#report-status", Static)
        try:
            report = await itadmin_report(self.ctx, self.client_id, self.month)
        except DomainError as err:
            status.update(str(err))
            await self.query_one("#report-text", Markdown).update("")
            return
        status.update(
            _("{month} · ←/→ month · report itadmin --client {id} --month {m} writes it").format(
                month=self.month.strftime("%m.%Y"), id=self.client_id,
                m=self.month.strftime("%Y-%m"),
            )
        )  # fmt: skip
        await self.query_one("#report-text", Markdown).update(render_markdown(report))

    def action_back(self) -> None:
        """Back to where the report was opened from."""
        self.app.pop_screen()
