"""A client's software inventory: what changed since the previous one, and loading a new one."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Input, Static

from bbdispatch.clock import format_local
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.i18n import N_, _
from bbdispatch.services.inventory import InventoryReport, inventory_report, load_inventory_file
from screens.base import BBScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainTable
from screens.widgets.text_input import TextInput


class InventoryScreen(BBScreen[None]):
    """Added, removed and updated programs; ``o`` loads an export onto the run's job."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_file", N_("Load file"), tooltip=N_("Load an export onto the job"),
                id="load-inventory"),
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the history"), id="back"),
    ]  # fmt: skip

    AUTO_FOCUS = "#diff-table"

    DEFAULT_CSS = """
    InventoryScreen #diff-table {
        height: 1fr;
    }
    InventoryScreen #file-path {
        display: none;
    }
    InventoryScreen.-loading #file-path {
        display: block;
    }
    """

    def __init__(self, client_id: int, job_id: int | None) -> None:
        super().__init__()
        self.client_id = client_id
        """Whose inventory is shown."""
        self.job_id = job_id
        """The inventory job a loaded file is recorded on, if any."""

    def compose(self) -> ComposeResult:
        """Summary, file path input (when loading), the changes, footer."""
        yield Header()
        yield Plain("", id="inventory-summary", classes="summary")
        yield TextInput(placeholder=_("Path of the export (CSV or wmic text)"), id="file-path")
        yield Plain("", id="file-error", classes="field-error")
        table: DataTable[str | Text] = PlainTable(id="diff-table", cursor_type="row")
        yield table
        yield KeysFooter()

    def on_mount(self) -> None:
        """Columns and first load."""
        table = self.query_one("#diff-table", DataTable)
        table.add_column("", key="change", width=9)
        table.add_column(_("Program"), key="name", width=30)
        table.add_column(_("Version"), key="version")
        self.load_report()

    @work(exclusive=True, group="load-inventory", exit_on_error=False)
    async def load_report(self) -> None:
        """Fetch the newest inventory against the previous one."""
        try:
            report = await inventory_report(self.ctx, self.client_id)
        except NotFound as err:
            self.query_one("#inventory-summary", Static).update(str(err))
            return
        self._show(report)

    def _show(self, report: InventoryReport) -> None:
        latest, previous, diff = report.latest, report.previous, report.diff
        since = (
            _("since {when}").format(when=format_local(previous.loaded_at))
            if previous
            else _("first inventory")
        )
        self.query_one("#inventory-summary", Static).update(
            _("{when}: {n} programs, {since}: +{a} −{r} ~{c}").format(
                when=format_local(latest.loaded_at), n=len(latest.software.items), since=since,
                a=len(diff.added), r=len(diff.removed), c=len(diff.changed),
            )
        )  # fmt: skip
        table = self.query_one("#diff-table", DataTable)
        table.clear()
        for item in diff.added:
            table.add_row(Text(_("added"), style="green"), item.name, item.version)
        for item in diff.removed:
            table.add_row(Text(_("removed"), style="bold red"), item.name, item.version)
        for change in diff.changed:
            table.add_row(
                Text(_("updated"), style="yellow"), change.name,
                f"{change.old_version} → {change.new_version}",
            )  # fmt: skip
        if diff.is_empty and previous is not None:
            table.add_row("", _("No changes since the previous inventory."), "")

    def action_open_file(self) -> None:
        """Ask for the export's path."""
        if self.job_id is None:
            self.notify(_("Pick the inventory run in the history first."), severity="warning")
            return
        self.add_class("-loading")
        self.query_one("#file-path", Input).focus()

    @on(Input.Submitted, "#file-path")
    def _submit_path(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.load_file(Path(event.value.strip()))

    @work(exclusive=True, group="load-file", exit_on_error=False)
    async def load_file(self, path: Path) -> None:
        """Load the file onto the job; the path stays typed if it fails."""
        assert self.job_id is not None
        error = self.query_one("#file-error", Static)
        try:
            report = await load_inventory_file(self.ctx, self.job_id, path)
        except DomainError as err:
            error.update(str(err))
            return
        error.update("")
        self.remove_class("-loading")
        self.query_one("#diff-table", DataTable).focus()
        self.notify(
            _("Inventory loaded: {n} programs.").format(n=len(report.latest.software.items))
        )
        self._show(report)

    def action_back(self) -> None:
        """Back to the previous screen (or close the path field first)."""
        if self.has_class("-loading"):
            self.remove_class("-loading")
            self.query_one("#file-error", Static).update("")
            return
        self.app.pop_screen()
