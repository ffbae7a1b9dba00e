"""The callback list: calls nobody handled yet and promises to call back.

The dispatcher works through it from the most urgent; the board shows how
many are due. A callback is made from the intake ("call back" instead of a
job), from the call log or the client page; finishing it records what came of
it, audited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bbdispatch.domain.callbacks import Callback, NewCallback
from bbdispatch.domain.calls import CallLogEntry
from bbdispatch.domain.errors import DomainError, FieldError, NotFound
from bbdispatch.domain.messages import shown, stored, typed
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.erased import refuse_if_erased
from bbdispatch.services.rights import check
from bbdispatch.services.rings import waiting_calls
from bbdispatch.services.saving import saves
from bbdispatch.storage import callbacks as store
from bbdispatch.storage import calls as call_store
from bbdispatch.storage import clients as client_store


@dataclass(frozen=True)
class CallbackList:
    """What is waiting for the dispatcher: unhandled calls, then callbacks by time."""

    waiting_calls: list[CallLogEntry]
    """Calls waiting for a dispatcher, oldest first (the rule: ``rings.waiting_calls``)."""
    callbacks: list[Callback]
    """Callbacks not made yet, the most urgent first."""


def check_callback(new: NewCallback) -> NewCallback:
    """Check a callback before saving.

    Raises:
        FieldError: no reason (``reason``), or nobody to call (``client``).
    """
    if not new.reason.strip():
        raise FieldError("reason", _("Say why to call back."))
    if new.client_id is None and not new.e164:
        raise FieldError("client", _("A callback needs a client or a number."))
    return replace(new, reason=new.reason.strip(), name=new.name.strip())


async def insert_callback_in_tx(ctx: Ctx, new: NewCallback) -> int:
    """Record a callback inside the caller's transaction (the intake saves it with the call)."""
    new = check_callback(new)
    await refuse_if_erased(ctx, new.client_id)
    callback_id = await store.insert_callback(ctx.db, new, ctx.actor, ctx.clock.now())
    await audit.record(
        ctx, "callback", callback_id, "created", client_id=new.client_id, call_id=new.call_id,
        due_at=new.due_at.isoformat(),
    )  # fmt: skip
    return callback_id


@saves
async def add_callback(ctx: Ctx, new: NewCallback) -> int:
    """Promise a callback; returns its id.

    A time already past is refused (the current minute is not past: "now"
    is a time). A callback for a client without a number takes the client's
    main number (its first), so the callback list always shows whom to ring.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        NotFound: no such client.
        FieldError: no reason (``reason``), nobody to call (``client``), a time
            already past (``due``), or a client with no number and none given
            (``phone``).
    """
    await check(ctx, Action.CALL_LOG)
    new = check_callback(new)
    if new.due_at < ctx.clock.now().replace(second=0, microsecond=0):
        raise FieldError("due", _("That time has passed: give a later one."))
    async with ctx.db.transaction():
        if new.client_id is not None and not new.e164:
            new = replace(new, e164=await _main_number(ctx, new.client_id))
        return await insert_callback_in_tx(ctx, new)


async def _main_number(ctx: Ctx, client_id: int) -> str:
    """The client's main number (its first) for a callback that names no number.

    Raises:
        NotFound: no such client.
        FieldError: the client has no number (``phone``).
    """
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    if not client.phones:
        raise FieldError(
            "phone",
            _("{name} has no phone number: give the number to call.").format(name=client.name),
        )
    return client.phones[0].e164


async def callback_list(ctx: Ctx) -> CallbackList:
    """Unhandled calls and open callbacks.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
    """
    await check(ctx, Action.CALL_LOG)
    return CallbackList(
        waiting_calls=await waiting_calls(ctx),
        callbacks=await store.open_callbacks(ctx.db),
    )


async def due_count(ctx: Ctx, now: datetime | None = None) -> int:
    """How many callbacks are due: promised ones whose time has come.

    Waiting calls are counted apart (:func:`bbdispatch.services.rings.waiting_calls`),
    by the rule F3 opens them with, so the board's two counts each say what a key opens.
    """
    await check(ctx, Action.CALL_LOG)
    return await store.due_count(ctx.db, now or ctx.clock.now())


RETRY_DELAY = timedelta(hours=1)
"""Nobody answered and no time was given: the callback is due again in an hour."""


async def _open_callback(ctx: Ctx, callback_id: int) -> Callback:
    found = await store.get_callback(ctx.db, callback_id)
    if found is None:
        raise NotFound(_("No callback {id}.").format(id=callback_id))
    if found.done_at is not None:
        raise DomainError(
            _("{who} already made this callback.").format(who=found.done_by or _("Someone"))
        )
    return found


@saves
async def finish_callback(ctx: Ctx, callback_id: int, outcome: str) -> None:
    """Record that a callback was made and what came of it.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        FieldError: nothing said about the outcome (``outcome``).
        NotFound: no such callback.
        DomainError: it was already made.
    """
    await check(ctx, Action.CALL_LOG)
    if not outcome.strip():
        raise FieldError("outcome", _("Say what came of the call."))
    async with ctx.db.transaction():
        await _open_callback(ctx, callback_id)
        await store.finish_callback(
            ctx.db, callback_id, ctx.actor, ctx.clock.now(), typed(outcome.strip())
        )
        await audit.record(ctx, "callback", callback_id, "done", outcome=outcome.strip())


@saves
async def attempt_callback(
    ctx: Ctx, callback_id: int, note: str = "", retry_at: datetime | None = None
) -> Callback:
    """Record a try that reached nobody: the callback stays open, due again later.

    The one "no answer" path for the call list, the callback screen and the
    ``callbacks attempt`` command. Only "done" (:func:`finish_callback`) or
    "called off" (:func:`call_off`) closes a callback. The try is counted on
    the callback (with its time and note) and audited (``no_answer``); the
    callback is due again at ``retry_at`` (UTC, not in the past), by default in
    :data:`RETRY_DELAY`.

    Returns:
        The callback after the try.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        FieldError: a retry time in the past (``retry``).
        NotFound: no such callback.
        DomainError: it was already closed.
    """
    await check(ctx, Action.CALL_LOG)
    now = ctx.clock.now()
    if retry_at is not None and retry_at < now.replace(second=0, microsecond=0):
        raise FieldError("retry", _("That time has passed: give a later one."))
    due = retry_at or now + RETRY_DELAY
    text = (
        stored("callback.no_answer_typed", text=note.strip())
        if note.strip()
        else stored("callback.no_answer")
    )
    async with ctx.db.transaction():
        found = await _open_callback(ctx, callback_id)
        await store.record_attempt(ctx.db, callback_id, now, text, due)
        await audit.record(
            ctx, "callback", callback_id, "no_answer", note=note.strip(),
            due_at={"from": found.due_at.isoformat(), "to": due.isoformat()},
        )  # fmt: skip
        after = await store.get_callback(ctx.db, callback_id)
    assert after is not None
    return after


@saves
async def call_off(ctx: Ctx, callback_id: int, reason: str = "") -> None:
    """Close a callback that is no longer needed (the client called again, wrong number).

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        NotFound: no such callback.
        DomainError: it was already closed.
    """
    await check(ctx, Action.CALL_LOG)
    text = (
        stored("callback.called_off_typed", text=reason.strip())
        if reason.strip()
        else stored("callback.called_off")
    )
    async with ctx.db.transaction():
        await _open_callback(ctx, callback_id)
        await store.finish_callback(ctx.db, callback_id, ctx.actor, ctx.clock.now(), text)
        await audit.record(ctx, "callback", callback_id, "called_off", reason=reason.strip())


@saves
async def note_call(ctx: Ctx, call_id: int, note: str) -> None:
    """Write (or correct) the note of any call, audited; the same note again changes nothing.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        NotFound: no such call.
    """
    await check(ctx, Action.CALL_LOG)
    async with ctx.db.transaction():
        call = await call_store.get_call(ctx.db, call_id)
        if call is None:
            raise NotFound(_("No call {id}.").format(id=call_id))
        if note.strip() in (call.note or "", shown(call.note or "")):
            return
        await call_store.set_call_note(ctx.db, call_id, typed(note.strip()))
        await audit.record(
            ctx, "call", call_id, "noted", note={"from": call.note, "to": note.strip()}
        )
