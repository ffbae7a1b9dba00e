"""Correcting a job: description, priority, mode, the contract it is charged to, agreed price."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select, Static

from bbdispatch.domain.audit_text import field_names
from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.domain.intake import contract_label
from bbdispatch.domain.jobs import JobMode, Priority
from bbdispatch.domain.labels import PRIORITY_LABEL
from bbdispatch.formats import format_amount_input
from bbdispatch.i18n import N_, _
from bbdispatch.money import MoneyError, parse_money
from bbdispatch.services.board import JobDetail
from bbdispatch.services.dispatch import JobEdit, contract_not_taken, edit_job
from bbdispatch.services.errors import USER_ERRORS
from screens.widgets.board_columns import MODE_LABEL
from screens.widgets.footer import KeysFooter
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
        & > VerticalScroll {
            width: 76;
            max-width: 100%;
            max-height: 100%;
        }
        Horizontal {
            height: auto;
        }
        .edit-label {
            width: 13;
        }
        Input, Select {
            width: 1fr;
        }
        #edit-terms {
            width: 34;
        }
        #edit-save {
            margin: 0 0 0 13;
        }
    }
    """

    def __init__(self, detail: JobDetail) -> None:
        super().__init__(cancelled=None)
        self.detail = detail

    def compose(self) -> ComposeResult:
        """Description, priority, mode, contract, error line, save button."""
        job = self.detail.line.row.job
        contracts = [
            (contract_label(b.contract), b.contract.id)
            for b in self.detail.balances
            if b.contract.status is ContractStatus.ACTIVE or b.contract.id == job.contract_id
        ]
        terms, amount = "none", ""
        if job.agreed_price is not None:
            terms, amount = "price", format_amount_input(job.agreed_price)
        elif job.agreed_rate is not None:
            terms, amount = "rate", format_amount_input(job.agreed_rate)
        # One labelled line per field (compact widgets), so the form and its
        # footer fit 80x24; a smaller terminal scrolls the box.
        with VerticalScroll():
            yield PlainLabel(_("Job {no}").format(no=job.number))
            with Horizontal():
                yield PlainLabel(_("Description"), classes="edit-label")
                yield TextInput(job.description, id="edit-description", compact=True)
            with Horizontal():
                yield PlainLabel(_("Priority"), classes="edit-label")
                yield PlainSelect(
                    [(PRIORITY_LABEL[p], p.value) for p in Priority],
                    value=job.priority.value, allow_blank=False, id="edit-priority",
                    compact=True,
                )  # fmt: skip
            with Horizontal():
                yield PlainLabel(_("Mode"), classes="edit-label")
                yield PlainSelect(
                    [(MODE_LABEL[m], m.value) for m in JobMode],
                    value=job.mode.value, allow_blank=False, id="edit-mode", compact=True,
                )  # fmt: skip
            with Horizontal():
                yield PlainLabel(_("Contract"), classes="edit-label")
                yield PlainSelect(
                    [(_("no contract: charge by the rules"), NO_CONTRACT), *contracts],
                    value=job.contract_id if job.contract_id is not None else NO_CONTRACT,
                    allow_blank=False, id="edit-contract", compact=True,
                )  # fmt: skip
            with Horizontal(id="edit-terms-row"):
                yield PlainLabel(_("Price"), classes="edit-label")
                yield PlainSelect(
                    [(_("no agreed price"), "none"), (_("agreed fixed price"), "price"),
                     (_("agreed hourly rate"), "rate")],
                    value=terms, allow_blank=False, id="edit-terms", compact=True,
                )  # fmt: skip
                yield TextInput(
                    amount, id="edit-amount", placeholder=_("net PLN, e.g. 350"), compact=True
                )
            yield Plain("", id="edit-error", classes="field-error")
            yield Button(_("Save"), id="edit-save", variant="primary", compact=True)
        yield KeysFooter()

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
            not_taken = (
                await contract_not_taken(self.ctx, self.detail.line.job_id)
                if "contract_id" in changed
                else None
            )
        except USER_ERRORS as err:
            self.query_one("#edit-error", Static).update(str(err))
            return
        await self.bb.saved()  # the detail and the board show the edit before it closes
        if not_taken:  # "contract" changed, but the time so far stayed where it was
            self.notify(not_taken, severity="warning", timeout=10)
        self.notify(
            _("Saved: {fields}.").format(fields=field_names(changed) or _("nothing changed"))
        )
        self.dismiss(None)
