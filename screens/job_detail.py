"""Everything about one job: caller, client, contract balance, history, work, audit."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header

from bbdispatch.clock import format_local
from bbdispatch.domain.audit_text import audit_text
from bbdispatch.domain.board import CATEGORY_LABEL, BoardLine
from bbdispatch.domain.contracts import balance_text
from bbdispatch.domain.jobs import agreed_terms_text
from bbdispatch.domain.lifecycle import STATUS_LABEL
from bbdispatch.domain.messages import shown
from bbdispatch.domain.people import actor_text
from bbdispatch.formats import format_duration
from bbdispatch.i18n import N_, _
from bbdispatch.phones import format_for_display
from bbdispatch.services.board import JobDetail, job_detail
from bbdispatch.services.errors import USER_ERRORS
from screens.base import reloaded
from screens.job_actions import JobActionsScreen
from screens.widgets.board_columns import MODE_LABEL, PRIORITY_LABEL, time_left
from screens.widgets.caller_card import KIND_LABEL
from screens.widgets.caller_card import STATUS_LABEL as CLIENT_STATUS
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, plain


class JobDetailScreen(JobActionsScreen):
    """One job in full; edits and lifecycle keys act on it; live like the board."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the board"), id="back"),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Description, priority, mode, contract"),
                id="edit-job"),
        # Triage, Hold and Cancel job are rarer steps: keys, in F1 and the palette,
        # off the footer so that it fits 80 columns in Polish.
        *(
            replace(b, show=False) if b.id in ("triage", "hold", "cancel-job") else b
            for b in JobActionsScreen.JOB_BINDINGS
            if isinstance(b, Binding)
        ),
    ]  # fmt: skip

    KEY_GROUPS: ClassVar[dict[str, str]] = {
        **JobActionsScreen.KEY_GROUPS,
        "edit-job": N_("The selected job"),
    }
    """F1's and the palette's groups (:mod:`screens.keys`), by binding id."""

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
            yield Plain(_("Loading…"), id="detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Load and follow later commits."""
        self.bb.data_changed.subscribe(self, self._data_changed)
        self.load_detail()

    def _data_changed(self, _none: None) -> None:
        self.load_detail()

    async def show_saved(self, job_id: int | None = None) -> None:
        """Reload now; return once drawn (:meth:`screens.shell.Shell.saved`).

        A save of this session (an edit of this job, a status key, an
        assignment) awaits it before its dialog closes: a key typed after the
        save acts on the job as saved (issue 13).

        Args:
            job_id: a job the save created (not this one: nothing to follow here).
        """
        await reloaded(self.load_detail)

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
        self.query_one("#detail", Plain).update(
            render_detail(self.detail, self.ctx.prices.billing.warn_percent)
        )
        self.sub_title = _("Job {no}").format(no=self.job_id)
        self.refresh_bindings()


def render_detail(d: JobDetail, warn: int) -> Content:
    """The detail as styled lines; every stored value is shown literally."""

    def bold(text: str) -> Content:
        return plain(text, "bold")

    job = d.line.row.job
    c = d.client
    head = " · ".join(
        (
            STATUS_LABEL[job.status],
            PRIORITY_LABEL[job.priority],
            MODE_LABEL[job.mode],
            CATEGORY_LABEL[job.category],
        )
    )
    lines: list[Content | str] = [
        Content.assemble(bold(_("Job {no}").format(no=job.number)), " · " + head),
        _("Received: {at}   Time left: {left}   Flags: {flags}").format(
            at=format_local(job.received_at),
            left=time_left(d.line) or "—",
            flags=d.line.flags.symbols or "—",
        ),
    ]
    if job.alert:
        lines.append(bold(f"⚠ {job.alert}"))
    caller_phone = format_for_display(job.caller_phone) if job.caller_phone else ""
    lines.append(
        _("Caller: {name} {phone}").format(name=job.caller_name or "—", phone=caller_phone)
    )
    visit = _("Visit: {at}").format(at=format_local(job.visit_at)) if job.visit_at else ""
    who = _("Technician: {name}").format(name=d.person_name(job.technician_id))
    lines.append(f"{who}   {visit}".rstrip())
    lines.append(_("Site: {address}").format(address=job.site_address or "—"))
    lines += ["", bold(_("Description")), job.description]
    if job.resolution:
        lines += [_("Resolution: {text}").format(text=job.resolution)]
    if job.status_reason:
        lines += [_("Reason: {text}").format(text=job.status_reason)]
    kind = f"{KIND_LABEL[c.kind.value]}, {CLIENT_STATUS[c.status.value]}"
    lines += ["", bold(_("Client")), f"{c.name} ({kind})"]
    if c.nip:
        lines.append(f"NIP {c.nip}")
    lines.append(c.address or "—")
    phones = ", ".join(format_for_display(p.e164) for p in c.phones)
    lines.append(f"{c.contact_person} {phones} {c.email}".strip())
    if c.notes:
        lines.append(plain(c.notes, "italic"))
    lines += ["", bold(_("Contract"))]
    if agreed_terms_text(job):
        lines.append(agreed_terms_text(job))
    on_job = [b for b in d.balances if b.contract.id == job.contract_id]
    if job.contract_id is None:
        lines.append(_("none chosen (charged by the rules)"))
    for b in on_job:
        lines.append("→ " + balance_text(b, warn))
    for b in d.balances:
        if b.contract.id != job.contract_id and b.contract.status.value == "active":
            lines.append("  " + balance_text(b, warn))
    lines += ["", bold(_("Status history"))]
    for ch in d.history:
        before = STATUS_LABEL[ch.from_status] if ch.from_status else "—"
        lines.append(
            f"{format_local(ch.at)}  {before} → {STATUS_LABEL[ch.to_status]}  "
            f"{d.person_name(ch.technician_id)}  {actor_text(ch.actor)}  {shown(ch.note)}".rstrip()
        )
    lines += ["", bold(_("Work"))]
    for w in d.entries:
        end = format_local(w.ended_at, with_date=False) if w.ended_at else _("running")
        lines.append(
            f"{format_local(w.started_at)}–{end}  {format_duration(w.length())}  "
            f"{d.person_name(w.technician_id)}  {w.description}".rstrip()
        )
    lines.append(
        _("Total worked {worked}, billed {billed}").format(
            worked=format_duration(d.worked_minutes), billed=format_duration(d.billed_minutes)
        )
    )
    lines += ["", bold(_("Audit trail"))]
    for a in d.trail:
        what = audit_text(a, d.person_name, {c.id: c.name})
        lines.append(f"{format_local(a.at)}  {actor_text(a.actor)}  {what}")
    return Content("\n").join(plain(x) if isinstance(x, str) else x for x in lines)
