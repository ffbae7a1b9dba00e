"""Complete a recurring run and record its log: what was checked and the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select, Static, TextArea

from bbdispatch.clock import format_local
from bbdispatch.dates import format_day
from bbdispatch.domain.backups import BackupResult, format_size, parse_size
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import Category
from bbdispatch.domain.recurring import RunOutcome
from bbdispatch.i18n import N_, _
from bbdispatch.services.backups import complete_backup_run
from bbdispatch.services.recurring import RunDetails, complete_run, run_details
from screens.backup_check_dialog import parse_day
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain, PlainSelect
from screens.widgets.text_input import TextEditor, TextInput


class RunLogDialog(FormDialog[bool]):
    """The run's checklist above, what was checked and the outcome below; Ctrl+S saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Complete the run"), id="save-run"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without saving"), id="cancel"),
    ]

    DEFAULT_CSS = """
    RunLogDialog > VerticalScroll {
        width: 76;
        max-width: 100%;
        max-height: 100%;
    }
    RunLogDialog #checked {
        height: 5;
    }
    RunLogDialog #run-head {
        color: $text-muted;
    }
    RunLogDialog Horizontal {
        height: auto;
    }
    RunLogDialog #outcome {
        width: 24;
    }
    RunLogDialog #problem {
        width: 1fr;
    }
    RunLogDialog #backup-fields {
        display: none;
    }
    RunLogDialog.-backup #backup-fields {
        display: block;
        height: auto;
    }
    RunLogDialog #backup-fields Input {
        width: 1fr;
    }
    """

    LOADS_VALUES = True  # the outcome follows the run's backup check: never save the default

    def __init__(self, job_id: int) -> None:
        super().__init__(cancelled=False)
        self.job_id = job_id
        """The recurring job being completed."""

    def compose(self) -> ComposeResult:
        """Run header, checklist, the log fields and their errors."""
        with VerticalScroll():
            yield Plain(_("Loading…"), id="run-head")
            yield TextEditor("", id="checked", tooltip=_("What was checked"))
            yield Plain("", id="checked-error", classes="field-error")
            with Horizontal():
                yield PlainSelect(
                    [(_("OK"), RunOutcome.OK.value),
                     (_("Problem found"), RunOutcome.PROBLEM.value)],
                    value=RunOutcome.OK.value, allow_blank=False, id="outcome",
                )  # fmt: skip
                yield TextInput(placeholder=_("Problem found (describe)"), id="problem")
            yield Plain("", id="problem-error", classes="field-error")
            with VerticalScroll(id="backup-fields"):
                yield Plain(_("Newest good backup: date, size, where"), id="backup-head")
                with Horizontal():
                    yield TextInput(placeholder="23.11.2026", id="backup-date")
                    yield TextInput(placeholder="512 GB", id="backup-size")
                    yield TextInput(placeholder=r"\\NAS\kopie", id="backup-where")
                yield Plain("", id="backup-error", classes="field-error")
            with Horizontal():
                yield Button(_("Complete run"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Load the run."""
        self.query_one("#checked", TextArea).focus()
        self.load_run()

    @work(exclusive=True, group="load-run", exit_on_error=False)
    async def load_run(self) -> None:
        """Show the task's checklist and any earlier log."""
        try:
            details = await run_details(self.ctx, self.job_id)
        except DomainError as err:
            self.notify(str(err), severity="error")
            self.dismiss(False)
            return
        self._fill(details)

    def _fill(self, details: RunDetails) -> None:
        job, task = details.job, details.task
        # A backup check asks for the backup found, so its age is judged.
        self.set_class(job.category is Category.BACKUP and job.status.is_open, "-backup")
        if details.backup is not None:
            b = details.backup
            self.query_one("#backup-date", Input).value = format_day(b.backup_date)
            self.query_one("#backup-size", Input).value = (
                format_size(b.size_bytes) if b.size_bytes is not None else ""
            )
            self.query_one("#backup-where", Input).value = b.location
        self.query_one("#run-head", Static).update(
            _("Job {job} · {title} · due {due}\nChecklist: {steps}\nWhat was checked:").format(
                job=job.number, title=task.title, due=format_local(job.occurrence_at),
                steps=task.instructions or "—",
            )
        )  # fmt: skip
        if details.log is not None:
            self.query_one("#checked", TextArea).text = details.log.checked
            self.query_one("#outcome", Select).value = details.log.outcome.value
            self.query_one("#problem", Input).value = details.log.problem
        elif details.backup is not None and details.backup.result is BackupResult.FAILED:
            # A failed backup check is a problem found: never offer "OK" for it.
            self.query_one("#outcome", Select).value = RunOutcome.PROBLEM.value
            self.query_one("#problem", Input).value = details.backup.note
        elif details.backup is not None and details.backup.note:
            self.query_one("#problem", Input).value = details.backup.note
        self.mark_loaded()  # loaded, not typed

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Validate, then complete the run (not before the run has loaded)."""
        if self.still_loading():
            return
        checked = self.query_one("#checked", TextArea).text
        outcome = RunOutcome(str(self.query_one("#outcome", Select).value))
        problem = self.query_one("#problem", Input).value
        self.query_one("#checked-error", Static).update("")
        self.query_one("#problem-error", Static).update("")
        if not checked.strip():
            self.query_one("#checked-error", Static).update(_("Say what was checked."))
            return
        if outcome is RunOutcome.PROBLEM and not problem.strip():
            self.query_one("#problem-error", Static).update(_("Describe the problem found."))
            return
        backup = None
        if self.has_class("-backup"):
            backup = self._backup_found(outcome)
            if backup is None:
                return
        self.save(checked, outcome, problem, backup)

    def _backup_found(self, outcome: RunOutcome) -> BackupFound | None:
        """The backup fields read, or None with the error under them."""
        error = self.query_one("#backup-error", Static)
        error.update("")
        try:
            day = parse_day(self.query_one("#backup-date", Input).value)
            size = parse_size(self.query_one("#backup-size", Input).value)
        except DomainError as err:
            error.update(str(err))
            return None
        if day is None and outcome is RunOutcome.OK:
            error.update(_("Give the date of the newest good backup."))
            return None
        return BackupFound(day, size, self.query_one("#backup-where", Input).value)

    @work(exclusive=True, group="save-run", exit_on_error=False)
    async def save(
        self, checked: str, outcome: RunOutcome, problem: str, backup: BackupFound | None
    ) -> None:
        """Record through the service; keep the dialog open on an error."""
        try:
            if backup is None:
                await complete_run(self.ctx, self.job_id, checked=checked, outcome=outcome,
                                   problem=problem)  # fmt: skip
                done = outcome
            else:
                done = await complete_backup_run(
                    self.ctx, self.job_id, checked=checked, outcome=outcome, problem=problem,
                    backup_date=backup.day, size_bytes=backup.size, location=backup.where,
                )  # fmt: skip
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        if done is not outcome:
            self.notify(
                _("Run {job} documented as a problem: the backup is too old.").format(
                    job=self.job_id
                ),
                severity="warning",
            )
        else:
            self.notify(_("Run {job} documented.").format(job=self.job_id))
        self.dismiss(True)


@dataclass(frozen=True)
class BackupFound:
    """What the technician found of the newest good backup."""

    day: date | None
    size: int | None
    where: str
