"""Phone intake: who is calling, what they have, and the call turned into a job.

The screen asks here for the caller's card and saves the whole call at once:
a new prospect (if any), the number added to a client found by search, the
job, the call-log row and the audit rows go in one transaction, so a call is
never half recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from bbdispatch.clock import format_local_short
from bbdispatch.domain.callbacks import NewCallback
from bbdispatch.domain.calls import CallLogEntry, CallOutcome, CallSource
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import Client, ClientKind
from bbdispatch.domain.errors import DomainError, FieldError, NotFound
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.messages import stored, stored_code, typed
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.phones import InvalidPhoneNumber, parse_phone, try_parse_phone
from bbdispatch.services import audit
from bbdispatch.services.call_sessions import _BEING_TAKEN
from bbdispatch.services.call_sessions import call_interrupted as call_interrupted
from bbdispatch.services.call_sessions import session_ended as session_ended
from bbdispatch.services.call_sessions import this_session as this_session
from bbdispatch.services.caller_card import LAST_JOBS as LAST_JOBS
from bbdispatch.services.caller_card import CallerCard as CallerCard
from bbdispatch.services.caller_card import caller_card as caller_card
from bbdispatch.services.callers import NumberMatch as NumberMatch
from bbdispatch.services.callers import lookup_number as lookup_number
from bbdispatch.services.callers import record_ring as record_ring
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import callbacks as callback_store
from bbdispatch.storage import calls as store
from bbdispatch.storage import clients as client_store
from bbdispatch.storage.calls import CallRow as CallRow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class IntakeFieldError(DomainError):
    """A problem with one field of the intake; the screen shows it next to that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        """``phone``, ``name``, ``nip``, ``email`` or ``description``."""


@dataclass(frozen=True)
class IntakeRequest:
    """A call as the dispatcher saves it."""

    job: NewJob | None
    """The request; None for an information-only call. ``client_id`` is ignored
    when ``new_client`` is given."""
    client_id: int | None = None
    new_client: NewClient | None = None
    raw_number: str = ""
    e164: str | None = None
    add_number_to_client: bool = False
    """The client was found by search: attach the number they called from."""
    call_id: int | None = None
    """The pending call being handled (reported by ``ring``), if any."""
    received_at: datetime | None = None
    """When the call came in (defaults to now)."""
    note: str = ""
    callback: NewCallback | None = None
    """Call the caller back (reason and time); client, number and call are filled in."""
    duplicate: bool = False
    """Add ``new_client`` although the same private person is a client already."""
    own_call_if_handled: bool = False
    """The intake's save: a ``call_id`` handled elsewhere meanwhile is left as it is and
    what was typed becomes a call of its own (issue 13, B). A script naming a call
    (``jobs add --call``) is refused instead."""


@dataclass(frozen=True)
class IntakeResult:
    """What a saved call created."""

    call_id: int
    client_id: int | None
    job_id: int | None
    handled_elsewhere: str | None = None
    """Who handled the call this intake was opened on while it was being taken (a ``calls
    mark``, another dispatcher's save): what was typed went into a call of its own, ``call_id``."""


def new_prospect_problems(new: NewClient) -> list[IntakeFieldError]:
    """Every problem of the short new-client form, in the form's order (empty: fine).

    Fields: ``name``, ``nip``, ``postal_code``, ``email``. A client file's
    check lists them all for each row; the form shows the first.
    """
    from bbdispatch.services.clients import client_field_problems  # not on the phone path

    problems = [IntakeFieldError(p.field, str(p)) for p in client_field_problems(new)]
    too_long = any(p.field == "email" for p in problems)
    if new.email.strip() and not too_long and not _EMAIL.match(new.email.strip()):
        problems.append(
            IntakeFieldError("email", _("Not an e-mail address: {e}").format(e=new.email))
        )
    return problems


def validate_new_prospect(new: NewClient) -> NewClient:
    """Check the short new-client form, naming the field that is wrong.

    Raises:
        IntakeFieldError: name missing, NIP invalid, postcode or e-mail malformed.
    """
    from bbdispatch.services.clients import validate_new_client
    from bbdispatch.taxid import InvalidNip  # python-stdnum: not on the phone path

    problems = new_prospect_problems(new)
    if problems:
        raise problems[0]
    try:
        checked = validate_new_client(new)
    except InvalidNip as err:
        raise IntakeFieldError("nip", str(err)) from err
    except FieldError as err:
        raise IntakeFieldError(err.field, str(err)) from err
    return _trimmed(checked)


def prospect_as_stored(new: NewClient) -> NewClient:
    """A client :func:`new_prospect_problems` found fine, normalised without a second check.

    As :func:`validate_new_prospect` returns it (trimmed, the NIP as digits).
    A client file's rows are checked once each: a large file is checked for
    every problem first, then only the good rows are normalised.
    """
    from bbdispatch.services.clients import normalized_client

    return _trimmed(normalized_client(new))


def _trimmed(checked: NewClient) -> NewClient:
    return replace(
        checked,
        contact_person=checked.contact_person.strip(),
        street=checked.street.strip(),
        city=checked.city.strip(),
        postal_code=checked.postal_code.strip(),
    )


def validate_request(request: IntakeRequest) -> IntakeRequest:
    """Check a call before saving; every problem names its field.

    Raises:
        IntakeFieldError: on the first problem found.
    """
    e164 = request.e164
    if request.raw_number.strip() and e164 is None:
        try:
            e164 = parse_phone(request.raw_number)
        except InvalidPhoneNumber as err:
            raise IntakeFieldError("phone", str(err)) from err
    new_client = request.new_client
    if new_client is not None:
        new_client = validate_new_prospect(new_client)
        if e164 and not new_client.phones:
            new_client = replace(new_client, phones=((e164, ""),))
    elif request.job is not None and request.client_id is None:
        raise IntakeFieldError("client", _("Choose the caller or fill in a new client."))
    if request.job is not None and not request.job.description.strip():
        raise IntakeFieldError("description", _("Describe the request."))
    return replace(request, e164=e164, new_client=new_client)


@saves
async def save_intake(ctx: Ctx, request: IntakeRequest) -> IntakeResult:
    """Save a call: new client, added number, job, call-log row and audit, in one transaction.

    Raises:
        IntakeFieldError: a field is wrong (nothing is saved).
        DuplicateClient: the new caller is a private person of a client's name and
            number (``request.duplicate`` adds them anyway).
        DomainError: the NIP belongs to another client, or the client is gone.
        ClientErased: the client's data was erased meanwhile (nothing is saved).
    """
    # Imported here, not at the top: ``ring`` and ``lookup`` import this module on
    # every call and never save an intake (issue 13: the phone path starts fast).
    from bbdispatch.services.callbacks import insert_callback_in_tx
    from bbdispatch.services.erased import refuse_if_erased
    from bbdispatch.services.jobs import insert_job_in_tx

    await check(ctx, Action.JOB_CREATE)
    request = validate_request(request)
    received = request.received_at or ctx.clock.now()
    async with ctx.db.transaction():
        client_id = request.client_id
        # An intake opened before another admin erased this client holds what was erased.
        await refuse_if_erased(ctx, client_id)
        outcome = CallOutcome.INFORMATION
        if request.new_client is not None:
            if not request.duplicate:
                from bbdispatch.services.clients import duplicate_refusal  # on a save only

                new = request.new_client
                refused = await duplicate_refusal(
                    ctx, new.kind, new.name, [e164 for e164, _label in new.phones]
                )
                if refused is not None:
                    raise refused
            client_id = await _insert_prospect(ctx, request.new_client)
            outcome = CallOutcome.NEW_PROSPECT
        elif client_id is not None and request.add_number_to_client and request.e164:
            await client_store.add_phone(ctx.db, client_id, request.e164)
            await audit.record(ctx, "client", client_id, "phone_added", e164=request.e164)
        job_id = None
        if request.job is not None and client_id is not None:
            client = await client_store.get_client(ctx.db, client_id)
            job = replace(
                request.job,
                client_id=client_id,
                caller_phone=request.e164,
                status=JobStatus.TRIAGED,
                site_address=request.job.site_address.strip() or (client.address if client else ""),
                caller_name=request.job.caller_name.strip() or _caller_of(client, request.e164),
            )
            # The response clock starts when the phone rang, not when the job is saved.
            job_id = await insert_job_in_tx(ctx, job, request.received_at)
            outcome = CallOutcome.JOB_CREATED
        call_id, elsewhere = await _resolve_call(ctx, request, received, client_id, job_id, outcome)
        if request.callback is not None:
            await insert_callback_in_tx(
                ctx,
                replace(request.callback, client_id=client_id, e164=request.e164, call_id=call_id),
            )
        await audit.record(
            ctx, "call", call_id, "handled", outcome=outcome.value, job_id=job_id,
            client_id=client_id,
        )  # fmt: skip
    return IntakeResult(call_id, client_id, job_id, elsewhere)


def _caller_of(client: Client | None, e164: str | None = None) -> str:
    """Who called, when the form names nobody: the person of the number that rang.

    The number's own contact person first (``601 100 200`` is Ewa Lis's, though
    the company's contact is Jan Lis); else a private person calls for
    themselves, and a company's caller is its contact person, so the job names
    someone rather than "Caller: —".
    """
    if client is None:
        return ""
    by_number = next((p.contact_person for p in client.phones if p.e164 == e164), "")
    if by_number.strip():
        return by_number.strip()
    if client.kind is ClientKind.PRIVATE:
        return client.name
    return client.contact_person


async def _insert_prospect(ctx: Ctx, new: NewClient) -> int:
    if new.nip:
        existing = await client_store.client_by_nip(ctx.db, new.nip)
        if existing:
            raise IntakeFieldError(
                "nip",
                _("NIP {nip} already belongs to {name}.").format(nip=new.nip, name=existing.name),
            )
    client_id = await client_store.insert_client(ctx.db, new, ctx.clock.now())
    await audit.record(ctx, "client", client_id, "created", name=new.name, kind=new.kind.value)
    return client_id


async def _resolve_call(
    ctx: Ctx,
    request: IntakeRequest,
    received: datetime,
    client_id: int | None,
    job_id: int | None,
    outcome: CallOutcome,
) -> tuple[int, str | None]:
    """The call the save resolves, and who handled it before (None: nobody, or a new call).

    A call handled elsewhere while the intake held it (``calls mark``, another
    dispatcher's save of the same ring) is left as that one left it; with
    ``own_call_if_handled`` what this dispatcher typed is logged as a call of
    its own, with its job, so the work is never lost for the call's state
    (issue 13, B); without it the save is refused.
    """
    raw_number, number = request.raw_number.strip(), request.e164
    elsewhere = None
    if request.call_id is not None:
        call = await store.get_call(ctx.db, request.call_id)
        if call is None:
            raise NotFound(_("No call {id}.").format(id=request.call_id))
        if call.outcome is not CallOutcome.PENDING and not request.own_call_if_handled:
            raise DomainError(
                _("{who} already handled this call.").format(who=call.handled_by or _("Someone"))
            )
        if call.outcome is CallOutcome.PENDING:
            raw, e164 = _number_if_none(call, request.raw_number, request.e164)
            await store.update_call(
                ctx.db, request.call_id, outcome=outcome, client_id=client_id, job_id=job_id,
                handled_by=ctx.actor, note=typed(request.note), raw_number=raw, e164=e164,
            )  # fmt: skip
            return request.call_id, None
        elsewhere = call.handled_by or _("Someone")
        received = call.received_at
        raw_number, number = raw_number or call.raw_number, number or call.e164
    call_id = await store.insert_call(
        ctx.db, received_at=received, raw_number=raw_number, e164=number,
        client_id=client_id, source=CallSource.MANUAL, outcome=outcome, job_id=job_id,
        handled_by=ctx.actor, note=typed(request.note),
    )  # fmt: skip
    return call_id, elsewhere


def call_state(call: CallLogEntry) -> str:
    """The outcome to show for a call: its outcome's code, or ``being_taken`` / ``interrupted``.

    A waiting call taken by hand (F2) is being taken while its session lives
    and interrupted once it is gone (:func:`call_interrupted`). The call log
    screen and ``bbdispatch calls`` (text and ``--json``) both read it here.
    """
    if call.outcome is not CallOutcome.PENDING or call.source is not CallSource.MANUAL:
        return call.outcome.value
    return "interrupted" if call_interrupted(call) else "being_taken"


def call_note(call: CallLogEntry) -> str:
    """The call's stored note as it reads now: a being-taken note of a gone session is interrupted.

    Returns a stored text (:func:`bbdispatch.domain.messages.stored`) or the
    note as written; the draft of the request stays on it.
    """
    before = _note_before_claim(call)
    if before is not None:  # a reported call an intake holds: its own note once that is gone
        return before if held_by(call) is None else call.note
    found = stored_code(call.note)
    if found is None or found[0] not in _BEING_TAKEN or not call_interrupted(call):
        return call.note
    text = str(found[1].get("text", "")).strip()
    return stored("call.interrupted_typed", text=text) if text else stored("call.interrupted")


def typed_request(call: CallLogEntry) -> str:
    """The request typed on a call left waiting (a draft, or kept as its session ended); "" if none.

    Taking the call again from the call log puts it back in the request field.
    """
    before = _note_before_claim(call)
    if before is not None:
        return typed_request(replace(call, note=before))
    found = stored_code(call.note)
    if found is None or found[0] not in (*_BEING_TAKEN, "call.interrupted_typed"):
        return ""
    return str(found[1].get("text", ""))


@saves
async def keep_call_draft(ctx: Ctx, call_id: int, *, raw_number: str, typed: str) -> bool:
    """Write what is typed so far in an F2 intake onto its call, so kill -9 keeps it (issue 13).

    Called by the intake shortly after typing pauses. The call stays waiting
    and being taken by this session; the number typed replaces the one on the
    row. A call resolved meanwhile (saved, closed, kept at session end) is
    left alone.

    A background write (nobody pressed anything for it): with the database
    busy it gives up after a moment instead of holding up the person's save
    behind a full wait; the next pause tries again.

    Returns:
        Whether the call was written.
    """
    await check(ctx, Action.CALL_LOG)
    async with ctx.db.transaction(background=True):
        call = await store.get_call(ctx.db, call_id)
        found = stored_code(call.note) if call is not None else None
        if call is None or call.outcome is not CallOutcome.PENDING or found is None:
            return False
        code, values = found
        if code not in _BEING_TAKEN:
            return False
        session = str(values.get("session", "")) or this_session()
        text = typed.strip()
        note = (
            stored("call.being_taken_typed", session=session, text=text)
            if text
            else stored("call.being_taken", session=session)
        )
        raw = raw_number.strip()
        await store.update_call(
            ctx.db, call_id, outcome=CallOutcome.PENDING, client_id=None, job_id=None,
            handled_by=call.handled_by, note=note, raw_number=raw,
            e164=try_parse_phone(raw) if raw else None,
        )  # fmt: skip
        return True


@saves
async def open_call_by_hand(ctx: Ctx, received_at: datetime) -> int:
    """Log a call the dispatcher starts taking by hand (F2) as the intake opens.

    As a ring is logged when the phone rings: the call is in the call log
    before anything is typed, waiting, with a note that it is being taken, so
    a session that dies meanwhile (kill -9, a dropped SSH link) leaves it
    there. Saving or closing the intake resolves this row; an intake closed
    untouched removes it (:func:`drop_untouched_call`). A background write
    (the person pressed F2 to take a call, not to save): with the database
    busy it gives up after a moment, and the save logs the call, so the save
    the person asks for next is not queued behind a full wait of this one.

    Returns:
        The call's id.
    """
    await check(ctx, Action.CALL_LOG)
    async with ctx.db.transaction(background=True):
        return await store.insert_call(
            ctx.db, received_at=received_at, raw_number="", e164=None, client_id=None,
            source=CallSource.MANUAL, outcome=CallOutcome.PENDING, handled_by=ctx.actor,
            note=stored("call.being_taken", session=this_session()),
        )  # fmt: skip


@saves
async def drop_untouched_call(ctx: Ctx, call_id: int) -> bool:
    """Remove the call an intake opened by hand (F2) and closed untouched: it was no call.

    Only a call still as :func:`open_call_by_hand` logged it (waiting, taken by
    hand, no number, no client, no job) goes.

    Returns:
        Whether it was removed.
    """
    await check(ctx, Action.CALL_LOG)
    async with ctx.db.transaction():
        call = await store.get_call(ctx.db, call_id)
        untouched = (
            call is not None
            and call.outcome is CallOutcome.PENDING
            and call.source is CallSource.MANUAL
            and not call.raw_number
            and call.client_id is None
            and call.job_id is None
        )
        if untouched:
            await store.delete_calls(ctx.db, [call_id])
        return untouched


@saves
async def keep_interrupted_call(
    ctx: Ctx, *, call_id: int, raw_number: str, client_id: int | None, typed: str = ""
) -> None:
    """Keep what was typed on a call whose session is ending (the terminal closed, SIGTERM).

    The call stays waiting (nobody handled it) with the number, the client
    found and the request typed, so the dispatcher takes it again from the
    call log; a call handled meanwhile is left alone.
    """
    await check(ctx, Action.CALL_LOG)
    note = stored("call.interrupted")
    if typed.strip():
        note = stored("call.interrupted_typed", text=typed.strip())
    async with ctx.db.transaction():
        call = await store.get_call(ctx.db, call_id)
        if call is None or call.outcome is not CallOutcome.PENDING:
            return
        raw, e164 = _number_if_none(call, raw_number, try_parse_phone(raw_number))
        await store.update_call(
            ctx.db, call_id, outcome=CallOutcome.PENDING, client_id=client_id, job_id=None,
            handled_by=ctx.actor, note=note, raw_number=raw, e164=e164,
        )  # fmt: skip


def _number_if_none(
    call: CallLogEntry, raw: str, e164: str | None
) -> tuple[str | None, str | None]:
    """The typed number, as ``(raw_number, e164)``, for a call taken by hand or logged without one.

    A call taken by hand (F2) is logged as the intake opens, before its number is
    typed; the number on its row is a draft, and what the field holds now
    replaces it, parseable or not (issue 13, G: a corrected number was lost).
    A reported call keeps the number the phone system gave (its extension
    too): ``(None, None)``, which ``update_call`` leaves as it is.
    """
    if call.source is not CallSource.MANUAL and (call.raw_number or call.e164):
        return None, None
    return raw.strip() or None, e164


@saves
async def log_unsaved_call(
    ctx: Ctx,
    *,
    raw_number: str,
    call_id: int | None,
    received_at: datetime | None,
    client_id: int | None,
    typed: str = "",
    own_call_if_handled: bool = False,
) -> int | None:
    """Log a call the dispatcher closed in the intake without saving a job.

    Every call that reached the intake ends in the call log with its outcome:
    a discarded one as information, its note saying it was closed without a
    job plus what was typed as the request. A call reported by ``ring`` that
    is still pending is closed that way; one already handled elsewhere is left
    alone. A call taken by hand is logged with whatever is known: the number,
    the client found by name, or neither (the screen asks only when something
    was typed or found; an untouched intake was no call).

    With ``own_call_if_handled`` (the intake), a request typed on a call
    handled elsewhere meanwhile is logged as a call of its own, so closing
    never loses it (issue 13, B); the other call is left as it is.

    Returns:
        The call's id, or None when nothing was logged (handled elsewhere).
    """
    await check(ctx, Action.CALL_LOG)
    note = stored("call.closed_without_job")
    if typed.strip():
        note = stored("call.closed_without_job_typed", text=typed.strip())
    async with ctx.db.transaction():
        if call_id is not None:
            call = await store.get_call(ctx.db, call_id)
            if call is None:
                return None
            if call.outcome is not CallOutcome.PENDING:
                if not (own_call_if_handled and typed.strip()):
                    return None
                call_id = await store.insert_call(
                    ctx.db, received_at=call.received_at,
                    raw_number=raw_number.strip() or call.raw_number,
                    e164=try_parse_phone(raw_number) or call.e164, client_id=client_id,
                    source=CallSource.MANUAL, outcome=CallOutcome.INFORMATION,
                    handled_by=ctx.actor, note=note,
                )  # fmt: skip
                await audit.record(ctx, "call", call_id, "closed_unsaved", outcome="information")
                return call_id
            # A call taken by hand (F2) was logged before its number was typed.
            raw, e164 = _number_if_none(call, raw_number, try_parse_phone(raw_number))
            await store.update_call(
                ctx.db, call_id, outcome=CallOutcome.INFORMATION, client_id=client_id,
                job_id=None, handled_by=ctx.actor, note=note, raw_number=raw, e164=e164,
            )  # fmt: skip
        else:
            call_id = await store.insert_call(
                ctx.db, received_at=received_at or ctx.clock.now(),
                raw_number=raw_number.strip(), e164=try_parse_phone(raw_number),
                client_id=client_id, source=CallSource.MANUAL,
                outcome=CallOutcome.INFORMATION, handled_by=ctx.actor, note=note,
            )  # fmt: skip
        await audit.record(ctx, "call", call_id, "closed_unsaved", outcome="information")
    return call_id


def held_by(call: CallLogEntry) -> str | None:
    """Who is taking ``call`` in an intake of a session that still lives; None: nobody.

    The session rule of :mod:`bbdispatch.services.call_sessions`: a waiting
    call whose note says it is being taken, by a session not known to have
    ended (one on another machine counts as living).
    """
    if call.outcome is not CallOutcome.PENDING:
        return None
    found = stored_code(call.note)
    if found is None or found[0] not in (*_BEING_TAKEN, RING_TAKEN):
        return None
    if session_ended(str(found[1].get("session", ""))) is True:
        return None
    return str(found[1].get("who", "")) or call.handled_by or _("another session")


RING_TAKEN = "call.being_taken_by"
"""The note of a reported call an intake holds open: its session, who, and the note before."""


def _note_before_claim(call: CallLogEntry) -> str | None:
    """The note a reported call had before an intake claimed it; None when it is not claimed."""
    found = stored_code(call.note)
    if found is None or found[0] != RING_TAKEN:
        return None
    return str(found[1].get("before", ""))


@saves
async def claim_call(ctx: Ctx, call_id: int) -> bool:
    """Mark a waiting reported call as taken by this session's intake (issue 13, B).

    ``calls mark`` then refuses it while the session lives (:func:`held_by`);
    the note it had is kept inside the claim and comes back when the intake
    is closed untouched (:func:`release_call`) or its session is gone.

    Returns:
        Whether the call was claimed (False: handled, or taken by hand).
    """
    await check(ctx, Action.CALL_LOG)
    async with ctx.db.transaction():
        call = await store.get_call(ctx.db, call_id)
        if call is None or call.outcome is not CallOutcome.PENDING:
            return False
        if call.source is not CallSource.RING:
            return False
        before = _note_before_claim(call)
        note = stored(
            RING_TAKEN, session=this_session(), who=ctx.actor,
            before=call.note if before is None else before,
        )  # fmt: skip
        await store.update_call(
            ctx.db, call_id, outcome=CallOutcome.PENDING, client_id=call.client_id,
            job_id=None, handled_by=call.handled_by, note=note,
        )  # fmt: skip
        return True


@saves
async def release_call(ctx: Ctx, call_id: int) -> None:
    """Give a reported call claimed by :func:`claim_call` back its note: it waits as it came.

    Only this session's claim: another intake that took the same call since holds it.
    """
    await check(ctx, Action.CALL_LOG)
    async with ctx.db.transaction():
        call = await store.get_call(ctx.db, call_id)
        before = _note_before_claim(call) if call is not None else None
        if call is None or call.outcome is not CallOutcome.PENDING or before is None:
            return
        found = stored_code(call.note)
        if found is None or found[1].get("session") != this_session():
            return
        await store.update_call(
            ctx.db, call_id, outcome=CallOutcome.PENDING, client_id=call.client_id,
            job_id=None, handled_by=call.handled_by, note=before,
        )  # fmt: skip


@saves
async def mark_call(
    ctx: Ctx, call_id: int, outcome: CallOutcome, note: str = "", *, force: bool = False
) -> None:
    """Close a pending call without a job: information only, or missed.

    A call an intake is taking in a living session (:func:`held_by`) is
    refused, naming who is taking it, unless ``force`` (issue 13, B: a call
    marked under an open intake cost its dispatcher the typed request).

    A missed call with a number to ring is put on the callback list at once
    (due now, "Missed call"), so marking it missed never drops it: the
    dispatcher calls back from the list and records what came of it. A call
    marked missed twice gets one callback.

    Raises:
        NotFound: no such call.
        DomainError: the call already has a job.
    """
    await check(ctx, Action.CALL_LOG, entity="call", entity_id=call_id)
    async with ctx.db.transaction():
        call = await store.get_call(ctx.db, call_id)
        if call is None:
            raise NotFound(_("No call {id}.").format(id=call_id))
        if call.job_id is not None:
            raise DomainError(_("This call already became job {id}.").format(id=call.job_id))
        taker = held_by(call)
        if taker is not None and not force:
            raise DomainError(
                _("Call {id} is being taken by {who}; --force marks it anyway.").format(
                    id=call_id, who=taker
                )
            )
        await store.update_call(
            ctx.db, call_id, outcome=outcome, client_id=None, job_id=None,
            handled_by=ctx.actor, note=typed(note) if note else call.note,
        )  # fmt: skip
        await audit.record(ctx, "call", call_id, "marked", outcome=outcome.value)
        reachable = call.e164 is not None or call.client_id is not None
        if (
            outcome is CallOutcome.MISSED
            and reachable
            and await callback_store.open_callback_of_call(ctx.db, call_id) is None
        ):
            from bbdispatch.services.callbacks import insert_callback_in_tx  # not for ``ring``

            missed = NewCallback(
                _("Missed call"), ctx.clock.now(), client_id=call.client_id, e164=call.e164,
                call_id=call_id,
            )  # fmt: skip
            await insert_callback_in_tx(ctx, missed)


async def get_call(ctx: Ctx, call_id: int) -> CallLogEntry:
    """One call of the log.

    Raises:
        NotFound: no such call.
    """
    await check(ctx, Action.CALL_LOG, entity="call", entity_id=call_id)
    call = await store.get_call(ctx.db, call_id)
    if call is None:
        raise NotFound(_("No call {id}.").format(id=call_id))
    return call


async def call_log(ctx: Ctx, limit: int = 300) -> list[CallRow]:
    """Every call, newest first, with the client's name where matched."""
    await check(ctx, Action.CALL_LOG)
    return await store.call_rows(ctx.db, limit)


def local_time(moment: datetime) -> str:
    """A call's time as the dispatcher reads it (Warsaw, ``24.11 09:42`` / ``24/11 09:42``)."""
    return format_local_short(moment)
