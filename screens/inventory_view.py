"""A client's software inventory per computer: its changes, its full list, loading a new one."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Input, Select, Static

from bbdispatch.clock import format_local
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.i18n import N_, _, ngettext
from bbdispatch.services.inventory import InventoryReport, inventory_reports, load_inventory_file
from screens.base import BBScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainSelect, PlainTable
from screens.widgets.text_input import TextInput


class InventoryScreen(BBScreen[None]):
    """One computer at a time: added, removed and updated programs, or all of them.

    The computer is picked at the top; ``a`` switches between the changes and
    the full list; ``o`` loads an export onto the run's job (with the
    computer's name when the file does not carry it).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_file", N_("Load file"), tooltip=N_("Load an export onto the job"),
                id="load-inventory"),
        Binding("a", "toggle_full", N_("All/changes"),
                tooltip=N_("The computer's full list, or only what changed"), id="inventory-full"),
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the history"), id="back"),
    ]  # fmt: skip

    AUTO_FOCUS = "#diff-table"

    DEFAULT_CSS = """
    InventoryScreen #diff-table {
        height: 1fr;
    }
    InventoryScreen #computer {
        width: 1fr;
    }
    InventoryScreen #file-path, InventoryScreen #file-host {
        display: none;
    }
    InventoryScreen.-loading #file-path, InventoryScreen.-loading #file-host {
        display: block;
    }
    """

    def __init__(self, client_id: int, job_id: int | None) -> None:
        super().__init__()
        self.client_id = client_id
        """Whose inventory is shown."""
        self.job_id = job_id
        """The inventory job a loaded file is recorded on, if any."""
        self._reports: dict[str, InventoryReport] = {}
        self._full = False
        """Show the computer's whole list instead of its changes."""

    def compose(self) -> ComposeResult:
        """Summary, file path input (when loading), the changes, footer."""
        yield Header()
        yield PlainSelect([], prompt=_("no computer yet"), id="computer", compact=True)
        yield Plain("", id="inventory-summary", classes="summary")
        yield TextInput(placeholder=_("Path of the export (CSV or wmic text)"), id="file-path")
        yield TextInput(
            placeholder=_("Computer name, if the file does not say (e.g. BIURO-PC1)"),
            id="file-host",
        )
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
    async def load_report(self, host: str | None = None) -> None:
        """Fetch each computer's newest inventory against its previous one."""
        try:
            reports = await inventory_reports(self.ctx, self.client_id)
        except NotFound as err:
            self.query_one("#inventory-summary", Static).update(str(err))
            return
        self._fill(reports, host)

    def _fill(self, reports: list[InventoryReport], host: str | None) -> None:
        """Offer the computers; show ``host``, else the one shown, else the one loaded last."""
        self._reports = {r.latest.host: r for r in reports}
        select: Select[str] = self.query_one("#computer", Select)
        shown = select.value if isinstance(select.value, str) else None
        newest = max(reports, key=lambda r: (r.latest.loaded_at, r.latest.id)).latest.host
        wanted = next(h for h in (host, shown, newest) if h is not None and h in self._reports)
        with select.prevent(Select.Changed):
            select.set_options(
                [(h or _("(unnamed computer)"), h) for h in self._reports]  # by name
            )
            select.value = wanted
        self._show(self._reports[wanted])

    @on(Select.Changed, "#computer")
    def _computer_picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value in self._reports:
            self._show(self._reports[event.value])

    def action_toggle_full(self) -> None:
        """Switch between the computer's changes and its full list."""
        self._full = not self._full
        select: Select[str] = self.query_one("#computer", Select)
        if isinstance(select.value, str) and select.value in self._reports:
            self._show(self._reports[select.value])

    def _show(self, report: InventoryReport) -> None:
        latest, previous, diff = report.latest, report.previous, report.diff
        since = (
            _("since {when}").format(when=format_local(previous.loaded_at))
            if previous
            else _("first inventory")
        )
        self.query_one("#inventory-summary", Static).update(
            ngettext(
                "{when}: {n} program, {since}: +{a} −{r} ~{c}",
                "{when}: {n} programs, {since}: +{a} −{r} ~{c}",
                len(latest.software.items),
            ).format(
                when=format_local(latest.loaded_at), n=len(latest.software.items), since=since,
                a=len(diff.added), r=len(diff.removed), c=len(diff.changed),
            )
        )  # fmt: skip
        table = self.query_one("#diff-table", DataTable)
        table.clear()
        if self._full:
            for item in latest.software.items:
                table.add_row("", item.name, item.version)
            return
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

    @on(Input.Submitted, "#file-path, #file-host")
    def _submit_path(self) -> None:
        path = self.query_one("#file-path", Input).value.strip()
        if path:
            self.load_file(Path(path))

    @work(exclusive=True, group="load-file", exit_on_error=False)
    async def load_file(self, path: Path) -> None:
        """Load the file onto the job; the path stays typed if it fails."""
        assert self.job_id is not None
        error = self.query_one("#file-error", Static)
        host = self.query_one("#file-host", Input).value.strip() or None
        try:
            report = await load_inventory_file(self.ctx, self.job_id, path, host)
        except DomainError as err:
            error.update(str(err))
            return
        error.update("")
        self.remove_class("-loading")
        self.query_one("#diff-table", DataTable).focus()
        self.notify(
            ngettext(
                "Inventory of {host} loaded: {n} program.",
                "Inventory of {host} loaded: {n} programs.",
                len(report.latest.software.items),
            ).format(host=report.latest.host, n=len(report.latest.software.items))
        )
        self.load_report(report.latest.host)

    def action_back(self) -> None:
        """Back to the previous screen (or close the path field first)."""
        if self.has_class("-loading"):
            self.remove_class("-loading")
            self.query_one("#file-error", Static).update("")
            return
        self.app.pop_screen()
