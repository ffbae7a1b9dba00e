"""Ways into IT administration: pick a contract, open its tasks, history or a run's log.

Other screens (the contracts screen, a technician's job list) call these
functions instead of knowing the screens' constructors.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static

from bbdispatch.i18n import N_, _
from bbdispatch.services.recurring import it_admin_contracts
from screens.base import BBModal
from screens.widgets.footer import KeysFooter
from screens.widgets.pick_list import PickList
from screens.widgets.plain import Plain, PlainLabel, plain_option


def open_it_admin(app: App[Any]) -> None:
    """Ask which IT administration contract, then open its recurring tasks."""

    def chosen(contract_id: int | None) -> None:
        if contract_id is not None:
            open_recurring_tasks(app, contract_id)

    app.push_screen(AdminContractPicker(), chosen)


def open_recurring_tasks(app: App[Any], contract_id: int) -> None:
    """Open the recurring tasks of an IT administration contract."""
    from screens.recurring_tasks import RecurringTasksScreen

    app.push_screen(RecurringTasksScreen(contract_id))


def open_contract_history(app: App[Any], contract_id: int) -> None:
    """Open the run history of an IT administration contract."""
    from screens.contract_history import ContractHistoryScreen

    app.push_screen(ContractHistoryScreen(contract_id))


def open_run_log(app: App[Any], job_id: int) -> None:
    """Open the dialog that completes a recurring run and records its log."""
    from screens.run_log_dialog import RunLogDialog

    app.push_screen(RunLogDialog(job_id))


class AdminContractPicker(BBModal[int | None]):
    """A short list of IT administration contracts; Enter picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Back without choosing"), id="cancel"),
    ]

    DEFAULT_CSS = """
    AdminContractPicker {
        align: center middle;
    }
    AdminContractPicker > Vertical {
        width: 64;
        max-width: 95%;
        height: auto;
        max-height: 80%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    AdminContractPicker OptionList {
        height: auto;
        max-height: 14;
    }
    """

    def compose(self) -> ComposeResult:
        """Title, the contract list, a hint when there are none."""
        with Vertical():
            yield PlainLabel(_("IT administration contract"))
            yield PickList(id="contract-list")
            yield Plain("", id="picker-empty", classes="field-error")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Load the contracts."""
        self.load_contracts()

    @work(exclusive=True, group="load-contracts", exit_on_error=False)
    async def load_contracts(self) -> None:
        """Fill the list with active IT administration contracts."""
        found = await it_admin_contracts(self.ctx)
        options = self.query_one("#contract-list", OptionList)
        options.clear_options()
        for item in found:
            options.add_option(
                plain_option(
                    f"{item.client.name} · {item.contract.number}", id=str(item.contract.id)
                )
            )
        if found:
            options.highlighted = 0
            options.focus()
        else:
            self.query_one("#picker-empty", Static).update(
                _("No active IT administration contract.")
            )

    @on(OptionList.OptionSelected, "#contract-list")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
