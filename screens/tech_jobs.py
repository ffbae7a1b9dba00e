"""The technician's home: my jobs, the running timer and the job's card."""

from __future__ import annotations

from datetime import datetime, timedelta
from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from bbdispatch.clock import format_local, format_local_short, format_visit, local
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import JobRow, Priority, agreed_terms_text
from bbdispatch.domain.lifecycle import STATUS_LABEL
from bbdispatch.domain.recurring import recurring_overdue
from bbdispatch.domain.rights import Action
from bbdispatch.domain.work import WorkEntry
from bbdispatch.formats import format_duration, format_stopwatch
from bbdispatch.i18n import N_, _
from bbdispatch.phones import format_for_display
from bbdispatch.services.timekeeping import (
    running_timer,
    start_timer,
    stop_timer,
    timer_is_forgotten,
)
from bbdispatch.services.workspace import (
    JobCard,
    RunCard,
    finish_job,
    job_card,
    my_jobs,
    own_job,
    put_on_hold,
    start_work,
)
from screens.base import BBScreen, Needs, confirmed, reloaded
from screens.widgets.board_columns import MODE_LABEL, PRIORITY_LABEL
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import (
    Plain,
    PlainTable,
    cell,
    fitted_line,
    one_line,
    plain,
    wrapped_lines,
)

if TYPE_CHECKING:
    from screens.entry_dialog import EntryValues

JOB_ACTIONS = {"toggle_timer", "add_time", "start_work", "hold", "done"}
"""Actions that need a selected job."""


class TechJobsScreen(BBScreen[None]):
    """My open jobs, emergencies first; one key starts or stops the timer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "toggle_timer", N_("Timer"), tooltip=N_("Start or stop my timer"), id="timer"),
        # Offline work is added now and then: a key (F1), off the footer so that the
        # daily steps fit 80 columns in Polish.
        Binding(
            "m",
            "add_time",
            N_("Add time"),
            tooltip=N_("Add work done offline"),
            id="add-time",
            show=False,
        ),
        Binding("e", "my_entries", N_("Entries"), tooltip=N_("My last 7 days"), id="my-entries"),
        Binding("p", "start_work", N_("Working"), tooltip=N_("Mark in progress"), id="job-working"),
        Binding("h", "hold", N_("Hold"), tooltip=N_("Put on hold, with reason"), id="job-hold"),
        Binding("d", "done", N_("Done"), tooltip=N_("Close with resolution"), id="job-done"),
    ]

    MOVED_GRACE_SECONDS: ClassVar[float] = 3.0
    """How long after the list moved the cursor a job key only says which job is selected."""

    KEY_GROUPS: ClassVar[dict[str, str]] = {
        "timer": N_("My time"),
        "add-time": N_("My time"),
        "my-entries": N_("My time"),
        "job-working": N_("The selected job"),
        "job-hold": N_("The selected job"),
        "job-done": N_("The selected job"),
    }
    """F1's and the palette's groups (:mod:`screens.keys`), by binding id."""

    DEFAULT_CSS = """
    TechJobsScreen {
        #timer-bar.-running {
            background: $success-muted;
            color: $text;
        }
        #timer-bar.-forgotten {
            background: $error-muted;
            color: $text;
            text-style: bold;
        }
        #my-jobs {
            height: 1fr;
            min-height: 4;
        }
        #job-detail {
            height: 9;
            padding: 0 1;
            border-top: solid $primary;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[JobRow] = []
        self._timer: WorkEntry | None = None
        self._wanted: int | None = None
        """A job to select once it is listed (the palette asked for it)."""
        self._listed: dict[int, str] = {}
        """The numbers of the jobs listed last time, by id (to name one that went away)."""
        self._moved_at: float | None = None
        self._closing_job: int | None = None
        """The job the technician is closing (``d``): its leaving the list is no news."""
        """When a refresh last moved the cursor off a job that left the list (monotonic s)."""
        self._keys_for: tuple[bool, bool] | None = None
        """What the footer's keys were last drawn for: (any job listed, a timer running)."""

    def compose(self) -> ComposeResult:
        """Header, timer bar, my jobs, the selected job's card, footer."""
        yield Header()
        yield Plain("", id="timer-bar", classes="summary")
        table: DataTable[str | Text] = PlainTable(
            id="my-jobs", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Plain("", id="job-detail")
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        """Columns, first load, live refresh and the ticking timer."""
        table = self.query_one("#my-jobs", DataTable)
        table.add_column(_("No."), key="no", width=5)
        table.add_column(_("Client"), key="client", width=16)
        table.add_column(_("Description"), key="description", width=23)
        table.add_column(_("Visit"), key="visit", width=11)
        table.add_column(_("Status"), key="status", width=11)
        table.add_column("⏱", key="timer", width=2)
        self.bb.data_changed.subscribe(self, lambda _none: self.load())
        self.set_interval(1.0, self._show_timer)
        self.load()

    @property
    def selected_job_id(self) -> int | None:
        """The job under the cursor, if any."""
        table = self.query_one("#my-jobs", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def _moved_under_key(self) -> bool:
        """Whether a job key comes right after the cursor was moved off a job that left.

        Within :attr:`MOVED_GRACE_SECONDS` of such a move, the key was most likely
        meant for the job that left: it does nothing but say which job is
        selected now, once; pressed again, it acts.
        """
        moved, self._moved_at = self._moved_at, None
        if moved is None or monotonic() - moved > self.MOVED_GRACE_SECONDS:
            return False
        job_id = self.selected_job_id
        self.notify(
            _(
                "Your list just changed: job {number} is selected now. "
                "Press the key again to act on it."
            ).format(number=self._listed.get(job_id, "—") if job_id is not None else "—"),
            severity="warning",
        )
        return True

    def select_job(self, job_id: int) -> None:
        """Put the cursor on one of my jobs (the palette's hit), its card below.

        A job not on the list (done or cancelled: the list holds open jobs only;
        or assigned since the last load) is looked up, and the technician is
        told why it is not shown instead of Enter doing nothing.
        """
        if any(r.job.id == job_id for r in self._rows):
            self._wanted = job_id
            self._show_rows()
            self.load_card()
            return
        self._select_unlisted(job_id)

    @work(exclusive=True, group="tech-unlisted", exit_on_error=False)
    async def _select_unlisted(self, job_id: int) -> None:
        """Select a job that is open but not listed yet; else say why it is not listed."""
        try:
            job = await own_job(self.ctx, self.bb.user, job_id)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        if job.status.is_open:  # assigned since the list was loaded
            self._wanted = job_id
            self.load()
            return
        self.notify(
            _("Job {no} is {status}: your list shows open jobs only.").format(
                no=job.number, status=STATUS_LABEL[job.status]
            ),
            severity="warning",
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Job actions are shown disabled while no job is selected (``t`` still stops a timer)."""
        if action in JOB_ACTIONS and not self._rows:
            if action == "toggle_timer" and self._timer is not None:
                return True
            return None
        return True

    def why_disabled(self, action: str, parameters: tuple[object, ...] = ()) -> str | None:
        """Said when a job key is pressed with no job to act on."""
        if action in JOB_ACTIONS:
            return _("No job selected: you have no open jobs assigned to you.")
        return None

    async def show_saved(self, job_id: int | None = None) -> None:
        """Reload now; return once drawn (:meth:`screens.shell.Shell.saved`).

        A save of this session (a status, a timer, an entry) awaits it before
        its dialog closes: a key typed after the save acts on the list as
        saved (issue 13).

        Args:
            job_id: unused here (the intake's new job; technicians create none).
        """
        await reloaded(self.load)

    @work(exclusive=True, group="tech-load", exit_on_error=False)
    async def load(self) -> None:
        """Fetch my jobs and my timer, then redraw (keeping the cursor)."""
        tech = self.bb.user
        self._rows = await my_jobs(self.ctx, tech)
        self._timer = await running_timer(self.ctx, tech)
        self._show_rows()
        self._show_timer()
        self._refresh_keys()
        self.load_card()

    def _refresh_keys(self) -> None:
        """Redraw the footer only when what :meth:`check_action` decides on changed.

        Every commit of any process reloads the list (an import of clients
        too); the keys' states depend only on whether a job is listed and a
        timer runs, so most reloads leave the footer as it is.
        """
        state = (bool(self._rows), self._timer is not None)
        if state != self._keys_for:
            self._keys_for = state
            self.refresh_bindings()

    def _show_rows(self) -> None:
        table = self.query_one("#my-jobs", DataTable)
        keep = self.selected_job_id
        table.clear()
        now = self.ctx.clock.now()
        for row in self._rows:
            job = row.job
            style = "bold red" if job.priority is Priority.EMERGENCY else ""
            mine = self._timer is not None and self._timer.job_id == job.id
            # A recurring run open after its day (a catch-up job made today for last
            # week's run, too) is late: marked ⟳ as on the board, its due time in red.
            late = recurring_overdue(job, now)
            mark = ("!" if style else "") + ("⟳" if late else "")
            when = job.visit_at or job.occurrence_at
            table.add_row(
                cell(mark + job.number, style=style or ("bold yellow" if late else "")),
                cell(row.client_name, style=style),
                job.description,
                cell(format_visit(when, now), style="bold red" if late else "") if when else "—",
                STATUS_LABEL[job.status],
                "⏱" if mine else "",
                key=str(job.id),
            )
        ids = [str(r.job.id) for r in self._rows]
        if self._wanted is not None and str(self._wanted) in ids:
            keep, self._wanted = self._wanted, None
        if keep is not None and str(keep) in ids:
            table.move_cursor(row=ids.index(str(keep)))
        elif keep is not None and keep in self._listed and keep != self._closing_job:
            # The job under the cursor went away (reassigned, closed or cancelled by
            # the office): the cursor now rests on another job, and a key pressed
            # just now was meant for the one that left; say so, and let the next
            # job key only tell (:meth:`_moved_under_key`).
            self._moved_at = monotonic()
            self.notify(
                _(
                    "Job {number} left your list (the office reassigned, closed or cancelled "
                    "it); the cursor is on another job now."
                ).format(number=self._listed[keep]),
                severity="warning",
                timeout=10,
            )
        self._listed = {r.job.id: r.job.number for r in self._rows}
        if self._closing_job is not None and str(self._closing_job) not in ids:
            self._closing_job = None  # closed by the technician: it left as they asked

    def _show_timer(self) -> None:
        bar = self.query_one("#timer-bar", Static)
        entry = self._timer
        bar.set_class(entry is not None, "-running")
        if entry is None:
            bar.set_class(False, "-forgotten")
            bar.update(_("No timer running · t starts it on the selected job"))
            return
        elapsed = format_stopwatch(max(self.ctx.clock.now() - entry.started_at, timedelta()))
        forgotten = timer_is_forgotten(self.ctx, entry)
        bar.set_class(forgotten, "-forgotten")
        # One line at 80 columns: the start's date only when it is not today, and
        # a forgotten timer says so instead of the usual words, not on top of them.
        started = local(entry.started_at)
        since = (
            format_local(entry.started_at, with_date=False)
            if started.date() == local(self.ctx.clock.now()).date()
            else format_local_short(entry.started_at)
        )
        if forgotten:
            text = _("⚠ Forgotten? Job {job} · {elapsed} · since {start} · t stops it").format(
                job=entry.job_id, elapsed=elapsed, start=since
            )
        else:
            text = _("⏱ Timer running on job {job} · {elapsed} · since {start}").format(
                job=entry.job_id, elapsed=elapsed, start=since
            )
        bar.update(text)

    def on_data_table_row_highlighted(self) -> None:
        """Show the card of the job under the cursor."""
        if self._closing_job is not None and self._closing_job != self.selected_job_id:
            self._closing_job = None  # the closing dialog was left without closing
        self.load_card()

    @work(exclusive=True, group="tech-card", exit_on_error=False)
    async def load_card(self) -> None:
        """Fetch and show the selected job's card."""
        job_id = self.selected_job_id
        detail = self.query_one("#job-detail", Static)
        if job_id is None:
            detail.update(_("No open jobs assigned to you."))
            return
        try:
            card = await job_card(self.ctx, self.bb.user, job_id)
        except DomainError as err:
            detail.update(str(err))
            return
        width = max(detail.content_region.width, 20)
        detail.update(card_text(card, width, self.ctx.clock.now()))

    def action_toggle_timer(self) -> None:
        """Start the timer on the selected job, or stop the running one."""
        if not self._moved_under_key():
            self._toggle_timer()

    @work(exclusive=True, group="tech-action", exit_on_error=False)
    async def _toggle_timer(self) -> None:
        tech, job_id = self.bb.user, self.selected_job_id
        running = await running_timer(self.ctx, tech)
        if running is not None:
            if job_id is not None and running.job_id != job_id:
                question = _("Your timer runs on job {old}. Stop it, then start on job {new}?")
                ask = ConfirmScreen(question.format(old=running.job_id, new=job_id))
                if not await confirmed(self, ask, Needs(Action.JOB_WORK, job_id=job_id)):
                    return
            if not await self._stop(running) or job_id is None or running.job_id == job_id:
                return
        if job_id is not None:
            try:
                await start_timer(self.ctx, tech, job_id)
            except DomainError as err:
                self.notify(str(err), severity="error")
                return
            await self.bb.saved()  # the timer shows before the next key is read
            self.notify(_("Timer started on job {id}.").format(id=job_id))

    async def _stop(self, running: WorkEntry) -> bool:
        from screens.entry_dialog import EntryDefaults, EntryDialog

        async def submit(values: EntryValues) -> None:
            await stop_timer(
                self.ctx, self.bb.user, description=values.description, mode=values.mode,
                billable=values.billable, ended_at=values.ended_at, long=values.long,
            )  # fmt: skip

        defaults = EntryDefaults(
            title=_("Stop the timer on job {id}").format(id=running.job_id),
            mode=running.mode, started_at=running.started_at, stopping=True,
        )  # fmt: skip
        stopped: bool = await self.app.push_screen_wait(
            EntryDialog(defaults, self.ctx.clock, submit)
        )
        return stopped

    def action_add_time(self) -> None:
        """Add work done offline on the selected job."""
        if self._moved_under_key():
            return
        job_id = self.selected_job_id
        row = next((r for r in self._rows if r.job.id == job_id), None)
        if row is None:
            return
        from bbdispatch.services.my_entries import add_my_entry
        from screens.entry_dialog import EntryDefaults, EntryDialog

        async def submit(values: EntryValues) -> None:
            assert values.started_at is not None
            assert values.ended_at is not None
            await add_my_entry(
                self.ctx, self.bb.user, row.job.id, started_at=values.started_at,
                ended_at=values.ended_at, description=values.description, mode=values.mode,
                billable=values.billable, long=values.long,
            )  # fmt: skip

        title = _("Add time on job {id}").format(id=row.job.id)
        defaults = EntryDefaults(title=title, mode=row.job.mode)
        self.app.push_screen(EntryDialog(defaults, self.ctx.clock, submit))

    def action_my_entries(self) -> None:
        """My entries of the last 7 days, to correct or delete."""
        from screens.tech_entries import MyEntriesScreen

        self.app.push_screen(MyEntriesScreen())

    def action_start_work(self) -> None:
        """Mark the selected job in progress."""
        if not self._moved_under_key():
            self._start_work()

    @work(exclusive=True, group="tech-action", exit_on_error=False)
    async def _start_work(self) -> None:
        job_id = self.selected_job_id
        if job_id is None:
            return
        try:
            await start_work(self.ctx, self.bb.user, job_id)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        await self.bb.saved()  # listed as in progress before the next key is read

    def action_hold(self) -> None:
        """Put the selected job on hold, with a reason."""
        if self._moved_under_key():
            return
        job_id = self.selected_job_id
        if job_id is None:
            return

        async def submit(reason: str) -> None:
            await put_on_hold(self.ctx, self.bb.user, job_id, reason)

        title = _("Put job {id} on hold. Why?").format(id=job_id)
        from screens.text_dialog import TextDialog

        self.app.push_screen(TextDialog(title, _("waiting for parts, for the client..."), submit))

    def action_done(self) -> None:
        """Close the selected job as done, with a resolution; a recurring run is documented.

        A run of a recurring task closes through its log (what was checked, OK
        or problem found and what), which lands in the contract's run history.
        """
        if self._moved_under_key():
            return
        job_id = self.selected_job_id
        self._closing_job = job_id
        if job_id is None:
            return
        row = next((r for r in self._rows if r.job.id == job_id), None)
        if row is not None and row.job.recurring_task_id is not None:
            from screens.run_log_dialog import RunLogDialog

            self.app.push_screen(RunLogDialog(job_id))
            return

        async def submit(resolution: str) -> None:
            await finish_job(self.ctx, self.bb.user, job_id, resolution)

        title = _("Job {id} done. How was it resolved?").format(id=job_id)
        from screens.text_dialog import TextDialog

        self.app.push_screen(TextDialog(title, _("for the client to read"), submit))


CARD_DESCRIPTION_LINES = 2
"""The job's description on the card wraps, up to this many lines (then ``…``)."""


def card_text(card: JobCard, width: int = 78, now: datetime | None = None) -> Content:
    """The job card as a few short lines for the bottom of the screen.

    Every stored value goes through the shared sanitizer (:func:`plain`), so a
    control character shows as its placeholder (``␇``) as everywhere else. The
    card's lines are one-line places (``#job-detail`` cuts each with ``…``),
    except the description, which wraps to :data:`CARD_DESCRIPTION_LINES` at
    ``width`` cells, so a 10 000-character name or description cannot push
    the address, the phone and the time off the card. With ``now`` (the
    clock's now) the visit shows short, with its hour (``dziś 14:00``).
    """
    job = card.job
    head = _("Job {no}").format(no=job.number)
    head += (
        f" · {PRIORITY_LABEL[job.priority]} · {MODE_LABEL[job.mode]} · {STATUS_LABEL[job.status]}"
    )
    first = plain(head, "bold $error" if job.priority is Priority.EMERGENCY else "bold")
    if job.status_reason:
        first += plain(f" ({job.status_reason})")
    phone = format_for_display(card.contact_phone) if card.contact_phone else "—"
    # The phone is never cut: a long client (or contact) name is, with ….
    who = fitted_line(
        width, (card.client_name, True), (" · ", False),
        *(((card.contact_name, True), (", ", False)) if card.contact_name else ()),
        (phone, False),
    )  # fmt: skip
    # The visit comes before the address, in its short form with the hour:
    # a long address is what gets cut with …, never the time of the visit.
    if job.visit_at is None:
        visit = _("not planned")
    elif now is None:
        visit = format_local(job.visit_at)
    else:
        visit = format_visit(job.visit_at, now)
    # To the second, as the entries list shows each entry (``WorkEntry.length``).
    worked = sum((e.length() for e in card.entries if not e.running), timedelta())
    lines = [
        who,
        _("Visit: {at} · Address: {address}").format(at=visit, address=card.site_address or "—"),
        *wrapped_lines(job.description, width, CARD_DESCRIPTION_LINES),
        # A recurring run's time goes to its IT administration contract: its due
        # date and checklist matter more than the client's block balances.
        *(
            run_lines(card.run)
            if card.run is not None
            else [agreed_terms_text(job)]
            if agreed_terms_text(job)
            else card.balances or [_("No contract: time is billed at the hourly rate.")]
        ),
        _("My time on this job: {time}").format(time=format_duration(worked)),
    ]
    return Content("\n").join([first, *(plain(one_line(line)) for line in lines)])


def run_lines(run: RunCard) -> list[str]:
    """A recurring run's due date and checklist, for the card."""
    due = _("Recurring run due {due}").format(due=format_local(run.due_at))
    if run.documented:
        due += " · " + _("documented")
    steps = " ".join(run.checklist.split()) or "—"
    return [due, _("Checklist: {steps}").format(steps=steps)]
