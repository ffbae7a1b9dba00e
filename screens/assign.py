"""The technician picker: load, skills, on-site work, and the planned visit."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static

from bbdispatch.clock import format_local
from bbdispatch.domain.assignment import (
    Candidate,
    Visit,
    beyond_target,
    parse_visit,
    suggest_visit,
    visit_in_past,
)
from bbdispatch.domain.board import CATEGORY_LABEL
from bbdispatch.domain.calendar import calendar_of
from bbdispatch.domain.errors import DomainError, FieldError
from bbdispatch.domain.jobs import Job, JobMode
from bbdispatch.formats import date_hint, format_duration
from bbdispatch.i18n import N_, _, ngettext
from bbdispatch.services.board import candidates, response_due
from bbdispatch.services.dispatch import assign, visit_clash
from bbdispatch.services.errors import USER_ERRORS
from bbdispatch.services.jobs import get_job
from bbdispatch.text import fit
from screens.widgets.board_columns import MODE_LABEL
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.pick_list import PickList
from screens.widgets.plain import Plain, PlainLabel, plain_option
from screens.widgets.text_input import TextInput

NAME_CELLS = 18
"""The name column of the picker: a longer name is cut with … so the line fits 72 cells."""


def candidate_label(c: Candidate) -> str:
    """One picker line: name, skills, on-site, open jobs, timer, hours today; or why not."""
    skill = "✓ " + _("skills") if c.skill_match else " " * (len(_("skills")) + 2)
    onsite = _("on-site") if c.person.does_onsite else _("remote only")
    timer = "⏱" if c.load.timer_running else ""  # the stopwatch, as on the technician's screen
    if not c.can_do_job_mode:  # a disabled row says why it cannot be picked
        return f"{fit(c.person.name, NAME_CELLS, pad=True)} ✗ " + _(
            "does no on-site work: not for this job"
        )
    jobs = ngettext("{n} job", "{n} jobs", c.load.open_jobs).format(n=c.load.open_jobs)
    width = max(len(ngettext("{n} job", "{n} jobs", k).format(n=k)) for k in (1, 2, 5))
    today = _("today {time}").format(time=format_duration(c.load.minutes_today))
    modes = max(len(_("on-site")), len(_("remote only")))
    name = fit(c.person.name, NAME_CELLS, pad=True)
    return f"{name} {skill} {onsite:<{modes}} {jobs:<{width}} {today} {timer}".rstrip()


def clash_text(visit: Visit) -> str:
    """The warning naming the other visit."""
    return _("⚠ Overlaps the visit for job {no} ({client}) at {at}, travel included.").format(
        no=visit.job_id, client=visit.client_name, at=format_local(visit.at)
    )


def late_text(due_at: datetime, now: datetime) -> str:
    """The warning for a visit planned after the job's response target."""
    if due_at <= now:
        return _("⚠ The response target passed at {due}: the job is late.").format(
            due=format_local(due_at)
        )
    return _("⚠ After the response target ({due}): the job will be late.").format(
        due=format_local(due_at)
    )


class AssignScreen(FormDialog[bool]):
    """Pick a technician (best match first) and, for on-site jobs, the visit time."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), tooltip=N_("Close without assigning"), id="cancel"
        ),
    ]

    DEFAULT_CSS = """
    AssignScreen {
        align: center middle;
    }
    AssignScreen > Vertical {
        width: 90;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        padding: 0 1;
        background: $surface;
    }
    AssignScreen #candidates {
        height: auto;
        max-height: 10;
    }
    AssignScreen #visit {
        width: 30;
    }
    AssignScreen #assign-title {
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, job_id: int) -> None:
        super().__init__(cancelled=False)
        self.job_id = job_id
        """The job being assigned."""
        self.job: Job | None = None
        self.due_at: datetime | None = None
        """When the job's response target runs out (None: no target or on hold)."""
        self.found: list[Candidate] = []
        """Candidates in the order shown."""

    def compose(self) -> ComposeResult:
        """Title, candidates, the visit input, the warning line."""
        with Vertical():
            yield PlainLabel(_("Assign job {no}").format(no=self.job_id), id="assign-title")
            yield PickList(id="candidates")
            visit = _("Visit ({date} HH:MM):").format(date=date_hint())
            yield PlainLabel(visit, id="visit-label")
            yield TextInput(id="visit")
            yield Plain("", id="visit-warning", classes="field-error")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Load the job and the candidates."""
        self.load()

    @work(exclusive=True, group="assign-load", exit_on_error=False)
    async def load(self) -> None:
        """Fetch candidates, best first, and propose a visit for on-site jobs."""
        try:
            self.job = job = await get_job(self.ctx, self.job_id)
            self.found = await candidates(self.ctx, self.job_id)
            self.due_at = await response_due(self.ctx, self.job_id)
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            self.dismiss(False)
            return
        self.query_one("#assign-title", Label).update(
            _("Assign job {no}: {category}, {mode} — {text}").format(
                no=job.number, category=CATEGORY_LABEL[job.category], mode=MODE_LABEL[job.mode],
                text=fit(job.description, 40),
            )
        )  # fmt: skip
        options = self.query_one("#candidates", OptionList)
        options.clear_options()
        options.add_options(
            plain_option(candidate_label(c), id=str(c.person.id), disabled=not c.can_do_job_mode)
            for c in self.found
        )
        current = next((i for i, c in enumerate(self.found) if c.person.id == job.technician_id), 0)
        options.highlighted = current
        onsite = job.mode is JobMode.ONSITE
        for widget in ("#visit-label", "#visit"):
            self.query_one(widget).display = onsite
        if onsite:
            now = self.ctx.clock.now()
            planned = job.visit_at
            # A visit already past is no plan for whoever takes the job now.
            at = (
                planned
                if planned is not None and not visit_in_past(planned, now)
                else suggest_visit(now, calendar_of(self.ctx.prices), self.due_at)
            )
            self.query_one("#visit", Input).value = format_local(at)
        self.mark_clean(self.query_one("#visit"))  # proposed, not typed
        options.focus()

    def _chosen(self) -> Candidate | None:
        index = self.query_one("#candidates", OptionList).highlighted
        return self.found[index] if index is not None and index < len(self.found) else None

    def _visit(self) -> datetime | None:
        """The typed visit (None for remote jobs). Raises DomainError when unreadable."""
        if self.job is None or self.job.mode is not JobMode.ONSITE:
            return None
        return parse_visit(self.query_one("#visit", Input).value, self.ctx.clock.now())

    @on(OptionList.OptionHighlighted, "#candidates")
    @on(Input.Changed, "#visit")
    def _recheck(self) -> None:
        self.check_clash()

    @work(exclusive=True, group="assign-clash", exit_on_error=False)
    async def check_clash(self) -> None:
        """Warn, before confirming, of a visit past the response target or overlapping another."""
        warning = self.query_one("#visit-warning", Static)
        chosen = self._chosen()
        try:
            at = self._visit()
            clash = (
                None
                if at is None or chosen is None
                else await visit_clash(self.ctx, chosen.person.id, at, self.job_id)
            )
        except USER_ERRORS as err:
            warning.update(str(err))
            return
        due = self.due_at
        late = due is not None and at is not None and beyond_target(at, due)
        lines = [late_text(due, self.ctx.clock.now())] if due is not None and late else []
        if clash:
            lines.append(clash_text(clash))
        warning.update("\n".join(lines))

    @on(OptionList.OptionSelected, "#candidates")
    @on(Input.Submitted, "#visit")
    def _confirm(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        try:
            at = self._visit()
        except DomainError as err:
            self.query_one("#visit-warning", Static).update(str(err))
            self.query_one("#visit", Input).focus()
            return
        self.do_assign(chosen, at)

    @work(exclusive=True, group="assign-save", exit_on_error=False)
    async def do_assign(self, chosen: Candidate, at: datetime | None) -> None:
        """Save the assignment; a clash is allowed but named in a warning."""
        try:
            result = await assign(self.ctx, self.job_id, chosen.person.id, at)
        except USER_ERRORS as err:
            self.query_one("#visit-warning", Static).update(str(err))
            if isinstance(err, FieldError) and err.field == "visit":
                self.query_one("#visit", Input).focus()
            return
        # The board shows the job assigned before the picker closes: a key typed
        # after Enter acts on the job as it now is.
        await self.bb.saved()
        if result.clash:
            self.notify(clash_text(result.clash), severity="warning", timeout=8)
        self.notify(
            _("Job {no} assigned to {name}.").format(no=self.job_id, name=chosen.person.name),
            timeout=3,
        )
        self.dismiss(True)
