"""Does a referenced record exist? One answer for every front end that takes ids typed by hand.

The command line takes ids and logins from scripts and people (``--client 999``,
``jobs edit 999``, ``--tech bogdan``); a reference to nothing must be refused
before a service writes anything, with a message that names what is missing
(not the database's foreign-key error, which names neither the flag nor the id).
"""

from __future__ import annotations

from enum import Enum

from bbdispatch.domain.ids import is_id
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import N_, _
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import reaches_only_own
from bbdispatch.storage import callbacks as callback_store
from bbdispatch.storage import calls as call_store
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import people as people_store
from bbdispatch.storage import work as work_store


class Ref(Enum):
    """What kind of record an argument refers to."""

    CLIENT = "client"
    JOB = "job"
    CONTRACT = "contract"
    CALL = "call"
    CALLBACK = "callback"
    PERSON = "person"
    """By OS login (``--tech``, ``--to``); only active people count."""
    ENTRY = "entry"


_MISSING = {
    Ref.CLIENT: N_("No client with id {id}."),
    Ref.JOB: N_("No job {id}."),
    Ref.CONTRACT: N_("No contract with id {id}."),
    Ref.CALL: N_("No call {id}."),
    Ref.CALLBACK: N_("No callback {id}."),
    Ref.ENTRY: N_("No work entry {id}."),
}
"""What :func:`missing` says of each kind of record that is not there (translated when said)."""

_OWN_ACTION = {Ref.JOB: Action.JOB_VIEW, Ref.ENTRY: Action.TIME_VIEW}
"""The references a technician reaches only as their own, and the right that says so."""


async def missing(ctx: Ctx, kind: Ref, key: int | str) -> str | None:
    """Why the reference points at nothing, or ``None`` when the record exists.

    Args:
        ctx: the service context (its database).
        kind: the kind of record.
        key: its id (a whole number), or a login for :attr:`Ref.PERSON`.

    Returns:
        A translated sentence for the person at the keyboard (``No job 999.``),
        or ``None``. Rights are not checked here: the services that act on the
        record check them as before. A job or work entry is not looked up for
        someone whose right reaches only their own (a technician): the service's
        :func:`~bbdispatch.services.rights.check_job` / ``check_entry`` answers
        them, with one line whether it is missing or someone else's, so this
        answer cannot tell the two apart.
    """
    db = ctx.db
    if kind in _OWN_ACTION and await reaches_only_own(ctx, _OWN_ACTION[kind]):
        return None
    if kind is Ref.PERSON:
        person = await people_store.person_by_login(db, str(key))
        if person is None or not person.active:
            return _("Login {login} is not a bbdispatch user.").format(login=key)
        return None
    ident = int(key)
    text = _(_MISSING[kind])
    if not is_id(ident):  # no record has it, and the drivers refuse to look it up
        return text.format(id=ident)
    if kind is Ref.CLIENT:
        found: object = await client_store.get_client(db, ident)
    elif kind is Ref.JOB:
        found = await job_store.get_job(db, ident)
    elif kind is Ref.CONTRACT:
        found = await contract_store.get_contract(db, ident)
    elif kind is Ref.CALL:
        found = await call_store.get_call(db, ident)
    elif kind is Ref.CALLBACK:
        found = await callback_store.get_callback(db, ident)
    else:
        found = await work_store.get_entry(db, ident)
    return None if found is not None else text.format(id=ident)
