"""Every run of an IT administration contract: the trace the firm is answerable for.

Missed runs (never done, past their day) and failed ones (a problem found, a
failed backup) stand out in the error colour and in capitals, so they are seen
also without colour.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from bbdispatch.clock import format_local, format_local_short, local
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import Category
from bbdispatch.domain.messages import shown_parts
from bbdispatch.domain.people import person_of
from bbdispatch.domain.recurring import HistoryRow, RunOutcome, RunState
from bbdispatch.formats import format_date
from bbdispatch.i18n import N_, NP_, Labels, _, ngettext
from bbdispatch.services.recurring import admin_contract, contract_history
from bbdispatch.services.schedule import run_schedule
from screens.base import BBScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainTable, cell

STATE_LABEL = Labels(
    {
        RunState.DONE: NP_("run", "done"),
        RunState.PROBLEM: NP_("run", "PROBLEM"),
        RunState.OPEN: NP_("run", "open"),
        RunState.OVERDUE: NP_("run", "MISSED"),
        RunState.CANCELLED: NP_("run", "cancelled"),
    },
    context="run",
)
"""How each run state reads in the table (the ones that stand out in capitals)."""


class ContractHistoryScreen(BBScreen[None]):
    """Runs of a contract's recurring tasks, newest first, with who did them and the outcome."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log_run", N_("Log run"), tooltip=N_("Complete the run, record its log"),
                id="log-run"),
        Binding("b", "backup_check", N_("Backup"), tooltip=N_("Record the backup check"),
                id="backup-check"),
        Binding("i", "inventory", N_("Inventory"), tooltip=N_("Software inventory and changes"),
                id="inventory"),
        Binding("s", "run_schedule", N_("Run sched."), tooltip=N_("Create due runs now"),
                id="run-schedule"),
        # Not in the footer (it would pass 80 columns): F1 and the palette list it.
        Binding("r", "report", N_("Report"),
                tooltip=N_("The client's IT administration report for the month"),
                id="itadmin-report", show=False),
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the tasks"), id="back"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    ContractHistoryScreen #history-table {
        height: 1fr;
    }
    ContractHistoryScreen #run-detail {
        height: auto;
        max-height: 5;
        padding: 0 1;
        border-top: solid $primary;
    }
    """

    def __init__(self, contract_id: int) -> None:
        super().__init__()
        self.contract_id = contract_id
        """The IT administration contract shown."""
        self._rows: dict[str, HistoryRow] = {}
        self._client_id: int | None = None

    def compose(self) -> ComposeResult:
        """Header, summary, the run table, the selected run's log, footer."""
        yield Header()
        yield Plain("", id="history-summary", classes="summary")
        table: DataTable[str | Text] = PlainTable(
            id="history-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Plain("", id="run-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Columns, first load, reload on any change."""
        table = self.query_one("#history-table", DataTable)
        # The status takes its longest word in this language and the "*" of a late
        # run ("POMINIĘTE*"); the task's title gives up what that needs.
        status = max(len(label) for label in STATE_LABEL.values()) + 1
        table.add_column(_("Due"), key="due", width=10)
        table.add_column(_("Task"), key="task", width=25 - status)
        table.add_column(_("Job"), key="job", width=4)
        table.add_column(_("Status"), key="status", width=status)
        table.add_column(_("Who"), key="who", width=6)
        table.add_column(_("When"), key="when", width=11)
        table.add_column(_("Outcome"), key="outcome")
        self.bb.data_changed.subscribe(self, lambda _none: self.load_history())
        self.load_history()

    @work(exclusive=True, group="load-history", exit_on_error=False)
    async def load_history(self) -> None:
        """Fetch the runs and redraw, keeping the cursor on the same job."""
        try:
            item = await admin_contract(self.ctx, self.contract_id)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        self._client_id = item.client.id
        rows = await contract_history(self.ctx, self.contract_id)
        missed = sum(r.state is RunState.OVERDUE for r in rows)
        failed = sum(r.state is RunState.PROBLEM for r in rows)
        self.query_one("#history-summary", Static).update(
            _("Runs {n} · missed {m} · problems {p} · {number} · {client}").format(
                client=item.client.name, number=item.contract.number, n=len(rows), m=missed,
                p=failed,
            )
        )  # fmt: skip
        self._show(rows)

    def _show(self, rows: list[HistoryRow]) -> None:
        table = self.query_one("#history-table", DataTable)
        keep = self.selected_row()
        table.clear()
        self._rows = {str(r.job.id): r for r in rows}
        for row in rows:
            style = "bold red" if row.state.stands_out else ""
            log = row.log
            outcome = ""
            if log is not None:
                outcome = _("ok") if log.outcome is RunOutcome.OK else shown_parts(log.problem)
            elif row.state is RunState.PROBLEM:
                outcome = row.job.alert
            table.add_row(
                cell(format_date(local(row.occurrence_at).date()), style=style),
                row.task_title, row.job.number,
                cell(STATE_LABEL[row.state] + ("*" if row.job.late else ""), style=style),
                person_of(log.recorded_by) if log else (row.technician_name or "—").split(" ")[0],
                format_local_short(log.recorded_at) if log else "",
                cell(outcome, style=style), key=str(row.job.id),
            )  # fmt: skip
        if keep is not None and str(keep.job.id) in self._rows:
            table.move_cursor(row=table.get_row_index(str(keep.job.id)))
        self._show_detail()

    def selected_row(self) -> HistoryRow | None:
        """The run under the cursor."""
        table = self.query_one("#history-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._rows.get(key or "")

    @on(DataTable.RowHighlighted, "#history-table")
    def _show_detail(self) -> None:
        detail = self.query_one("#run-detail", Static)
        row = self.selected_row()
        if row is None:
            detail.update(_("No runs yet. Press s to create the runs that are due."))
            return
        head = _("Job {job} · due {due}{late}").format(
            job=row.job.number, due=format_local(row.occurrence_at),
            late=_(" · created late") if row.job.late else "",
        )  # fmt: skip
        if row.log is None:
            text = _("Not documented yet. Press l to log the run.")
        else:
            text = _("Checked: {checked}").format(checked=row.log.checked)
            if row.log.problem:
                text += "\n" + _("Problem: {problem}").format(problem=row.log.problem)
        if row.job.alert:
            text += "\n" + row.job.alert
        detail.update(f"{head}\n{text}")

    def action_log_run(self) -> None:
        """Complete the selected run and record its log."""
        row = self.selected_row()
        if row is not None:
            from screens.it_admin import open_run_log

            open_run_log(self.app, row.job.id)

    def action_backup_check(self) -> None:
        """Record the backup check of the selected (backup) run."""
        row = self.selected_row()
        if row is None:
            return
        if row.job.category is not Category.BACKUP or not row.job.status.is_open:
            self.notify(_("Pick an open backup run."), severity="warning")
            return
        from screens.backup_check_dialog import BackupCheckDialog

        self.app.push_screen(BackupCheckDialog(row.job.id))

    def action_report(self) -> None:
        """The client's IT administration report of this month, as the client receives it."""
        if self._client_id is None:
            return
        from screens.itadmin_report_view import ItAdminReportScreen

        self.app.push_screen(ItAdminReportScreen(self._client_id))

    def action_inventory(self) -> None:
        """Show the client's software inventory; loading goes on the selected run."""
        if self._client_id is None:
            return
        from screens.inventory_view import InventoryScreen

        row = self.selected_row()
        job_id = row.job.id if row and row.job.category is Category.SOFTWARE else None
        self.app.push_screen(InventoryScreen(self._client_id, job_id))

    @work(exclusive=True, group="run-schedule", exit_on_error=False)
    async def action_run_schedule(self) -> None:
        """Create the runs that are due now (the same as ``schedule run``)."""
        result = await run_schedule(self.ctx)
        count = len(result.created)
        self.notify(ngettext("{n} run created.", "{n} runs created.", count).format(n=count))
        for problem in result.problems:
            self.notify(problem, severity="error")
        for skipped in result.skipped:  # missed runs over the catch-up cap
            self.notify(skipped, severity="warning", timeout=10)

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()
