"""All of one client: details, phones, contracts, assessments, jobs, calls, notes.

Reached from the board (the selected job's client), the intake's caller card,
the palette and search. Every change goes through a dialog and a service
(validated and audited): edit, sign a contract, assess needs, archive.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header

from bbdispatch.clock import format_local_short, local
from bbdispatch.dates import format_day
from bbdispatch.domain.clients import ClientStatus
from bbdispatch.domain.contracts import ContractStatus, balance_text
from bbdispatch.domain.messages import shown
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_date, format_hours, format_number_mark
from bbdispatch.i18n import N_, NP_, Labels, _, pgettext
from bbdispatch.phones import format_for_display
from bbdispatch.services.client_view import ClientOverview, client_overview
from bbdispatch.services.clients import archive_client, open_jobs_refusal
from bbdispatch.services.errors import USER_ERRORS
from bbdispatch.services.ledger import contract_notes
from screens.base import BBScreen, Needs, confirm_then
from screens.callback_outcome import attempts_text
from screens.widgets.caller_card import JOB_STATUS, KIND_LABEL, STATUS_LABEL
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, plain, wrapped_lines

CONTRACT_STATUS = Labels({
    ContractStatus.ACTIVE: NP_("contract", "active"),
    ContractStatus.USED_UP: NP_("contract", "used up"),
    ContractStatus.EXPIRED: NP_("contract", "expired"),
    ContractStatus.CLOSED: NP_("contract", "closed"),
}, context="contract")  # fmt: skip

CALL_OUTCOME = Labels({
    "pending": N_("waiting"), "job_created": N_("job"), "information": N_("information"),
    "new_prospect": N_("new client"), "missed": N_("missed"),
})  # fmt: skip


def _heading(text: str) -> Content:
    return plain(text, "bold $accent")


PAGE_WIDTH = 76
"""Columns of the client page's text at 80x24 (the screen less padding and scroll bar)."""

NOTES_LINES = 12
"""Lines of the client's notes on the page; more is cut with ``…`` (``e`` shows all)."""


def _cut(text: str, width: int, lines: int = 1) -> str:
    """Stored text wrapped into at most ``lines`` lines of ``width``, cut with ``…``.

    A 10 000-character name or description would otherwise fill a hundred
    screens and push every field after it out of reach.
    """
    return "\n".join(wrapped_lines(text, width, lines))


def overview_content(o: ClientOverview, warn_percent: int, width: int = PAGE_WIDTH) -> Content:
    """The client's page as literal, styled lines (stored text is never markup).

    Every stored value is bounded (:func:`_cut`): one line for names and job
    texts, a few for addresses and assessments, :data:`NOTES_LINES` for notes,
    so the page's last field is always a short scroll away.
    """
    c = o.client
    suffix = f"  {KIND_LABEL[c.kind.value]} · {STATUS_LABEL[c.status.value]} · id {c.id}"
    lines: list[Content] = [
        Content.assemble(
            plain(_cut(c.name, max(width - len(suffix), 20)), "bold"),
            plain(suffix, "$text-muted"),
        )
    ]
    facts = [
        (_("NIP"), c.nip or ""), (_("Address"), c.address), (_("E-mail"), c.email),
        (_("Contact"), c.contact_person),
    ]  # fmt: skip
    lines += [plain(_cut(f"{label}: {value}", width, 2)) for label, value in facts if value]
    lines.append(_heading(_("Phones")))
    if not c.phones:
        lines.append(plain(_("No phone on record."), "$text-muted"))
    for p in c.phones:
        extra = " · ".join(x for x in (p.label, p.contact_person) if x)
        lines.append(plain(_cut(f"  {format_for_display(p.e164)}  {extra}".rstrip(), width)))
    lines.append(_heading(_("Contracts")))
    if not o.contracts:
        lines.append(plain(_("No contract: k signs one."), "$warning"))
    for v in o.contracts:
        level = v.balance.warning_level(warn_percent)
        style = {0: "", 1: "$warning", 2: "$error"}[level]
        # A closed or expired contract's balance says so itself: no second tag.
        said = v.balance.contract.status in (ContractStatus.CLOSED, ContractStatus.EXPIRED)
        tag = "" if said else f" [{CONTRACT_STATUS[v.status]}]"
        lines.append(plain(f"  {balance_text(v.balance, warn_percent)}{tag}", style))
        # Under it, as in the contracts list: forecast, monthly fee, offer, opening balance.
        lines += [plain(f"    {note}", "$text-muted") for note in contract_notes(v)]
    if o.uncovered_minutes:
        lines.append(
            plain(
                "  " + _("Uncovered time: {h}").format(h=format_hours(o.uncovered_minutes)),
                "$warning",
            )
        )
    lines.append(_heading(_("Needs assessment")))
    if not o.assessments:
        lines.append(plain(_("None yet: a service contract needs one."), "$text-muted"))
    for a in o.assessments[:3]:
        text = a.waiver_reason if a.waived else a.needs
        lines.append(plain(_cut(f"  r{a.revision} {format_day(a.assessed_on)}: {text}", width, 3)))
        if a.rules:
            rules = "     " + _("Rules: {text}").format(text=a.rules)
            lines.append(plain(_cut(rules, width, 3), "$text-muted"))
    lines.append(_heading(_("Open jobs")))
    if not o.open_jobs:
        lines.append(plain(_("None."), "$text-muted"))
    for r in o.open_jobs:
        j = r.job
        no, status = format_number_mark(j.number), JOB_STATUS[j.status.value]
        lines.append(plain(_cut(f"  {no} {status}: {j.description}", width)))
    lines.append(_heading(_("Recent jobs")))
    if not o.recent_jobs:
        lines.append(plain(_("None."), "$text-muted"))
    for r in o.recent_jobs:
        j = r.job
        day = format_date(local(j.received_at).date())
        no, status = format_number_mark(j.number), JOB_STATUS[j.status.value]
        lines.append(plain(_cut(f"  {no} {day} {status}: {j.description}", width), "$text-muted"))
    lines.append(_heading(_("Calls")))
    if not o.calls and not o.callbacks:
        lines.append(plain(_("None."), "$text-muted"))
    for call in o.calls:
        when = format_local_short(call.received_at)
        note = f": {shown(call.note)}" if call.note else ""
        lines.append(plain(_cut(f"  {when} {CALL_OUTCOME[call.outcome.value]}{note}", width)))
    for cb in o.callbacks:
        when = format_local_short(cb.due_at)
        state = (
            pgettext("callback", "done: {outcome}").format(outcome=shown(cb.outcome))
            if cb.done_at
            else " · ".join(x for x in (_("to do"), attempts_text(cb)) if x)
        )
        line = _("Call back {when}: {reason} ({state})").format(
            when=when, reason=cb.reason, state=state
        )
        lines.append(plain(_cut("  " + line, width, 2)))
    lines.append(_heading(_("Notes")))
    lines.append(
        plain(_cut(c.notes, width, NOTES_LINES)) if c.notes else plain(_("None."), "$text-muted")
    )
    return Content("\n").join(lines)


class ClientScreen(BBScreen[None]):
    """One client's page; keys edit, sign, assess, archive."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), tooltip=N_("Back to where you came from"),
                id="client-close"),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit details and phones"), id="client-edit"),
        Binding("k", "sign", N_("Contract"), tooltip=N_("Sign a contract from the price list"),
                id="client-sign"),
        Binding("a", "assess", N_("Assess"), tooltip=N_("Needs assessment"), id="client-assess"),
        Binding("s", "statement", N_("Statement"), tooltip=N_("Work statement"),
                id="client-statement"),
        # Off the footer (80 columns, English and Polish): F1 and the palette list
        # them; only the one that applies (Archive or Reactivate) is shown there.
        Binding("x", "archive", N_("Archive"), tooltip=N_("Archive the client (asks first)"),
                id="client-archive", show=False),
        Binding("x", "reactivate", N_("Reactivate"),
                tooltip=N_("Make the archived client active again (asks first)"),
                id="client-reactivate", show=False),
        Binding("ctrl+b", "new_callback", N_("Call back"),
                tooltip=N_("Promise to call the client back: why and by when"),
                id="client-callback", show=False),
    ]  # fmt: skip

    DEFAULT_CSS = """
    ClientScreen #client-scroll {
        height: 1fr;
    }
    ClientScreen #client-page {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, client_id: int) -> None:
        super().__init__()
        self.client_id = client_id
        """The client shown."""
        self.overview: ClientOverview | None = None
        """What was loaded last."""

    def compose(self) -> ComposeResult:
        """Header, the page, footer."""
        yield Header()
        with VerticalScroll(id="client-scroll"):
            yield Plain("", id="client-page")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Load the page, and again whenever the data changes."""
        self.title = _("Client")
        self.bb.data_changed.subscribe(self, lambda _none: self.load())
        self.load()

    @work(exclusive=True, group="client-load", exit_on_error=False)
    async def load(self) -> None:
        """Read the overview and draw it."""
        try:
            o = await client_overview(self.ctx, self.client_id)
        except USER_ERRORS as err:
            self.query_one("#client-page", Plain).update(plain(str(err)))
            return
        self.overview = o
        self.refresh_bindings()  # Archive or Reactivate
        self.title = o.client.name
        width = max(self.query_one("#client-scroll").size.width - 4, 20)
        page = overview_content(o, self.ctx.prices.billing.warn_percent, width)
        self.query_one("#client-page", Plain).update(page)
        self.query_one("#client-scroll").focus()

    def _reload(self, _result: object = None) -> None:
        self.load()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss(None)

    def action_edit(self) -> None:
        """Edit the client's details and phones."""
        if self.overview is None:
            return
        from screens.client_edit import ClientEditScreen

        self.app.push_screen(ClientEditScreen(self.overview.client), self._reload)

    def action_sign(self) -> None:
        """Sign a contract for this client."""
        from screens.sign_contract import open_signing

        open_signing(self, self.client_id, self._reload)

    def action_assess(self) -> None:
        """Record or revise the needs assessment."""
        from screens.assessment import AssessmentScreen

        self.app.push_screen(AssessmentScreen(self.client_id), self._reload)

    def action_statement(self) -> None:
        """The client's work statement."""
        from screens.statement import StatementScreen

        self.app.push_screen(StatementScreen(self.client_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``x`` archives an active client, reactivates an archived one; the footer says which.

        ``k`` (sign) is hidden for a client no product is for (a private person).
        """
        if action in ("archive", "reactivate"):
            if self.overview is None:
                return action == "archive" and None
            archived = self.overview.client.status is ClientStatus.ARCHIVED
            return archived == (action == "reactivate")
        if action == "sign" and self.overview is not None:
            # No product of the price list is for this kind (a private person): no k.
            kind = self.overview.client.kind.value
            return any(p.signable and p.for_kind(kind) for p in self.ctx.prices.products)
        return True

    def action_archive(self) -> None:
        """Archive the client, after asking; open jobs are named instead."""
        if self.overview is None:
            return
        client = self.overview.client
        if self.overview.open_jobs:
            numbers = [r.job.number for r in self.overview.open_jobs]
            self.notify(open_jobs_refusal(client.name, numbers), severity="error")
            return
        question = ConfirmScreen(
            _("Archive {name}? History stays; no new jobs or contracts.").format(name=client.name),
        )
        confirm_then(
            self, question, Needs(Action.CLIENT_EDIT), lambda yes: self._archive_if(yes, True)
        )

    def action_reactivate(self) -> None:
        """Make an archived client active again, after asking."""
        if self.overview is None:
            return
        question = ConfirmScreen(
            _("Reactivate {name}? New jobs and contracts are possible again.").format(
                name=self.overview.client.name
            ),
        )
        confirm_then(
            self, question, Needs(Action.CLIENT_EDIT), lambda yes: self._archive_if(yes, False)
        )

    def _archive_if(self, yes: bool | None, archived: bool) -> None:
        if yes:
            self.set_archived(archived)

    def action_new_callback(self) -> None:
        """Promise to call this client back: the reason and the time are asked."""
        if self.overview is None:
            return
        from screens.callback_dialog import ask_callback

        client = self.overview.client
        phone = client.phones[0].e164 if client.phones else None  # the first is the main one
        ask_callback(self, client.name, client_id=client.id, e164=phone)

    @work(exclusive=True, group="client-archive", exit_on_error=False)
    async def set_archived(self, archived: bool) -> None:
        """Archive or reactivate through the service (audited)."""
        try:
            status = await archive_client(self.ctx, self.client_id, archived)
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return
        self.notify(_("Client is now {status}.").format(status=STATUS_LABEL[status.value]))
        self.load()
