"""Add or edit a recurring task: presets for the schedule, and its next three runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea
from textual.worker import get_current_worker

from bbdispatch.clock import format_local, local
from bbdispatch.domain.calendar import FirmCalendar, calendar_of
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import Category, JobMode
from bbdispatch.domain.recurring import (
    CLOSED_DAY_LABELS,
    ClosedDayRule,
    MissedRuns,
    RecurringTask,
)
from bbdispatch.domain.schedule import (
    MAX_CATCH_UP,
    PRESET_LABELS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Preset,
    ScheduleError,
    build_rule,
    describe_rule,
    parse_first_run,
    preset_of,
)
from bbdispatch.domain.timeinput import parse_duration
from bbdispatch.i18n import N_, Labels, _
from bbdispatch.services.people import people
from bbdispatch.services.recurring import (
    TaskDraft,
    check_task_term,
    draft_preview,
    missed_of_draft,
    missed_of_edit,
    save_task,
)
from screens.missed_runs_dialog import MissedRunsDialog
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain, PlainLabel, PlainSelect
from screens.widgets.text_input import TextEditor, TextInput

CATEGORY_LABEL = Labels({
    "backup": N_("backup"), "software": N_("software"), "hardware": N_("hardware"),
    "network": N_("network"), "training": N_("training"), "other": N_("other"),
})  # fmt: skip


class TaskForm(FormDialog[int | None]):
    """The recurring task form; saving validates and shows errors by the fields."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the task"), id="save-task"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without saving"), id="cancel"),
    ]

    DEFAULT_CSS = """
    TaskForm > VerticalScroll {
        width: 80;
        max-width: 100%;
        max-height: 100%;
    }
    TaskForm Horizontal {
        height: auto;
    }
    TaskForm Label {
        width: 19;  /* the longest label ("Pierwsze wykonanie") and a space */
    }
    TaskForm Label.inline {
        width: auto;
        padding: 0 1;
    }
    TaskForm #instructions {
        height: 3;
    }
    TaskForm #preset, TaskForm #technician, TaskForm #on-closed {
        width: 1fr;
    }
    TaskForm #weekday, TaskForm #mode, TaskForm #category {
        width: 14;
        margin-right: 1;
    }
    /* "poniedziałek", "oprogramowanie", "kopie zapasowe" and the select's arrow */
    TaskForm #weekday {
        width: 16;
    }
    TaskForm #category {
        width: 18;
    }
    TaskForm #day, TaskForm #minutes {
        width: 6;
        margin-left: 1;
    }
    TaskForm #preview {
        color: $text-muted;
        margin-bottom: 1;
    }
    TaskForm #form-buttons Button {
        margin-right: 2;
    }
    TaskForm .field-error {
        display: none;
        padding: 0 0 0 19;
    }
    TaskForm #form-buttons {
        margin-top: 1;
    }
    """

    PREVIEW_DELAY: ClassVar[float] = 0.3
    """Seconds of quiet in the RRULE field before its preview is worked out (debounce)."""

    LOADS_VALUES = True  # the technicians arrive from a worker: never save before them

    def __init__(self, contract_id: int, task: RecurringTask | None = None) -> None:
        super().__init__(cancelled=None)
        self.contract_id = contract_id
        """The contract the task belongs to."""
        self.editing = task
        """The task edited, or None for a new one."""
        self._preview_timer: Timer | None = None
        """The pending preview of a rule being typed, replaced by each keystroke."""
        self._saves = 0
        """Saves tried so far: a preview started before the last one leaves its message."""

    def compose(self) -> ComposeResult:
        """Every field of a task on one labelled line, with a place for its error."""
        task = self.editing
        preset, weekday, day = preset_of(task.schedule) if task else (Preset.WEEKLY, "MO", 1)
        first = local(task.starts_at).strftime("%d.%m.%Y %H:%M") if task else ""
        with VerticalScroll():
            with Horizontal():
                yield PlainLabel(_("Title"))
                yield TextInput(
                    task.title if task else "", id="title", compact=True,
                    placeholder=_("e.g. Backup check"),
                )  # fmt: skip
            yield Plain("", id="title-error", classes="field-error")
            with Horizontal():
                yield PlainLabel(_("Checklist"))
                yield TextEditor(
                    task.instructions if task else "", id="instructions", compact=True,
                    placeholder=_("What to check, step by step"),
                )  # fmt: skip
            with Horizontal():
                yield PlainLabel(_("Schedule"))
                yield PlainSelect(
                    [(label, p.value) for p, label in PRESET_LABELS.items()],
                    value=preset.value, allow_blank=False, id="preset", compact=True,
                )  # fmt: skip
                yield PlainSelect(
                    [(WEEKDAY_NAMES[d], d) for d in WEEKDAYS], value=weekday,
                    allow_blank=False, id="weekday", compact=True,
                )  # fmt: skip
                yield TextInput(str(day), id="day", type="integer", compact=True,
                            tooltip=_("Day of the month"))  # fmt: skip
            with Horizontal():
                yield PlainLabel(_("RRULE"))
                yield TextInput(
                    task.schedule if task and preset is Preset.CUSTOM else "", compact=True,
                    placeholder=_("custom only, e.g. FREQ=MONTHLY;BYDAY=-1FR"), id="rrule",
                )  # fmt: skip
            with Horizontal():
                yield PlainLabel(_("First run"))
                yield TextInput(first, id="starts", placeholder="01.12.2026 09:00", compact=True)
            yield Plain("", id="schedule-error", classes="field-error")
            yield Plain("", id="preview")
            with Horizontal():
                yield PlainLabel(_("Technician"))
                yield PlainSelect([], prompt=_("nobody yet"), id="technician", compact=True)
                yield PlainLabel(_("Minutes"), classes="inline")
                yield TextInput(
                    str(task.expected_minutes) if task else "60", id="minutes", compact=True,
                )  # fmt: skip
            yield Plain("", id="minutes-error", classes="field-error")
            with Horizontal():
                yield PlainLabel(_("Closed day"))
                yield PlainSelect(
                    [(label, rule.value) for rule, label in CLOSED_DAY_LABELS.items()],
                    value=(task.on_closed_day if task else ClosedDayRule.NEXT_WORKDAY).value,
                    allow_blank=False, id="on-closed", compact=True,
                    tooltip=_("A run on a weekend, public holiday or closed day of the firm"),
                )  # fmt: skip
            with Horizontal():
                yield PlainLabel(_("Work"))
                yield PlainSelect(
                    [(_("remote"), "remote"), (_("on-site"), "onsite")], compact=True,
                    value=task.mode.value if task else "remote", allow_blank=False, id="mode",
                )  # fmt: skip
                yield PlainSelect(
                    [(label, c) for c, label in CATEGORY_LABEL.items()], compact=True,
                    value=task.category.value if task else "backup", allow_blank=False,
                    id="category",
                )  # fmt: skip
                yield Checkbox(
                    _("Catch up missed"), task.catch_up if task else True, id="catch-up",
                    compact=True,
                    tooltip=_("After downtime make every missed run (at most {n}), not only"
                              " the newest").format(n=MAX_CATCH_UP),
                )  # fmt: skip
            with Horizontal(id="form-buttons"):
                yield Button(_("Save"), variant="primary", id="save", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        """Default first run (tomorrow 09:00), the technician list, the preview."""
        starts = self.query_one("#starts", Input)
        if not starts.value:
            tomorrow = local(self.ctx.clock.now()).date() + timedelta(days=1)
            starts.value = tomorrow.strftime("%d.%m.%Y") + " 09:00"
        self.query_one("#title", Input).focus()
        self.load_people()
        self._update_preview()

    @work(exclusive=True, group="load-people", exit_on_error=False)
    async def load_people(self) -> None:
        """Offer the firm's technicians."""
        found = await people(self.ctx)
        select: Select[int] = self.query_one("#technician", Select)
        select.set_options([(p.name, p.id) for p in found])
        if self.editing and self.editing.technician_id:
            select.value = self.editing.technician_id
        self.mark_loaded(select)  # loaded, not chosen

    def _rule(self) -> str:
        preset = Preset(str(self.query_one("#preset", Select).value))
        weekday = str(self.query_one("#weekday", Select).value)
        day_text = self.query_one("#day", Input).value.strip()
        try:
            day = int(day_text or "0")
        except ValueError:
            day = 0
        return build_rule(
            preset, weekday=weekday, day=day, custom=self.query_one("#rrule", Input).value
        )

    def _on_closed(self) -> ClosedDayRule:
        return ClosedDayRule(str(self.query_one("#on-closed", Select).value))

    def _error(self, field: str, message: str) -> None:
        """Show (or clear) the message under a field; empty lines take no room."""
        shown = self.query_one(f"#{field}-error", Static)
        shown.update(message)
        shown.display = bool(message)

    @on(Input.Changed, "#rrule")
    def _rule_typed(self, event: Input.Changed) -> None:
        """Follow a custom rule while it is typed: switch to Custom, preview when typing pauses.

        The preview waits :attr:`PREVIEW_DELAY` after the last keystroke and is
        worked out off the screen's thread: a rule that rarely matches takes up
        to a second to refuse, and typing must not wait for it.
        """
        select = self.query_one("#preset", Select)
        if event.value.strip() and select.value != Preset.CUSTOM.value:
            select.value = Preset.CUSTOM.value
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self.query_one("#preview", Static).update(_("Working out the next runs…"))
        self._preview_timer = self.set_timer(self.PREVIEW_DELAY, self._update_preview)

    @on(Select.Changed)
    @on(Input.Changed, "#day, #starts")
    def _update_preview(self) -> None:
        try:
            rule = self._rule()
            first = parse_first_run(self.query_one("#starts", Input).value)
        except ScheduleError as err:
            self._show_preview("", None, str(err), self._saves)
            return
        self._work_out_preview(
            rule, first, self.ctx.clock.now(), calendar_of(self.ctx.prices), self._on_closed(),
            self._saves,
        )  # fmt: skip

    @work(thread=True, exclusive=True, group="task-preview", exit_on_error=False)
    def _work_out_preview(
        self,
        rule: str,
        first: datetime,
        now: datetime,
        calendar: FirmCalendar,
        on_closed: ClosedDayRule,
        saves: int,
    ) -> None:
        """The next three runs, or why there are none; a newer preview wins."""
        try:
            runs: list[datetime] | None = draft_preview(
                rule, first, now, 3, calendar=calendar, on_closed=on_closed
            )
            problem = ""
        except ScheduleError as err:
            runs, problem = None, str(err)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_preview, rule, runs, problem, saves)

    def _show_preview(
        self, rule: str, runs: list[datetime] | None, problem: str, saves: int
    ) -> None:
        """The preview's runs, or its problem under the schedule field.

        A preview worked out before the last save leaves the field's message
        alone: the save's answer (a first run before the contract) is newer.
        """
        shown = self.query_one("#preview", Static)
        newer_save = saves != self._saves
        if runs is None:
            if not newer_save:
                self._error("schedule", problem)
            shown.update("")
            return
        if not newer_save:
            self._error("schedule", "")
        shown.update(
            _("{rule}  Next: {runs}").format(
                rule=describe_rule(rule),
                runs=" · ".join(format_local(r) for r in runs) or _("never"),
            )
        )

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Validate and save; errors appear next to their fields (not before people loaded)."""
        if self.still_loading():
            return
        self._saves += 1
        for name in ("title", "schedule", "minutes"):
            self._error(name, "")
        title = self.query_one("#title", Input).value
        if not title.strip():
            self._error("title", _("Give the task a title."))
            return
        try:
            rule = self._rule()
            first = parse_first_run(self.query_one("#starts", Input).value)
        except ScheduleError as err:
            self._error("schedule", str(err))
            return
        try:  # minutes (60), or hours as anywhere else a duration is typed (1:30, 1,5)
            minutes = (
                int(parse_duration(self.query_one("#minutes", Input).value).total_seconds()) // 60
            )
        except DomainError:
            self._error("minutes", _("Expected minutes, e.g. 60, or hours: 1:30, 1.5."))
            return
        tech = self.query_one("#technician", Select).value
        draft = TaskDraft(
            title=title, instructions=self.query_one("#instructions", TextArea).text,
            schedule=rule, starts_at=first,
            technician_id=tech if isinstance(tech, int) else None, expected_minutes=minutes,
            mode=JobMode(str(self.query_one("#mode", Select).value)),
            category=Category(str(self.query_one("#category", Select).value)),
            catch_up=self.query_one("#catch-up", Checkbox).value,
            on_closed_day=self._on_closed(),
        )  # fmt: skip
        if self.editing is not None:
            self._save_edit(self.editing.id, draft)
            return
        self._save_new(draft)

    @work(exclusive=True, group="ask-task-edit", exit_on_error=False)
    async def _save_new(self, draft: TaskDraft) -> None:
        """A new task: a first run outside the contract is refused before missed runs are asked."""
        try:
            await check_task_term(self.ctx, self.contract_id, draft)
            # An empty custom rule passes the preview but not the run search.
            missed = missed_of_draft(self.ctx, draft)
        except ScheduleError as err:
            self._error("schedule", str(err))
            return
        except DomainError as err:
            self._error("title", str(err))
            return
        self._ask_then_save(draft, missed)

    @work(exclusive=True, group="ask-task-edit", exit_on_error=False)
    async def _save_edit(self, task_id: int, draft: TaskDraft) -> None:
        """An edit that moves the schedule or the first run asks about the runs it leaves behind."""
        try:
            if self.editing is None or self.editing.starts_at != draft.starts_at:
                await check_task_term(self.ctx, self.contract_id, draft)
            missed = await missed_of_edit(self.ctx, task_id, draft)
        except ScheduleError as err:
            self._error("schedule", str(err))
            return
        except DomainError as err:
            self._error("title", str(err))
            return
        self._ask_then_save(draft, missed)

    def _ask_then_save(self, draft: TaskDraft, missed: list[datetime]) -> None:
        """Save, asking first what to do with missed runs when there are some."""
        if not missed:
            self.save(draft)
            return

        def answered(choice: MissedRuns | None) -> None:
            if choice is not None:
                self.save(draft, choice)

        self.app.push_screen(MissedRunsDialog(missed), answered)

    @work(exclusive=True, group="save-task", exit_on_error=False)
    async def save(self, draft: TaskDraft, missed: MissedRuns | None = None) -> None:
        """Save through the service; its message lands by the right field."""
        try:
            task_id = await save_task(
                self.ctx, self.contract_id, draft, self.editing.id if self.editing else None,
                missed=missed,
            )  # fmt: skip
        except ScheduleError as err:
            self._error("schedule", str(err))
            return
        except DomainError as err:
            self._error("minutes" if "minutes" in str(err) else "title", str(err))
            return
        self.notify(_("Task saved."))
        self.dismiss(task_id)
