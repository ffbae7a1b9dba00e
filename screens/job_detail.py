"""Everything about one job: caller, client, contract balance, history, work, audit."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from bbdispatch.clock import format_local, format_minutes
from bbdispatch.domain.board import BoardLine
from bbdispatch.domain.contracts import balance_text
from bbdispatch.domain.lifecycle import STATUS_LABEL
from bbdispatch.i18n import _
from bbdispatch.phones import format_for_display
from bbdispatch.services.board import JobDetail, job_detail
from bbdispatch.services.errors import USER_ERRORS
from screens.job_actions import JobActionsScreen
from screens.widgets.board_columns import MODE_LABEL, PRIORITY_LABEL, time_left
from screens.widgets.footer import KeysFooter


class JobDetailScreen(JobActionsScreen):
    """One job in full; edits and lifecycle keys act on it; live like the board."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back"), tooltip=_("Back to the board"), id="back"),
        Binding("e", "edit", _("Edit"), tooltip=_("Description, priority, mode, contract"),
                id="edit-job"),
        *JobActionsScreen.JOB_BINDINGS,
    ]  # fmt: skip

    DEFAULT_CSS = """
    JobDetailScreen #detail {
        padding: 0 1;
    }
    JobDetailScreen .section {
        margin-top: 1;
        color: $text-accent;
        text-style: bold;
    }
    """

    def __init__(self, job_id: int) -> None:
        super().__init__()
        self.job_id = job_id
        """The job shown."""
        self.detail: JobDetail | None = None
        """The last loaded detail."""

    def compose(self) -> ComposeResult:
        """Header, the detail text, footer."""
        yield Header()
        with VerticalScroll(id="detail-scroll"):
            yield Static(_("Loading…"), id="detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Load and follow later commits."""
        self.bb.data_changed.subscribe(self, self._data_changed)
        self.load_detail()

    def _data_changed(self, _none: None) -> None:
        self.load_detail()

    def selected_line(self) -> BoardLine | None:
        """The job of this screen."""
        return self.detail.line if self.detail else None

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss(None)

    def action_edit(self) -> None:
        """Edit description, priority, mode and contract."""
        if self.detail is None:
            return
        from screens.job_edit import JobEditScreen

        self.app.push_screen(JobEditScreen(self.detail))

    @work(exclusive=True, group="load-detail", exit_on_error=False)
    async def load_detail(self) -> None:
        """Fetch the job's detail and redraw."""
        try:
            self.detail = await job_detail(self.ctx, self.job_id)
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return
        self.query_one("#detail", Static).update(
            render_detail(self.detail, self.ctx.prices.billing.warn_percent)
        )
        self.sub_title = _("Job {no}").format(no=self.job_id)
        self.refresh_bindings()


def render_detail(d: JobDetail, warn: int) -> str:
    """The detail as Rich console markup (escaped user text)."""
    from rich.markup import escape as e

    job = d.line.row.job
    c = d.client
    lines = [
        f"[b]{_('Job')} {job.number}[/b] · {e(STATUS_LABEL[job.status])} · "
        f"{e(PRIORITY_LABEL[job.priority])} · {e(MODE_LABEL[job.mode])} · {e(job.category.value)}",
        f"{_('Received')}: {format_local(job.received_at)}   {_('Time left')}: "
        f"{e(time_left(d.line)) or '—'}   {_('Flags')}: {e(d.line.flags.symbols) or '—'}",
    ]
    if job.alert:
        lines.append(f"[b]⚠ {e(job.alert)}[/b]")
    caller_phone = format_for_display(job.caller_phone) if job.caller_phone else ""
    lines.append(f"{_('Caller')}: {e(job.caller_name) or '—'} {e(caller_phone)}")
    visit = f"   {_('Visit')}: {format_local(job.visit_at)}" if job.visit_at else ""
    lines.append(f"{_('Technician')}: {e(d.person_name(job.technician_id))}{visit}")
    lines.append(f"{_('Site')}: {e(job.site_address) or '—'}")
    lines += ["", f"[b]{_('Description')}[/b]", e(job.description)]
    if job.resolution:
        lines += [f"{_('Resolution')}: {e(job.resolution)}"]
    if job.status_reason:
        lines += [f"{_('Reason')}: {e(job.status_reason)}"]
    lines += ["", f"[b]{_('Client')}[/b]", f"{e(c.name)} ({c.kind.value}, {c.status.value})"]
    if c.nip:
        lines.append(f"NIP {c.nip}")
    lines.append(e(c.address) or "—")
    phones = ", ".join(format_for_display(p.e164) for p in c.phones)
    lines.append(f"{e(c.contact_person)} {e(phones)} {e(c.email)}".strip())
    if c.notes:
        lines.append(f"[i]{e(c.notes)}[/i]")
    lines += ["", f"[b]{_('Contract')}[/b]"]
    on_job = [b for b in d.balances if b.contract.id == job.contract_id]
    if job.contract_id is None:
        lines.append(_("none chosen (charged by the rules)"))
    for b in on_job:
        lines.append("→ " + e(balance_text(b, warn)))
    for b in d.balances:
        if b.contract.id != job.contract_id and b.contract.status.value == "active":
            lines.append("  " + e(balance_text(b, warn)))
    lines += ["", f"[b]{_('Status history')}[/b]"]
    for ch in d.history:
        before = STATUS_LABEL[ch.from_status] if ch.from_status else "—"
        lines.append(
            f"{format_local(ch.at)}  {e(before)} → {e(STATUS_LABEL[ch.to_status])}  "
            f"{e(d.person_name(ch.technician_id))}  {e(ch.actor)}  {e(ch.note)}".rstrip()
        )
    lines += ["", f"[b]{_('Work')}[/b]"]
    for w in d.entries:
        end = format_local(w.ended_at, with_date=False) if w.ended_at else _("running")
        lines.append(
            f"{format_local(w.started_at)}–{end}  {format_minutes(w.minutes())}  "
            f"{e(d.person_name(w.technician_id))}  {e(w.description)}".rstrip()
        )
    lines.append(
        _("Total worked {worked}, billed {billed}").format(
            worked=format_minutes(d.worked_minutes), billed=format_minutes(d.billed_minutes)
        )
    )
    lines += ["", f"[b]{_('Audit trail')}[/b]"]
    for a in d.trail:
        detail = ", ".join(f"{k}={v}" for k, v in a.detail.items() if v not in (None, ""))
        lines.append(f"{format_local(a.at)}  {e(a.actor)}  {e(a.action)}  {e(detail)}")
    return "\n".join(lines)
