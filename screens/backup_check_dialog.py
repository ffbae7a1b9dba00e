"""Record a backup check on a backup job; a failure makes the job an emergency."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select, Static

from bbdispatch.domain.backups import BackupResult, parse_size
from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import N_, _
from bbdispatch.services.backups import record_backup_check
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain, PlainLabel, PlainSelect
from screens.widgets.text_input import TextInput


def parse_day(text: str) -> date | None:
    """Read ``23.11.2026`` or ``2026-11-23``; empty means unknown.

    Raises:
        DomainError: not a date.
    """
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise DomainError(_("Date like 23.11.2026."))


class BackupCheckDialog(FormDialog[bool]):
    """Result, date, size and place of the newest backup; a failure needs a note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Record the check"), id="save-backup"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without saving"), id="cancel"),
    ]

    DEFAULT_CSS = """
    BackupCheckDialog > VerticalScroll {
        width: 70;
        max-width: 100%;
        max-height: 100%;
    }
    BackupCheckDialog Horizontal {
        height: auto;
    }
    BackupCheckDialog Label {
        width: 14;
        padding: 1 1 0 0;
    }
    """

    def __init__(self, job_id: int) -> None:
        super().__init__(cancelled=False)
        self.job_id = job_id
        """The backup job checked."""

    def compose(self) -> ComposeResult:
        """The check's fields, each with its error line."""
        with VerticalScroll():
            yield Plain(_("Backup check, job {job}").format(job=self.job_id))
            with Horizontal():
                yield PlainLabel(_("Result"))
                yield PlainSelect(
                    [(_("OK"), "ok"), (_("Failed"), "failed")], value="ok", allow_blank=False,
                    id="result",
                )  # fmt: skip
            with Horizontal():
                yield PlainLabel(_("Backup date"))
                yield TextInput(placeholder="23.11.2026", id="backup-date")
            yield Plain("", id="date-error", classes="field-error")
            with Horizontal():
                yield PlainLabel(_("Size"))
                yield TextInput(placeholder="512 GB", id="size")
            yield Plain("", id="size-error", classes="field-error")
            with Horizontal():
                yield PlainLabel(_("Where"))
                yield TextInput(placeholder=r"\\NAS\kopie", id="location")
            with Horizontal():
                yield PlainLabel(_("Note"))
                yield TextInput(placeholder=_("What failed (required if failed)"), id="note")
            yield Plain("", id="note-error", classes="field-error")
            with Horizontal():
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")
        yield KeysFooter()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Validate each field; errors go next to the field, nothing typed is lost."""
        for name in ("date", "size", "note"):
            self.query_one(f"#{name}-error", Static).update("")
        result = BackupResult(str(self.query_one("#result", Select).value))
        try:
            day = parse_day(self.query_one("#backup-date", Input).value)
        except DomainError as err:
            self.query_one("#date-error", Static).update(str(err))
            return
        try:
            size = parse_size(self.query_one("#size", Input).value)
        except DomainError as err:
            self.query_one("#size-error", Static).update(str(err))
            return
        note = self.query_one("#note", Input).value
        if result is BackupResult.FAILED and not note.strip():
            self.query_one("#note-error", Static).update(_("Say what failed."))
            return
        self.save(result, day, size, self.query_one("#location", Input).value, note)

    @work(exclusive=True, group="save-backup", exit_on_error=False)
    async def save(
        self, result: BackupResult, day: date | None, size: int | None, where: str, note: str
    ) -> None:
        """Record through the service."""
        try:
            await record_backup_check(
                self.ctx, self.job_id, result=result, backup_date=day, size_bytes=size,
                location=where, note=note,
            )  # fmt: skip
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        if result is BackupResult.FAILED:
            self.notify(_("Backup failed: job raised to emergency."), severity="warning")
        self.dismiss(True)
