"""The dispatcher's home: every open job in one keyboard-driven table."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from bbdispatch.clock import format_age
from bbdispatch.domain.jobs import JobRow, Priority
from bbdispatch.i18n import _
from bbdispatch.services.jobs import open_jobs
from screens.base import BBScreen

MODE_LABEL = {"onsite": _("on-site"), "remote": _("remote")}
STATUS_LABEL = {
    "new": _("new"),
    "triaged": _("triaged"),
    "assigned": _("assigned"),
    "in_progress": _("in progress"),
    "on_hold": _("on hold"),
    "done": _("done"),
    "cancelled": _("cancelled"),
}
PRIORITY_LABEL = {"emergency": _("EMERG"), "normal": _("normal"), "low": _("low")}


class BoardScreen(BBScreen[None]):
    """All open jobs, emergencies first, then the longest waiting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", _("Refresh"), tooltip=_("Reload the queue now"), id="refresh"),
        Binding(
            "c", "contracts", _("Contracts"), tooltip=_("Contracts and balances"), id="contracts"
        ),
    ]

    DEFAULT_CSS = """
    BoardScreen #job-table {
        height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        """Header, summary line, the job table, footer."""
        yield Header()
        yield Static("", id="board-summary", classes="summary")
        table: DataTable[str | Text] = DataTable(
            id="job-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        """Lay out the columns, load the queue and follow later changes."""
        table = self.query_one("#job-table", DataTable)
        table.add_column(_("No."), key="no", width=5)
        table.add_column(_("Client"), key="client", width=18)
        table.add_column(_("Description"), key="description")
        table.add_column(_("Mode"), key="mode", width=7)
        table.add_column(_("Prio"), key="priority", width=6)
        table.add_column(_("Status"), key="status", width=11)
        table.add_column(_("Tech"), key="tech", width=10)
        table.add_column(_("Wait"), key="wait", width=6)
        self.bb.data_changed.subscribe(self, lambda _none: self.load_jobs())
        self.load_jobs()

    def action_reload(self) -> None:
        """Reload the queue."""
        self.load_jobs()

    def action_contracts(self) -> None:
        """Open the contracts screen (balances, signing, statements)."""
        from screens.contracts import ContractsScreen

        self.app.push_screen(ContractsScreen())

    @work(exclusive=True, group="load-jobs", exit_on_error=False)
    async def load_jobs(self) -> None:
        """Fetch open jobs and redraw, keeping the cursor on the same job."""
        rows = await open_jobs(self.ctx)
        self._show(rows)

    def _show(self, rows: list[JobRow]) -> None:
        table = self.query_one("#job-table", DataTable)
        keep = None
        if table.row_count and table.cursor_row >= 0:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        now = self.ctx.clock.now()
        table.clear()
        for row in rows:
            job = row.job
            style = "bold red" if job.priority is Priority.EMERGENCY else ""
            table.add_row(
                Text(job.number, style=style),
                Text(row.client_name, style=style),
                job.description,
                MODE_LABEL[job.mode.value],
                Text(PRIORITY_LABEL[job.priority.value], style=style),
                STATUS_LABEL[job.status.value],
                (row.technician_name or "—").split(" ")[0],
                format_age(now - job.received_at),
                key=str(job.id),
            )
        if keep is not None and keep in {str(r.job.id) for r in rows}:
            table.move_cursor(row=table.get_row_index(keep))
        emergencies = sum(r.job.priority is Priority.EMERGENCY for r in rows)
        unassigned = sum(r.job.technician_id is None for r in rows)
        self.query_one("#board-summary", Static).update(
            _("Open {open} · emergencies {em} · unassigned {un}").format(
                open=len(rows), em=emergencies, un=unassigned
            )
        )
