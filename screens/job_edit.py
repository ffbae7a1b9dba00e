"""Correcting a job: description, priority, mode, the contract it is charged to, agreed price."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.domain.jobs import JobMode, Priority
from bbdispatch.i18n import N_, _
from bbdispatch.money import MoneyError, format_plain, parse_money
from bbdispatch.services.board import JobDetail
from bbdispatch.services.dispatch import JobEdit, edit_job
from bbdispatch.services.errors import USER_ERRORS
from screens.widgets.board_columns import MODE_LABEL, PRIORITY_LABEL
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain, PlainLabel, PlainSelect
from screens.widgets.text_input import TextInput

NO_CONTRACT = -1

TERMS = ("none", "price", "rate")
"""How the job is priced: by contracts and the rules, an agreed fixed price, an agreed rate."""


class JobEditScreen(FormDialog[None]):
    """A small form; ctrl+s or the button saves, Esc closes (asking first if anything changed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the changes"), id="save-job"),
        Binding(
            "escape",
            "cancel",
            N_("Cancel"),
            tooltip=N_("Close without saving (asks first if anything changed)"),
            id="cancel",
        ),
    ]

    DEFAULT_CSS = """
    JobEditScreen {
        align: center middle;
    }
    JobEditScreen #edit-terms-row {
        height: auto;
    }
    JobEditScreen #edit-terms {
        width: 30;
    }
    JobEditScreen #edit-amount {
        width: 1fr;
    }
    JobEditScreen > Vertical {
        width: 76;
        max-width: 98%;
        height: auto;
        border: round $primary;
        padding: 0 1;
        background: $surface;
    }
    """

    def __init__(self, detail: JobDetail) -> None:
        super().__init__(cancelled=None)
        self.detail = detail

    def compose(self) -> ComposeResult:
        """Description, priority, mode, contract, error line, save button."""
        job = self.detail.line.row.job
        contracts = [
            (b.contract.number + " " + b.contract.product_code, b.contract.id)
            for b in self.detail.balances
            if b.contract.status is ContractStatus.ACTIVE or b.contract.id == job.contract_id
        ]
        with Vertical():
            yield PlainLabel(_("Job {no}").format(no=job.number))
            yield TextInput(job.description, id="edit-description")
            yield PlainSelect(
                [(PRIORITY_LABEL[p], p.value) for p in Priority],
                value=job.priority.value, allow_blank=False, id="edit-priority",
            )  # fmt: skip
            yield PlainSelect(
                [(MODE_LABEL[m], m.value) for m in JobMode],
                value=job.mode.value, allow_blank=False, id="edit-mode",
            )  # fmt: skip
            yield PlainSelect(
                [(_("no contract: charge by the rules"), NO_CONTRACT), *contracts],
                value=job.contract_id if job.contract_id is not None else NO_CONTRACT,
                allow_blank=False, id="edit-contract",
            )  # fmt: skip
            terms, amount = "none", ""
            if job.agreed_price is not None:
                terms, amount = "price", format_plain(job.agreed_price)
            elif job.agreed_rate is not None:
                terms, amount = "rate", format_plain(job.agreed_rate)
            with Horizontal(id="edit-terms-row"):
                yield PlainSelect(
                    [(_("no agreed price"), "none"), (_("agreed fixed price"), "price"),
                     (_("agreed hourly rate"), "rate")],
                    value=terms, allow_blank=False, id="edit-terms",
                )  # fmt: skip
                yield TextInput(amount, id="edit-amount", placeholder=_("net PLN, e.g. 350"))
            yield Plain("", id="edit-error", classes="field-error")
            yield Button(_("Save"), id="edit-save", variant="primary")

    @on(Button.Pressed, "#edit-save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the edits."""
        contract = self.query_one("#edit-contract", Select).value
        terms = str(self.query_one("#edit-terms", Select).value)
        amount_input = self.query_one("#edit-amount", Input)
        amount = None
        if terms != "none":
            try:
                amount = parse_money(amount_input.value)
            except MoneyError as err:
                self.query_one("#edit-error", Static).update(str(err))
                amount_input.focus()
                return
        edit = JobEdit(
            description=self.query_one("#edit-description", Input).value,
            priority=Priority(str(self.query_one("#edit-priority", Select).value)),
            mode=JobMode(str(self.query_one("#edit-mode", Select).value)),
            contract_id=None if contract in (NO_CONTRACT, Select.BLANK) else int(str(contract)),
            agreed_price=amount if terms == "price" else None,
            agreed_rate=amount if terms == "rate" else None,
        )
        self._save(edit)

    @work(exclusive=True, group="edit-job", exit_on_error=False)
    async def _save(self, edit: JobEdit) -> None:
        try:
            changed = await edit_job(self.ctx, self.detail.line.job_id, edit)
        except USER_ERRORS as err:
            self.query_one("#edit-error", Static).update(str(err))
            return
        self.notify(_("Saved: {fields}.").format(fields=", ".join(changed) or _("nothing changed")))
        self.dismiss(None)
