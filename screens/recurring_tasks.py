"""The recurring tasks of one IT administration contract: list, add, edit, pause."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from bbdispatch.clock import format_local
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.recurring import CLOSED_DAY_LABELS, MissedRuns, RecurringTask
from bbdispatch.domain.schedule import describe_rule, short_rule
from bbdispatch.formats import format_duration
from bbdispatch.i18n import N_, Labels, _, ngettext
from bbdispatch.services.people import people
from bbdispatch.services.recurring import (
    admin_contract,
    missed_while_paused,
    next_runs,
    set_task_active,
    tasks_of_contract,
)
from screens.base import BBScreen
from screens.missed_runs_dialog import MissedRunsDialog
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainTable, cell

MODE_LABEL = Labels({"onsite": N_("on-site"), "remote": N_("remote")})


class RecurringTasksScreen(BBScreen[None]):
    """What the firm does for a client on a schedule, and when it next happens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_task", N_("New task"), tooltip=N_("Add a recurring task"), id="new-task"),
        Binding("e", "edit_task", N_("Edit"), tooltip=N_("Edit the selected task"), id="edit-task"),
        # Pausing is rare: a key, in F1 and the palette, off the footer (80 columns in Polish).
        Binding("p", "toggle_active", N_("Pause"), tooltip=N_("Pause or resume"), id="pause-task",
                show=False),
        Binding("h", "history", N_("History"), tooltip=N_("Every run and its log"), id="history"),
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the board"), id="back"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    RecurringTasksScreen #task-table {
        height: 1fr;
    }
    RecurringTasksScreen #task-detail {
        height: auto;
        max-height: 7;
        padding: 0 1;
        border-top: solid $primary;
    }
    """

    def __init__(self, contract_id: int) -> None:
        super().__init__()
        self.contract_id = contract_id
        """The IT administration contract shown."""
        self._tasks: dict[str, RecurringTask] = {}
        self._tech_names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        """Header, contract line, task table, detail of the selected task, footer."""
        yield Header()
        yield Plain("", id="tasks-summary", classes="summary")
        table: DataTable[str | Text] = PlainTable(
            id="task-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Plain("", id="task-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Columns, first load, and reload on any change."""
        table = self.query_one("#task-table", DataTable)
        table.add_column(_("Task"), key="title", width=19)
        table.add_column(_("Schedule"), key="schedule", width=18)
        table.add_column(_("Next run"), key="next", width=16)
        table.add_column(_("Tech"), key="tech", width=8)
        mode_width = max(7, *(len(label) for label in MODE_LABEL.values()))  # any language
        table.add_column(_("Mode"), key="mode", width=mode_width)
        self.bb.data_changed.subscribe(self, lambda _none: self.load_tasks())
        self.load_tasks()

    @work(exclusive=True, group="load-tasks", exit_on_error=False)
    async def load_tasks(self) -> None:
        """Fetch the contract and its tasks, then redraw."""
        try:
            item = await admin_contract(self.ctx, self.contract_id)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        tasks = await tasks_of_contract(self.ctx, self.contract_id)
        self._tech_names = {p.id: p.name for p in await people(self.ctx)}
        self.query_one("#tasks-summary", Static).update(
            ngettext(
                "{client} · {number} · {n} task", "{client} · {number} · {n} tasks", len(tasks)
            ).format(client=item.client.name, number=item.contract.number, n=len(tasks))
        )
        self._show(tasks)

    def _show(self, tasks: list[RecurringTask]) -> None:
        table = self.query_one("#task-table", DataTable)
        keep = self.selected_task()
        table.clear()
        self._tasks = {str(t.id): t for t in tasks}
        for task in tasks:
            style = "" if task.active else "dim"
            upcoming = _("paused")
            if task.active:
                try:
                    runs = next_runs(self.ctx, task, 1)
                    upcoming = format_local(runs[0]) if runs else _("never")
                except DomainError:
                    upcoming = _("bad schedule")
            tech = self._tech_names.get(task.technician_id or 0, "—").split(" ")[0]
            table.add_row(
                cell(task.title, style=style), cell(short_rule(task.schedule, 18), style=style),
                cell(upcoming, style=style), cell(tech, style=style),
                cell(MODE_LABEL[task.mode.value], style=style), key=str(task.id),
            )  # fmt: skip
        if keep is not None and str(keep.id) in self._tasks:
            table.move_cursor(row=table.get_row_index(str(keep.id)))
        self._show_detail()

    def selected_task(self) -> RecurringTask | None:
        """The task under the cursor."""
        table = self.query_one("#task-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._tasks.get(key or "")

    @on(DataTable.RowHighlighted, "#task-table")
    def _show_detail(self) -> None:
        detail = self.query_one("#task-detail", Static)
        task = self.selected_task()
        if task is None:
            detail.update(_("No recurring tasks yet: press n to add one."))
            return
        try:
            runs = next_runs(self.ctx, task, 3)
            nexts = " · ".join(format_local(r) for r in runs) or _("never")
        except DomainError as err:
            nexts = str(err)
        detail.update(
            _(
                "{schedule} · {minutes} · catch-up {catch} · closed day: {closed}\n"
                "Next: {next}\n{instructions}"
            ).format(
                schedule=describe_rule(task.schedule),
                minutes=format_duration(task.expected_minutes),
                catch=_("yes") if task.catch_up else _("no"),
                closed=CLOSED_DAY_LABELS[task.on_closed_day], next=nexts,
                instructions=task.instructions,
            )
        )  # fmt: skip

    def action_new_task(self) -> None:
        """Open the task form for a new task."""
        self._open_form(None)

    def action_edit_task(self) -> None:
        """Open the task form on the selected task."""
        task = self.selected_task()
        if task is not None:
            self._open_form(task)

    @on(DataTable.RowSelected, "#task-table")
    def _edit_selected(self) -> None:
        self.action_edit_task()

    def _open_form(self, task: RecurringTask | None) -> None:
        from screens.task_form import TaskForm

        def saved(_task_id: int | None) -> None:
            self.load_tasks()

        self.app.push_screen(TaskForm(self.contract_id, task), saved)

    def action_toggle_active(self) -> None:
        """Pause the selected task, or resume it."""
        task = self.selected_task()
        if task is not None:
            self._toggle(task)

    @work(exclusive=True, group="toggle-task", exit_on_error=False)
    async def _toggle(self, task: RecurringTask) -> None:
        """Pause, or resume asking first about runs that fell while paused."""
        try:
            missed = await missed_while_paused(self.ctx, task.id) if not task.active else []
            if not missed:
                await set_task_active(self.ctx, task.id, not task.active)
                return
        except DomainError as err:
            self.notify(str(err), severity="error")
            return

        def answered(choice: MissedRuns | None) -> None:
            if choice is not None:
                self._resume(task, choice)

        self.app.push_screen(MissedRunsDialog(missed), answered)

    @work(exclusive=True, group="toggle-task", exit_on_error=False)
    async def _resume(self, task: RecurringTask, missed: MissedRuns) -> None:
        try:
            await set_task_active(self.ctx, task.id, True, missed=missed)
        except DomainError as err:
            self.notify(str(err), severity="error")

    def action_history(self) -> None:
        """Show every run of this contract's tasks."""
        from screens.it_admin import open_contract_history

        open_contract_history(self.app, self.contract_id)

    def action_back(self) -> None:
        """Back to where the dispatcher came from."""
        self.app.pop_screen()
