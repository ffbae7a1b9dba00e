"""Phone intake: from a ringing phone to a triaged job in a few keystrokes.

Focus order is the call's order: number (Enter looks it up) → pick list or
new-client form when needed → request → triage bar (one key each for mode,
priority, category; Enter saves) → site address. Defaults do the rest:
priority normal, the suggested contract, the client's address as the site.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Checkbox, Header, Input, OptionList, Static
from textual.worker import Worker

from bbdispatch.clock import local
from bbdispatch.domain.callbacks import NewCallback
from bbdispatch.domain.calls import CallLogEntry, CallOutcome
from bbdispatch.domain.client_details import ClientDetails, NewClient, PhoneLine
from bbdispatch.domain.clients import CLIENT_STATUS_LABEL, Client, ClientKind, ClientStatus
from bbdispatch.domain.errors import DomainError, FieldError
from bbdispatch.domain.intake import offered_product, suggest_contract
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, parse_agreed_terms
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import N_, _
from bbdispatch.money import MoneyError
from bbdispatch.phones import (
    InvalidPhoneNumber,
    format_for_display,
    format_with_extension,
    split_extension,
    try_parse_phone,
)
from bbdispatch.services.clients import (
    DuplicateClient,
    archive_client,
    check_new_client,
    search_clients,
)
from bbdispatch.services.contracts import starter_signed
from bbdispatch.services.erased import ClientErased
from bbdispatch.services.errors import USER_ERRORS
from bbdispatch.services.intake import (
    CallerCard,
    IntakeFieldError,
    IntakeRequest,
    caller_card,
    claim_call,
    drop_untouched_call,
    get_call,
    keep_call_draft,
    keep_interrupted_call,
    log_unsaved_call,
    lookup_number,
    open_call_by_hand,
    release_call,
    save_intake,
    typed_request,
    validate_request,
)
from screens.base import BBScreen, Needs, confirm_then
from screens.widgets.caller_card import CallerCardView
from screens.widgets.client_form import KindToggle, NewClientForm
from screens.widgets.client_pick import ClientPickList
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.contract_picker import ContractPicker
from screens.widgets.footer import KeysFooter
from screens.widgets.message_line import MessageLine
from screens.widgets.phone_input import PHONE_CHARS, PhoneInput
from screens.widgets.plain import Plain, PlainLabel
from screens.widgets.text_input import TextInput
from screens.widgets.triage_bar import TriageBar

if TYPE_CHECKING:
    from screens.sign_contract import SignContractScreen

DRAFT_PAUSE = 1.0
"""Seconds of no typing after which an F2 call's draft is written onto its row (issue 13)."""


class IntakeScreen(BBScreen[None]):
    """One incoming call: identify the caller, record and triage the request."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Esc closes (asking first) and says so in the footer, as on every screen that
        # goes back; so that the footer fits 80 columns in Polish, finding a client by
        # name (the phone number usually finds the caller) is in F1 and the palette only.
        Binding(
            "escape", "close", N_("Close"), tooltip=N_("Close (asks first)"), id="intake-close",
        ),  # fmt: skip
        Binding("ctrl+s", "save_job", N_("Save job"), tooltip=N_("Save the job"), id="intake-save"),
        Binding(
            "ctrl+f", "find_client", N_("Find"), tooltip=N_("Find by name, NIP, number"),
            id="intake-find", show=False,
        ),
        Binding(
            "ctrl+n", "new_client", N_("New client"), tooltip=N_("Short new-client form"),
            id="intake-new-client",
        ),
        Binding(
            "ctrl+o", "info_only", N_("Info only"), tooltip=N_("Log the call without a job"),
            id="intake-info",
        ),
        Binding(
            "ctrl+t", "sign_contract", N_("Contract"),
            tooltip=N_("Sign a contract for the caller (a new caller is saved with it)"),
            id="intake-sign", show=False,
        ),
        Binding(
            "ctrl+b", "call_back", N_("Call back"),
            tooltip=N_("Log the call with a note and a callback (reason, time)"),
            id="intake-callback", show=False,
        ),
        Binding(
            "ctrl+r", "reactivate", N_("Reactivate"),
            tooltip=N_("Make the archived caller an active client again (asks first)"),
            id="intake-reactivate",
        ),
        Binding(
            "ctrl+l", "open_client", N_("Client"), tooltip=N_("All of the caller's client"),
            id="intake-client", show=False,
        ),
        # The card is taller than its 7 rows for a client with many contracts or jobs;
        # the text fields keep the focus, so the card scrolls with these keys.
        Binding(
            "pagedown", "card_down", N_("Card down"), tooltip=N_("Scroll the caller's card"),
            id="intake-card-down", show=False,
        ),
        Binding(
            "pageup", "card_up", N_("Card up"), tooltip=N_("Scroll the caller's card"),
            id="intake-card-up", show=False,
        ),
    ]  # fmt: skip

    KEY_GROUPS: ClassVar[dict[str, str]] = {
        "intake-save": N_("The call"),
        "intake-info": N_("The call"),
        "intake-callback": N_("The call"),
        "intake-close": N_("The call"),
        "intake-find": N_("The caller"),
        "intake-new-client": N_("The caller"),
        "intake-client": N_("The caller"),
        "intake-sign": N_("The caller"),
        "intake-reactivate": N_("The caller"),
        "intake-card-down": N_("The caller"),
        "intake-card-up": N_("The caller"),
    }
    """F1's and the palette's groups (:mod:`screens.keys`), by binding id."""

    CSS_PATH = "intake.tcss"

    def __init__(self, call: CallLogEntry | None = None) -> None:
        super().__init__()
        self._call = call
        self._card: CallerCard | None = None
        self._by_search = False
        self._site_default = ""
        self._description_default = ""
        """The request a waiting call came back with: left as it was, closing keeps it waiting."""
        self._phone_prefill = ""
        self._received_at: datetime | None = None
        self._number_enter_pending = False
        """The number completed itself and moved on: a habitual Enter is the number's."""
        self._auto_number: str | None = None
        """The number last looked up as it was typed (E.164): typing on after it stays put."""
        self._moving_on: str | None = None
        """The number (E.164) whose lookup is to move on to the request and has not yet."""
        self._pending_callback: NewCallback | None = None
        self._duplicate_warned: tuple[NewClient | None, str] | None = None
        """The new caller warned of as a client already: saved again unchanged, added anyway."""
        """A callback asked for whose call could not be saved yet: ctrl+b offers it again."""
        self._own_call_id: int | None = None
        """The call logged as this intake opened by hand (F2); None for a reported call."""
        self._opening: Worker[None] | None = None
        """The worker logging that call; saving and closing wait for it."""
        self._draft_timer: Timer | None = None
        """Writes the draft onto the F2 call once typing pauses (:data:`DRAFT_PAUSE`)."""
        self._draft_written: tuple[str, str] = ("", "")
        """The (number, request) last written onto the F2 call: the same again is not written."""

    def compose(self) -> ComposeResult:
        """Number, caller, request, triage, site; see the module docstring for the order."""
        yield Header()
        with Horizontal(id="phone-row", classes="row"):
            yield PlainLabel(_("Phone"))
            yield PhoneInput(id="phone", compact=True, placeholder=_("caller's number"))
            yield Plain(_("Type the caller's number (or a name)."), id="phone-status")
        with Horizontal(id="search-row", classes="row"):
            yield PlainLabel(_("Find"))
            yield TextInput(id="search", compact=True, placeholder=_("name, NIP or part of number"))
        with VerticalScroll(id="caller-area", can_focus=False):
            yield CallerCardView(id="card")
            yield ClientPickList(id="pick")
            yield NewClientForm(id="new-client")
        with Horizontal(classes="row"):
            yield PlainLabel(_("Request"))
            yield TextInput(id="description", compact=True, placeholder=_("what is wrong"))
        yield MessageLine("", id="description-error", classes="field-error")
        yield TriageBar(id="triage", after="#description")
        yield MessageLine("", id="triage-error", classes="field-error")
        yield ContractPicker(id="contract")
        with Horizontal(classes="row"):
            yield PlainLabel(_("Site"))
            yield TextInput(id="site", compact=True, placeholder=_("site address"))
        # A row of its own, so the site has the whole width (a Warsaw address with
        # its postcode is ~50 cells); a label of its own: a placeholder goes as
        # soon as something is typed.
        with Horizontal(classes="row"):
            yield PlainLabel(_("Agreed"), id="agreed-label")
            yield TextInput(id="agreed", compact=True, placeholder=_("350 or 80/h"))
        yield MessageLine("", id="agreed-error", classes="field-error")
        yield Checkbox(_("Add this number to the client"), True, id="add-number")
        yield KeysFooter()

    @property
    def taken_call_id(self) -> int | None:
        """The waiting call this intake was opened on (a ring, F3, the call log); None for F2."""
        return None if self._call is None else self._call.id

    def on_mount(self) -> None:
        """Title the call; for a reported call, fill in the number and match it."""
        received = self._call.received_at if self._call else self.ctx.clock.now()
        self._received_at = received
        self.title = _("Incoming call {t}").format(t=local(received).strftime("%H:%M"))
        self._update_contract()
        # Another process's change (an admin's privacy erase) reaches the card on show.
        self.bb.data_changed.subscribe(self, self._data_changed)
        if self._call is None:
            self.query_one("#phone", Input).focus()
            # Logged now, as a ring is when it rings: a session that dies leaves it in the log.
            self._opening = self.log_opened_call()
            return
        # Held by this session while open: ``calls mark`` elsewhere refuses it (issue 13, B).
        self.claim_reported_call(self._call.id)
        self._phone_prefill = format_with_extension(self._call.e164, self._call.raw_number)
        # A call left waiting with a request typed (a draft, a session that ended): it is back.
        self._description_default = typed_request(self._call)
        self.query_one("#description", Input).value = self._description_default
        self.query_one("#phone", Input).value = self._phone_prefill
        if self._call.e164:
            self.look_up(self._phone_prefill, move_on=True)
        else:
            self.query_one("#phone", Input).focus()

    @work(group="intake-open", exit_on_error=False)
    async def log_opened_call(self) -> None:
        """Log the call taken by hand as waiting, being taken (issue 13: kill -9 kept nothing)."""
        received = self._received_at or self.ctx.clock.now()
        try:
            self._own_call_id = await open_call_by_hand(self.ctx, received)
        except USER_ERRORS as err:  # a busy or full database: the call is logged on save
            self.notify(str(err), severity="warning")

    @work(group="intake-open", exit_on_error=False)
    async def claim_reported_call(self, call_id: int) -> None:
        """Mark the reported call as taken by this intake (:func:`claim_call`).

        A busy database leaves it unmarked; the save still keeps what was typed.
        """
        with contextlib.suppress(*USER_ERRORS):
            await claim_call(self.ctx, call_id)

    async def call_id(self) -> int | None:
        """The call this intake resolves: the reported one, or the one logged as it opened."""
        if self._call is not None:
            return self._call.id
        if self._opening is not None:
            with contextlib.suppress(Exception):
                await self._opening.wait()
        return self._own_call_id

    @on(Input.Changed, "#phone")
    @on(Input.Changed, "#description")
    def _typed(self) -> None:
        """Typing restarts the pause after which an F2 call's draft is written (issue 13)."""
        if self._call is not None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_PAUSE, self.write_draft)

    @work(exclusive=True, group="intake-draft", exit_on_error=False)
    async def write_draft(self) -> None:
        """Write the number and request typed so far onto the F2 call: kill -9 keeps them.

        One small write, only when they changed and no save or close is running
        (that one resolves the call itself; a draft never overwrites it).
        """
        if any(
            w.node is self and w.group == "intake-save" and not w.is_finished for w in self.workers
        ):
            return
        draft = (self._raw_number(), self.query_one("#description", Input).value)
        if draft == self._draft_written:
            return
        call_id = await self.call_id()
        if call_id is None:
            return
        try:
            await keep_call_draft(self.ctx, call_id, raw_number=draft[0], typed=draft[1])
        except USER_ERRORS:
            return  # a busy database: the next pause tries again
        self._draft_written = draft

    @on(Input.Changed, "#phone")
    def _number_changed(self, event: Input.Changed) -> None:
        self._set_phone_status("")
        if event.value == self._phone_prefill:
            return  # a reported call: on_mount looks it up
        e164 = try_parse_phone(event.value)
        if e164 is None and set(event.value) <= PHONE_CHARS:
            # The number itself was made incomplete or too long (not an extension being
            # typed after it): once whole again it is a number typed afresh (issue 13, G).
            self._auto_number = None
        if e164 and e164.startswith("+48"):
            # Polish numbers are all nine digits: a valid one is complete, no Enter needed.
            # The same number typed on (a space, then ``wew. 12``) is looked up again for
            # the extension, but the focus stays: the dispatcher is still typing it. A
            # reformat of the digits just typed (one key, two changes) replaces the
            # lookup that would move on, so it moves on in its place.
            again = e164 == self._auto_number and e164 != self._moving_on
            self._auto_number = e164
            self._moving_on = None if again else e164
            self.look_up(event.value, move_on=not again, auto=True)

    @on(Input.Submitted, "#phone")
    def _phone_entered(self, event: Input.Submitted) -> None:
        if _is_a_name(event.value):
            self.search(event.value)  # a name typed where the number goes: find the client
        else:
            self.look_up(event.value, move_on=True)

    def _raw_number(self) -> str:
        """The number typed in the phone field; a name typed there to search is no number."""
        value = self.query_one("#phone", Input).value
        return "" if _is_a_name(value) else value

    def _typed_number(self) -> str:
        """What the number field (or the new caller's) holds, as typed: kept on a call not saved.

        Unlike :meth:`_raw_number`, a text that is no number is kept too: a call
        closed without a job keeps whatever was typed (issue 13, G); but a name
        that found the caller was a search, not the caller's number.
        """
        form = self.query_one(NewClientForm)
        if form.display:
            return form.phone_text()
        value = self.query_one("#phone", Input).value
        return "" if self._card is not None and _is_a_name(value) else value

    def _set_phone_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#phone-status", Static)
        status.update(text)
        status.set_class(error, "field-error")

    @work(exclusive=True, group="intake-lookup", exit_on_error=False)
    async def look_up(self, raw: str, move_on: bool, auto: bool = False) -> None:
        """Match the number; one client → card, several → pick list, none → new client.

        ``auto`` (a complete number typed, no Enter yet) never opens the new-client
        form: the dispatcher may have mistyped, and Enter confirms.
        """
        try:
            match = await lookup_number(self.ctx, raw)
        except InvalidPhoneNumber as err:
            self._set_phone_status(str(err), error=True)
            self.query_one("#phone", Input).focus()
            return
        self._by_search = False
        if len(match.clients) == 1:
            await self._load_card(match.clients[0].id, move_on, auto)
        elif match.clients:
            self._set_phone_status(
                _("{n} clients share this number: pick one").format(n=len(match.clients))
            )
            self._show_pick(match.clients)
        elif auto:
            self._set_phone_status(_("Unknown number: Enter – new client, ^f – find"))
        else:
            self._set_phone_status(_("Unknown number: new client, or ^f to find"))
            self._show_form(format_for_display(match.e164))
        if match.e164 == self._moving_on:
            self._moving_on = None  # moved on: the same number again stays put

    def _show_only(self, shown: str) -> None:
        for name in ("card", "pick", "new-client"):
            self.query_one(f"#{name}").display = name == shown

    def _show_pick(self, clients: list[Client]) -> None:
        pick = self.query_one(ClientPickList)
        pick.show_clients(clients)
        self._card = None
        self._show_only("pick")
        self._update_contract()
        pick.focus()

    def _show_form(self, phone: str, name: str = "") -> None:
        self._card = None
        self._show_only("new-client")
        form = self.query_one(NewClientForm)
        form.prefill(phone, name)
        form.query_one("#nc-name", Input).focus()
        self.query_one("#add-number").display = False
        self._update_contract()

    @on(OptionList.OptionSelected, "#pick")
    async def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option_id is not None:
            self._show_only("card")
            self.load_card(int(event.option_id))

    @work(exclusive=True, group="intake-card", exit_on_error=False)
    async def load_card(self, client_id: int) -> None:
        """Show a chosen client's card and go on to the request."""
        await self._load_card(client_id, True)

    async def _load_card(self, client_id: int, move_on: bool, auto: bool = False) -> None:
        try:
            card = await caller_card(self.ctx, client_id)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        self._card = card
        self._show_only("card")
        _number, extension = split_extension(self.query_one("#phone", Input).value)
        status = "✓ " + card.client.name
        if extension:  # kept on the call as typed; the match ignores it
            status += " · " + _("ext. {n}").format(n=extension)
        self._set_phone_status(status)
        today = local(self.ctx.clock.now()).date()
        warn = self.ctx.prices.billing.warn_percent
        self.query_one(CallerCardView).show_card(card, today, warn)
        site = self.query_one("#site", Input)
        if not site.value or site.value == self._site_default:
            site.value = card.client.address
        self._site_default = card.client.address
        self._update_contract(reset=True)
        self._update_add_number()
        self.refresh_bindings()  # ^r shows for an archived caller only
        if move_on:
            description = self.query_one("#description", Input)
            self._number_enter_pending = auto and not description.value
            description.focus()

    def _data_changed(self, _none: None) -> None:
        if self._card is not None:
            self.refresh_card(self._card.client.id)

    @work(exclusive=True, group="intake-card-refresh", exit_on_error=False)
    async def refresh_card(self, client_id: int) -> None:
        """Read the card on show again after a change; drop it if the client was erased.

        The focus and everything typed stay; only the card (contracts, open
        jobs) follows the database. A client whose data was erased meanwhile
        leaves no detail on the screen: the card, the name and the site
        address taken from it go, and the card says why.
        """
        try:
            card = await caller_card(self.ctx, client_id)
        except ClientErased as err:
            if self._card is not None and self._card.client.id == client_id:
                self._drop_card(str(err))
            return
        except DomainError:
            return  # the card stays as it was; a save says what is wrong
        if self._card is None or self._card.client.id != client_id:
            return  # another caller was chosen meanwhile
        self._card = card
        today = local(self.ctx.clock.now()).date()
        self.query_one(CallerCardView).show_card(card, today, self.ctx.prices.billing.warn_percent)
        self.refresh_bindings()

    def _drop_card(self, why: str) -> None:
        """Forget the caller on show (their data was erased) and say so where the card was."""
        self._card = None
        self.query_one(CallerCardView).show_text(why)
        self._set_phone_status(why, error=True)
        site = self.query_one("#site", Input)
        if site.value == self._site_default:
            site.value = ""
        self._site_default = ""
        self._update_contract(reset=True)
        self._update_add_number()
        self.refresh_bindings()

    def _update_add_number(self) -> None:
        box = self.query_one("#add-number", Checkbox)
        phone = try_parse_phone(self.query_one("#phone", Input).value)
        known = self._card is not None and phone in {p.e164 for p in self._card.client.phones}
        box.display = bool(self._by_search and self._card and phone and not known)

    def action_find_client(self) -> None:
        """Show the search field: the caller may call from a new phone."""
        self.query_one("#search-row").display = True
        self.query_one("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def _search_entered(self, event: Input.Submitted) -> None:
        self.search(event.value)

    @work(exclusive=True, group="intake-search", exit_on_error=False)
    async def search(self, text: str) -> None:
        """Find clients by name, NIP or part of a number and offer them in the pick list."""
        found = await search_clients(self.ctx, text)
        if not found:
            self._set_phone_status(_("Nobody found for '{t}'; ^n: new client").format(t=text))
            return
        self._by_search = True
        self._set_phone_status(_("{n} found: pick the caller").format(n=len(found)))
        self._show_pick(found)

    def action_new_client(self) -> None:
        """Open the short new-client form, the typed number prefilled."""
        self._set_phone_status(_("New client: saved as a prospect"))
        self._show_form(self.query_one("#phone", Input).value)

    @on(KindToggle.Changed)
    def _kind_changed(self) -> None:
        self._update_contract()

    @on(Input.Changed, "#description")
    def _description_changed(self, event: Input.Changed) -> None:
        self._number_enter_pending = False
        if event.value.strip():  # the error is fixed: it goes
            self.query_one("#description-error", MessageLine).update("")

    @on(Input.Changed, "#agreed")
    def _agreed_changed(self, event: Input.Changed) -> None:
        try:
            parse_agreed_terms(event.value)
        except MoneyError:
            return  # still wrong: the message stays until the save or a right value
        self.query_one("#agreed-error", MessageLine).update("")

    @on(TriageBar.NotReady)
    def _triage_not_ready(self) -> None:
        self.query_one("#description-error", MessageLine).update(_("Describe the request first."))

    @on(TriageBar.StrayKey)
    def _triage_stray_key(self, event: TriageBar.StrayKey) -> None:
        self.query_one("#triage-error", MessageLine).update(
            _("'{key}' is no triage key: {keys}").format(key=event.character, keys=TriageBar.HELP)
        )

    @on(TriageBar.Changed)
    def _triage_changed(self) -> None:
        triage = self.query_one(TriageBar)
        if triage.mode is not None and triage.category is not None:
            self.query_one("#triage-error", MessageLine).update("")

    @on(Input.Submitted, "#description")
    def _description_entered(self, event: Input.Submitted) -> None:
        if not event.value.strip() and self._number_enter_pending:
            # The number completed itself; this Enter was typed to confirm it.
            self._number_enter_pending = False
            return
        if not event.value.strip():
            # Keeps a habitual Enter from landing in the one-key triage bar.
            self.query_one("#description-error", MessageLine).update(
                _("Describe the request first.")
            )
            return
        self.query_one("#description-error", MessageLine).update("")
        self.query_one(TriageBar).focus()

    @on(Input.Submitted, "NewClientForm Input")
    def _form_next(self, event: Input.Submitted) -> None:
        event.stop()
        # Enter on an empty field skips the rest of the form: fewest keys for a prospect.
        if event.input.id == "nc-email" or not event.value.strip():
            self.query_one("#description", Input).focus()
        else:
            self.focus_next()

    @on(TriageBar.CategoryChanged)
    def _category_changed(self) -> None:
        self._update_contract()

    def _client_kind(self) -> ClientKind:
        if self._card is not None:
            return self._card.client.kind
        return self.query_one(KindToggle).kind

    def _update_contract(self, reset: bool = False) -> None:
        """Suggest the contract by the firm's rules and show why, plus what to offer."""
        picker = self.query_one(ContractPicker)
        card = self._card
        if card is None and not self.query_one(NewClientForm).display:
            picker.clear()
            return
        suggestion = suggest_contract(
            card.balances if card else [],
            self.query_one(TriageBar).category or Category.OTHER,
            self._client_kind(),
            local(self.ctx.clock.now()).date(),
            has_assessment=card.has_assessment if card else False,
            starter_signed=starter_signed(self.ctx, [b.contract for b in card.balances])
            if card
            else False,
        )
        if card is not None and card.client.status is ClientStatus.ARCHIVED:
            # An archived client signs nothing: the card offers ^r, not a contract.
            suggestion = replace(suggestion, hint="", offer=None)
        picker.suggest(suggestion, reset=reset)

    @on(TriageBar.ContractCycled)
    def _cycle_contract(self) -> None:
        if not self.query_one(ContractPicker).cycle():
            self.notify(_("This client has no contract to choose."), severity="warning")

    @on(TriageBar.Submitted)
    @on(Input.Submitted, "#site")
    @on(Input.Submitted, "#agreed")
    def action_save_job(self) -> None:
        """Save the job, the call and the audit row."""
        self.save(info_only=False)

    def action_info_only(self) -> None:
        """Log the call as information only (a new client is kept as a prospect)."""
        self.save(info_only=True)

    def action_call_back(self) -> None:
        """Log the call with a note and promise a callback: reason and time asked first."""
        from screens.callback_dialog import CallbackDialog

        pending = self._pending_callback
        if pending is not None:  # asked for before and not saved yet: offered again as typed
            self.app.push_screen(
                CallbackDialog(self._who(), pending.reason, due=pending.due_at),
                self._call_back_with,
            )
            return
        reason = self.query_one("#description", Input).value
        self.app.push_screen(CallbackDialog(self._who(), reason), self._call_back_with)

    def _who(self) -> str:
        """Whom the callback is for: the caller's client, else the number typed."""
        if self._card is not None:
            return self._card.client.name
        form = self.query_one(NewClientForm)
        return (form.phone_text() if form.display else "") or self.query_one("#phone", Input).value

    def _reopen_call_back(self, callback: NewCallback, error: str) -> None:
        """Open the callback dialog again with what was typed and why it was not saved."""
        from screens.callback_dialog import CallbackDialog

        dialog = CallbackDialog(self._who(), callback.reason, due=callback.due_at, error=error)
        self.app.push_screen(dialog, self._call_back_with)

    def _call_back_with(self, answer: tuple[str, datetime] | None) -> None:
        if answer is not None:
            reason, due = answer
            self._pending_callback = NewCallback(reason, due)
            self.save(info_only=True, callback=self._pending_callback)

    @work(exclusive=True, group="intake-save", exit_on_error=False)
    async def save(self, info_only: bool, callback: NewCallback | None = None) -> None:
        """Validate and save; a wrong field gets its message next to it, text kept."""
        for name in ("description-error", "triage-error", "agreed-error"):
            self.query_one(f"#{name}", Static).update("")
        form = self.query_one(NewClientForm)
        form.clear_error()
        triage = self.query_one(TriageBar)
        description = self.query_one("#description", Input).value
        job = None
        if not info_only:
            # The fields above the triage bar first (the number, a new caller's
            # details): the first wrong field on the screen is the one shown and focused.
            try:
                validate_request(
                    IntakeRequest(
                        job=None,
                        new_client=form.value() if form.display else None,
                        raw_number=form.phone_text() if form.display else self._raw_number(),
                    )
                )
            except IntakeFieldError as err:
                self._show_field_error(err.field, str(err))
                return
            if self._card is not None and self._card.client.status is ClientStatus.ARCHIVED:
                # Refused here with the key that helps; the service refuses it too.
                self.query_one("#triage-error", Static).update(
                    _("{name} is archived: ^r reactivates the client, then save the job.").format(
                        name=self._card.client.name
                    )
                )
                return
            if triage.mode is None or triage.category is None:
                self.query_one("#triage-error", Static).update(
                    _("Choose on-site (o) or remote (r) and a category (1-6).")
                )
                triage.focus()
                return
            agreed = self.query_one("#agreed", Input)
            try:
                price, rate = parse_agreed_terms(agreed.value)
            except MoneyError as err:
                self.query_one("#agreed-error", Static).update(str(err))
                agreed.focus()
                return
            job = NewJob(
                agreed_price=price, agreed_rate=rate,
                client_id=self._card.client.id if self._card else 0, description=description,
                mode=triage.mode, priority=triage.priority, category=triage.category,
                site_address=self.query_one("#site", Input).value.strip(),
                contract_id=self.query_one(ContractPicker).contract_id,
                # Left to the service: the person of the number that rang, else the client's.
                caller_name="",
            )  # fmt: skip
        # A caller who gives no name is no new client: a call without a job (information
        # only, or a callback) is logged with the number alone, and no prospect is made.
        unnamed = info_only and form.display and not form.is_dirty()
        new_client = form.value() if form.display and not unnamed else None
        add_box = self.query_one("#add-number", Checkbox)
        raw = form.phone_text() if form.display else self._raw_number()
        request = IntakeRequest(
            job=job, client_id=self._card.client.id if self._card else None,
            new_client=new_client, raw_number=raw,
            add_number_to_client=add_box.display and add_box.value,
            call_id=await self.call_id(),
            received_at=self._received_at,
            note=(callback.reason if callback else description) if info_only else description,
            callback=callback,
            # Saved again, unchanged, after the warning: a second client on purpose.
            duplicate=new_client is not None and (new_client, raw) == self._duplicate_warned,
            own_call_if_handled=True,  # handled elsewhere meanwhile: what was typed is kept
        )  # fmt: skip
        try:
            result = await save_intake(self.ctx, request)
        except DuplicateClient as err:
            self._duplicate_warned = (new_client, raw)
            form.show_error("name", str(err) + " " + _("Save again to add a second client anyway."))
            return
        except IntakeFieldError as err:
            self._show_field_error(err.field, str(err))
            if callback is not None:  # kept: ctrl+b offers it again once the field is fixed
                self.notify(
                    _("The callback is kept: correct the field, then ^b saves it."),
                    severity="warning",
                )
            return
        except FieldError as err:  # the agreed price or rate, or a callback to nobody
            if err.field not in ("price", "rate"):
                self.notify(str(err), severity="error")
                if callback is not None:  # its reason and time were typed: asked again
                    self._reopen_call_back(callback, str(err))
                return
            self.query_one("#agreed-error", Static).update(str(err))
            self.query_one("#agreed", Input).focus()
            return
        except DomainError as err:
            # A refusal or a busy/full database: said in the form, next to where
            # Enter saves, and everything typed stays for the next try.
            if isinstance(err, ClientErased):  # nothing of the erased person stays on show
                self._drop_card(str(err))
            self.query_one("#triage-error", Static).update(str(err))
            self.notify(str(err), severity="error")
            if callback is not None:  # the callback's reason and time were typed too
                self._reopen_call_back(callback, str(err))
            return
        self._pending_callback = None
        if result.job_id is not None:
            # Drawn on the board, under its cursor, before the intake closes: a
            # key typed after ^s acts on this job (issue 13, ``^s a`` in one burst).
            await self.bb.saved(result.job_id)
        saved = _("Job {n} saved.").format(n=result.job_id) if result.job_id else None
        if result.handled_elsewhere is not None:
            self.notify(
                _("{who} handled this call meanwhile; yours is logged as call {n}.").format(
                    who=result.handled_elsewhere, n=result.call_id
                ),
                severity="warning",
            )
        self.notify(saved or _("Call logged."))
        self.dismiss(None)

    def _show_field_error(self, field: str, message: str) -> None:
        """Show the service's refusal at its field and focus where it is put right.

        No caller chosen while several are offered: the message goes on the
        phone line above the list, and the list (not the number) gets the focus,
        since choosing one is the fix. Nothing typed is cleared.
        """
        if field == "description":
            self.query_one("#description-error", Static).update(message)
            self.query_one("#description", Input).focus()
        elif field == "client" and self.query_one(ClientPickList).display:
            self._set_phone_status(message, error=True)
            self.query_one(ClientPickList).focus()
        elif field == "client" or (field == "phone" and not self.query_one(NewClientForm).display):
            self._set_phone_status(message, error=True)
            self.query_one("#phone", Input).focus()
        else:
            self.query_one(NewClientForm).show_error(field, message)

    def action_card_down(self) -> None:
        """Scroll the caller's card (or the pick list, the new-client form) a page down."""
        self.query_one("#caller-area", VerticalScroll).scroll_page_down(animate=False)

    def action_card_up(self) -> None:
        """Scroll the caller's card a page up."""
        self.query_one("#caller-area", VerticalScroll).scroll_page_up(animate=False)

    def action_open_client(self) -> None:
        """Open the caller's client page."""
        if self._card is None:
            self.notify(_("Identify the caller first."), severity="warning")
            return
        from screens.client import ClientScreen

        self.app.push_screen(ClientScreen(self._card.client.id), self._card_changed)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``^r`` (reactivate) is offered only while the caller is an archived client."""
        if action == "reactivate":
            card = self._card
            return card is not None and card.client.status is ClientStatus.ARCHIVED
        return True

    def action_reactivate(self) -> None:
        """Make the archived caller an active client again, after asking (as the client page)."""
        card = self._card
        if card is None or card.client.status is not ClientStatus.ARCHIVED:
            return
        question = ConfirmScreen(
            _("Reactivate {name}? New jobs and contracts are possible again.").format(
                name=card.client.name
            ),
        )
        confirm_then(
            self, question, Needs(Action.CLIENT_EDIT),
            lambda yes: self._reactivate_if(yes, card.client.id),
        )  # fmt: skip

    def _reactivate_if(self, yes: bool | None, client_id: int) -> None:
        if yes:
            self.reactivate(client_id)

    @work(exclusive=True, group="intake-card", exit_on_error=False)
    async def reactivate(self, client_id: int) -> None:
        """Reactivate through the service (rights, audit), then show the card again."""
        try:
            status = await archive_client(self.ctx, client_id, archived=False)
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return
        self.query_one("#triage-error", Static).update("")
        self.notify(_("Client is now {status}.").format(status=CLIENT_STATUS_LABEL[status]))
        await self._load_card(client_id, True)

    def action_sign_contract(self) -> None:
        """Sign a contract for the caller; a new caller is saved only with the contract signed."""
        if self._card is not None:
            self._open_signing(self._card.client.id)
        elif self.query_one(NewClientForm).display:
            kind = self._client_kind().value
            if not any(p.signable and p.for_kind(kind) for p in self.ctx.prices.products):
                # Not saved as a prospect for nothing: a private person signs no contract.
                self.notify(
                    _("A private person signs no contract: agree a price or rate on the job."),
                    severity="warning",
                )
                return
            self.save_prospect()
        else:
            self.notify(_("Identify the caller first."), severity="warning")

    def _open_signing(self, client_id: int) -> None:
        from screens.sign_contract import open_signing

        offer = self.query_one(ContractPicker).offer
        open_signing(self, client_id, self._card_changed, offer=offer)

    def _card_changed(self, _result: object = None) -> None:
        if self._card is not None:
            self.load_card_quietly(self._card.client.id)

    @work(exclusive=True, group="intake-card", exit_on_error=False)
    async def load_card_quietly(self, client_id: int) -> None:
        """Reload the card after signing or editing, then go on to the request."""
        await self._load_card(client_id, True)

    @work(exclusive=True, group="intake-prospect", exit_on_error=False)
    async def save_prospect(self) -> None:
        """Check the new caller's details, then open signing; saved only with the contract.

        Cancelling the signing form leaves nothing behind: the prospect and its
        contract are saved together when the dispatcher signs
        (:func:`bbdispatch.services.contracts.sign_for_new_client`).
        """
        from screens.sign_contract import SignContractScreen

        form = self.query_one(NewClientForm)
        form.clear_error()
        new = form.value()
        details = ClientDetails(
            kind=new.kind, name=new.name, nip=new.nip, street=new.street, city=new.city,
            postal_code=new.postal_code, email=new.email, contact_person=new.contact_person,
            phones=(PhoneLine(form.phone_text()),) if form.phone_text().strip() else (),
        )  # fmt: skip
        try:
            details = await check_new_client(self.ctx, details)
        except FieldError as err:
            form.show_error(err.field, str(err))
            return
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        offer = self.query_one(ContractPicker).offer
        product = offered_product(self.ctx.prices.products, offer, details.kind)
        dialog = SignContractScreen(0, product, new_client=details)
        self.app.push_screen(dialog, lambda _result: self._signed_new(dialog))

    def _signed_new(self, dialog: SignContractScreen) -> None:
        """The new caller signed (saved with the contract): show their card; cancelled: nothing."""
        if dialog.signed is not None:
            self.load_new_caller(dialog.signed.client_id)

    @work(exclusive=True, group="intake-card", exit_on_error=False)
    async def load_new_caller(self, client_id: int) -> None:
        """Show the card of the caller just saved with their contract, then go on to the request."""
        self._by_search = False
        await self._load_card(client_id, False)

    def is_dirty(self) -> bool:
        """Whether closing would lose something the dispatcher typed or found.

        A caller identified in a call taken by hand (F2) is a call: it is logged
        when closed. A reported call left as it came stays waiting in the log.
        """
        phone = self.query_one("#phone", Input).value
        return bool(
            self.query_one("#description", Input).value != self._description_default
            or (phone and phone != self._phone_prefill)
            or (self._card is not None and self._call is None)
            or self._pending_callback is not None
            or self.query_one(NewClientForm).is_dirty()
            or self.query_one("#site", Input).value != self._site_default
        )

    def action_close(self) -> None:
        """Close; a half-filled call asks first."""
        if not self.is_dirty():
            self.close_untouched()
            return
        self.ask_close()

    @work(exclusive=True, group="intake-close", exit_on_error=False)
    async def ask_close(self) -> None:
        """Ask before closing, saying what closing does to this call now.

        A reported call another dispatcher handled meanwhile is not logged
        again (:func:`log_unsaved_call` leaves it alone): the question says so
        instead of promising an entry in the log.
        """
        handler = await self._handled_elsewhere()
        text = _("Close this call without a job? It is logged as information.")
        if handler is not None and self.query_one("#description", Input).value.strip():
            text = _(
                "{who} already handled this call: what you typed is logged as a call"
                " of its own. Close it?"
            ).format(who=handler)
        elif handler is not None:
            text = _(
                "{who} already handled this call: closing changes nothing in the call log"
                " and what you typed is not saved. Close it?"
            ).format(who=handler)
        question = ConfirmScreen(text, no=_("no, keep editing"))
        confirm_then(self, question, Needs(Action.CALL_LOG), self._discard_if)

    def _discard_if(self, yes: bool | None) -> None:
        if yes:
            self.close_unsaved()

    async def _handled_elsewhere(self) -> str | None:
        """Who handled this reported call already, if anyone did (None: still waiting)."""
        if self._call is None:
            return None
        try:
            call = await get_call(self.ctx, self._call.id)
        except USER_ERRORS:
            return None  # the close itself reports what is wrong
        if call.outcome is CallOutcome.PENDING:
            return None
        return call.handled_by or _("Someone")

    @work(exclusive=True, group="intake-save", exit_on_error=False)
    async def close_untouched(self) -> None:
        """Close an intake nothing was typed in; the call it logged by hand goes (no call)."""
        await self.drop_if_untouched()
        self.dismiss(None)

    @work(exclusive=True, group="intake-save", exit_on_error=False)
    async def close_unsaved(self) -> None:
        """Log the call as closed without a job, then close."""
        if await self.log_unsaved():
            self.dismiss(None)

    async def log_unsaved(self) -> bool:
        """Put this call in the call log as closed without a job; False (and a message) if not."""
        try:
            logged = await log_unsaved_call(
                self.ctx, raw_number=self._typed_number(),
                call_id=await self.call_id(), received_at=self._received_at,
                client_id=self._card.client.id if self._card else None,
                typed=self.query_one("#description", Input).value, own_call_if_handled=True,
            )  # fmt: skip
            handler = await self._handled_elsewhere()
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return False
        if handler is not None and logged is None:
            self.app.notify(
                _("{who} already handled this call: nothing was changed.").format(who=handler)
            )
        elif handler is not None and logged is not None:
            self.app.notify(
                _("{who} handled this call meanwhile; yours is logged as call {n}.").format(
                    who=handler, n=logged
                ),
                severity="warning",
            )
        return True

    async def drop_if_untouched(self) -> None:
        """Remove the call logged as this intake opened by hand, when nothing was typed or found.

        A reported call left untouched gets its note back and waits as it came.
        """
        if self._call is not None and not self.is_dirty():
            with contextlib.suppress(*USER_ERRORS):
                await release_call(self.ctx, self._call.id)
            return
        call_id = None if self._call is not None or self.is_dirty() else await self.call_id()
        if call_id is not None:
            with contextlib.suppress(*USER_ERRORS):
                await drop_untouched_call(self.ctx, call_id)

    async def keep_at_session_end(self) -> None:
        """The session is ending (the terminal closed, SIGTERM): keep what was typed on the call.

        A call with something typed or found stays waiting in the call log with
        the number, the client and the request; an untouched one taken by hand
        goes. Nothing is asked: nobody is left to answer.
        """
        if not self.is_dirty():
            await self.drop_if_untouched()
            return
        call_id = await self.call_id()
        raw = self._typed_number()
        client_id = self._card.client.id if self._card else None
        typed = self.query_one("#description", Input).value
        if call_id is None:  # its row could not be logged on open: logged now
            await self.log_unsaved()
            return
        await keep_interrupted_call(
            self.ctx, call_id=call_id, raw_number=raw, client_id=client_id, typed=typed
        )


def _is_a_name(text: str) -> bool:
    """Whether the phone field holds a name to search for rather than a number."""
    return try_parse_phone(text) is None and any(c.isalpha() for c in text)


async def keep_calls_at_session_end(app: App[Any]) -> None:
    """Before a session ends on a signal, keep what every open intake holds on its call."""
    for intake in [s for s in app.screen_stack if isinstance(s, IntakeScreen)]:
        with contextlib.suppress(Exception):  # one failing call must not lose the others
            await intake.keep_at_session_end()


def quit_keeping_calls(app: App[Any]) -> None:
    """Quit; while a call is being taken, ask first and log it, like Esc in the intake.

    ``ctrl+q`` is a priority binding of the App, so the intake never sees it;
    the App's quit action comes here instead.
    """
    intakes = [s for s in app.screen_stack if isinstance(s, IntakeScreen)]
    open_calls = [s for s in intakes if s.is_dirty()]

    async def drop_untouched_and_quit() -> None:
        for intake in intakes:
            await intake.drop_if_untouched()
        app.exit()

    if not open_calls:
        app.run_worker(drop_untouched_and_quit(), group="quit", exit_on_error=False)
        return

    async def log_and_quit() -> None:
        for intake in open_calls:
            if not await intake.log_unsaved():
                return  # the message is shown; the call stays open
        await drop_untouched_and_quit()

    def answer(yes: bool | None) -> None:
        if yes:
            app.run_worker(log_and_quit(), group="quit", exit_on_error=False)

    question = ConfirmScreen(
        _("Quit while taking a call? The call is logged without a job."),
        no=_("no, keep editing"),
    )
    confirm_then(app, question, Needs(Action.CALL_LOG), answer)
