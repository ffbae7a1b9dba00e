"""Creating and finding clients."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from bbdispatch.domain.client_details import ClientDetails, NewClient, PhoneLine
from bbdispatch.domain.clients import Client, ClientKind, ClientStatus, search_as_typed_number
from bbdispatch.domain.errors import DomainError, FieldError, NotFound
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _, ngettext
from bbdispatch.phones import InvalidPhoneNumber, format_for_display, parse_phone
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.erased import refuse_if_erased
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import audit as audit_store
from bbdispatch.storage import clients as store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.taxid import InvalidNip, parse_nip

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
"""A plausible e-mail address: something@domain.tld, no spaces."""
POSTAL_CODE = re.compile(r"^[0-9]{2}-[0-9]{3}$")
"""A Polish postal code, ``NN-NNN`` in ASCII digits (``\\d`` would take ``１２-３４５`` too)."""
FIELD_LIMITS: dict[str, int] = {
    "name": 200, "nip": 20, "street": 200, "postal_code": 10, "city": 100,
    "email": 254, "contact_person": 200, "notes": 4000, "phone_label": 60,
    "phone_contact": 200,
}  # fmt: skip
"""The longest text each client field takes, in characters (after trimming).

Generous for real data (an e-mail address is at most 254 by RFC 5321, a
company's full name rarely passes 150), small enough that a pasted page or a
runaway script is refused at the field instead of filling screens and statements.
"""


def check_length(field: str, text: str, limit_key: str | None = None) -> None:
    """Refuse a field's text longer than :data:`FIELD_LIMITS` allows, naming the field.

    ``limit_key`` picks another limit than the field's own (a phone's label).

    Raises:
        FieldError: ``field``, saying the limit and how much was given.
    """
    limit = FIELD_LIMITS[limit_key or field]
    length = len(text.strip())
    if length > limit:
        raise FieldError(
            field,
            _("Too long: at most {limit} characters, not {length}.").format(
                limit=limit, length=length
            ),
        )


def postal_code_of(text: str) -> str:
    """A postal code as stored: trimmed, with ASCII digits and hyphen; empty stays empty.

    A code typed in full-width digits (``１２-３４５``, an East Asian input
    method) is the same code and is stored as ``12-345`` (Unicode NFKC);
    any other text that is not ``NN-NNN`` is refused, as typed.

    Raises:
        FieldError: ``postal_code``, the text is not a Polish postal code.
    """
    postal = unicodedata.normalize("NFKC", text).strip()
    if postal and not POSTAL_CODE.match(postal):
        raise FieldError(
            "postal_code",
            _("A postal code looks like 00-950, not {text}.").format(text=text.strip()),
        )
    return postal


def _check_lengths(**fields: str | None) -> None:
    """:func:`check_length` for each field given by name (``None`` is empty)."""
    for field, text in fields.items():
        check_length(field, text or "")


def private_nip_message() -> str:
    """Why a NIP is refused for a private person, and the two ways on.

    A private person has no NIP; a NIP given for one means the kind or the
    number is a mistake, so the office hears it at the NIP field (the command
    line: exit 2 naming the flag) rather than losing the number silently.
    """
    return _("A private person has no NIP: clear the NIP, or make the client a company.")


def validate_new_client(new: NewClient) -> NewClient:
    """Check and normalise a new client (NIP digits, trimmed text).

    Raises:
        DomainError: the name is missing or the NIP is invalid.
        FieldError: ``postal_code`` is not a Polish postcode (``NN-NNN``); ``nip``
            given for a private person.
    """
    name = new.name.strip()
    if not name:
        raise DomainError(_("Enter the client's name."))
    _check_lengths(
        name=new.name, nip=new.nip, street=new.street, postal_code=new.postal_code,
        city=new.city, email=new.email, contact_person=new.contact_person, notes=new.notes,
    )  # fmt: skip
    nip = parse_nip(new.nip) if new.nip and new.nip.strip() else None
    if nip and new.kind is ClientKind.PRIVATE:
        raise FieldError("nip", private_nip_message())
    postal_code_of(new.postal_code)
    return normalized_client(new)


def normalized_client(new: NewClient) -> NewClient:
    """A new client as stored: name, e-mail and postcode trimmed, the NIP as its ten digits.

    The postcode's full-width digits become ASCII (:func:`postal_code_of`).

    For a client already checked (:func:`client_field_problems` found nothing),
    so an import checks each row once, not twice.

    Raises:
        InvalidNip: the NIP is invalid (only for a client never checked).
    """
    nip = parse_nip(new.nip) if new.nip and new.nip.strip() else None
    return replace(
        new, name=new.name.strip(), nip=nip, email=new.email.strip(),
        postal_code=unicodedata.normalize("NFKC", new.postal_code).strip(),
    )  # fmt: skip


def client_field_problems(new: NewClient) -> list[FieldError]:
    """Every problem :func:`validate_new_client` would find, each with its field.

    Why: an import file shows all bad fields of a row at once, not the first
    one per run. Returns an empty list when the client is fine; fields are
    ``name``, any that is too long (:data:`FIELD_LIMITS`), ``nip`` and
    ``postal_code``, in that order.
    """
    problems: list[FieldError] = []
    if not new.name.strip():
        problems.append(FieldError("name", _("Enter the client's name.")))
    texts = {
        "name": new.name, "nip": new.nip, "street": new.street,
        "postal_code": new.postal_code, "city": new.city, "email": new.email,
        "contact_person": new.contact_person, "notes": new.notes,
    }  # fmt: skip
    too_long: set[str] = set()  # their shape is not checked: one message a field
    for field, text in texts.items():
        try:
            check_length(field, text or "")
        except FieldError as err:
            too_long.add(field)
            problems.append(err)
    if new.nip and new.nip.strip() and "nip" not in too_long:
        try:
            parse_nip(new.nip)
        except InvalidNip as err:
            problems.append(FieldError("nip", str(err)))
        else:
            if new.kind is ClientKind.PRIVATE:
                problems.append(FieldError("nip", private_nip_message()))
    if "postal_code" not in too_long:
        try:
            postal_code_of(new.postal_code)
        except FieldError as err:
            problems.append(err)
    return problems


@saves
async def create_client(ctx: Ctx, new: NewClient) -> int:
    """Save a new client (a prospect unless told otherwise), audited.

    Raises:
        DomainError: invalid data, or the NIP belongs to another client already.
    """
    await check(ctx, Action.CLIENT_EDIT)
    new = validate_new_client(new)
    async with ctx.db.transaction():
        if new.nip:
            existing = await store.client_by_nip(ctx.db, new.nip)
            if existing:
                raise DomainError(
                    _("NIP {nip} already belongs to {name}.").format(
                        nip=new.nip, name=existing.name
                    )
                )
        client_id = await store.insert_client(ctx.db, new, ctx.clock.now())
        await audit.record(ctx, "client", client_id, "created", name=new.name, kind=new.kind.value)
    return client_id


@saves
async def add_phone(ctx: Ctx, client_id: int, e164: str, label: str = "") -> None:
    """Attach a new number to a client (the client called from a new phone)."""
    await check(ctx, Action.CLIENT_EDIT, entity="client", entity_id=client_id)
    async with ctx.db.transaction():
        await refuse_if_erased(ctx, client_id)
        await store.add_phone(ctx.db, client_id, e164, label)
        await audit.record(ctx, "client", client_id, "phone_added", e164=e164)


async def get_client(ctx: Ctx, client_id: int) -> Client:
    """One client.

    Raises:
        NotFound: no such client.
    """
    await check(ctx, Action.CLIENT_VIEW, entity="client", entity_id=client_id)
    client = await store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    return client


async def clients_by_phone(ctx: Ctx, e164: str) -> list[Client]:
    """Every client a number belongs to."""
    await check(ctx, Action.CLIENT_VIEW)
    return await store.clients_by_phone(ctx.db, e164)


async def search_clients(ctx: Ctx, text: str, limit: int = 20) -> list[Client]:
    """Find clients by every word of the text (any order, Polish letters or not), NIP or phone.

    A NIP as ``PL5260250274`` and a phone as ``0048 …`` are found as the plain
    NIP and ``+48 …`` (:func:`~bbdispatch.domain.clients.search_as_typed_number`).
    """
    await check(ctx, Action.CLIENT_VIEW)
    if not text.strip():
        return []
    return await store.search_clients_by_words(ctx.db, search_as_typed_number(text), limit)


async def list_clients(ctx: Ctx, text: str = "", limit: int = 10_000) -> list[Client]:
    """Clients for the office's list: all of them, or those matching every word of ``text``.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
    """
    await check(ctx, Action.CLIENT_VIEW)
    if not text.strip():
        return (await store.all_clients(ctx.db))[:limit]
    return await store.search_clients_by_words(ctx.db, search_as_typed_number(text), limit)


def check_details(details: ClientDetails) -> ClientDetails:
    """Check and normalise every field of a client, naming the first field that is wrong.

    The same checks as the intake's new-client form: a name, a NIP that passes
    python-stdnum (a company's; a private person has none, and a NIP given
    for one is refused, never dropped without a word), a postal code
    ``NN-NNN``, an e-mail address, and phones that phonenumbers accepts (stored
    E.164, a number listed once).

    Every text has a length limit (:data:`FIELD_LIMITS`), checked first.

    Raises:
        FieldError: ``name``, ``nip``, ``street``, ``postal_code``, ``city``,
            ``email``, ``contact_person``, ``notes`` or ``phone``.
    """
    name = details.name.strip()
    if not name:
        raise FieldError("name", _("Enter the client's name."))
    _check_lengths(
        name=details.name, nip=details.nip, street=details.street,
        postal_code=details.postal_code, city=details.city, email=details.email,
        contact_person=details.contact_person, notes=details.notes,
    )  # fmt: skip
    for phone in details.phones:
        check_length("phone", phone.e164, "phone_contact")
        check_length("phone", phone.label, "phone_label")
        check_length("phone", phone.contact_person, "phone_contact")
    nip = None
    if details.nip and details.nip.strip():
        try:
            nip = parse_nip(details.nip)
        except InvalidNip as err:
            raise FieldError("nip", str(err)) from err
        if details.kind is ClientKind.PRIVATE:
            raise FieldError("nip", private_nip_message())
    postal = postal_code_of(details.postal_code)
    email = details.email.strip()
    if email and not EMAIL.match(email):
        raise FieldError("email", _("Not an e-mail address: {e}").format(e=email))
    phones: list[PhoneLine] = []
    for phone in details.phones:
        try:
            e164 = parse_phone(phone.e164)
        except InvalidPhoneNumber as err:
            raise FieldError("phone", str(err)) from err
        if any(p.e164 == e164 for p in phones):
            continue
        phones.append(PhoneLine(e164, phone.label.strip(), phone.contact_person.strip()))
    return replace(
        details, name=name, nip=nip, postal_code=postal, email=email,
        street=details.street.strip(), city=details.city.strip(),
        contact_person=details.contact_person.strip(), notes=details.notes.strip(),
        phones=tuple(phones),
    )  # fmt: skip


class DuplicateClient(FieldError):
    """The client being added is there already: a private person of that name and number.

    A refusal that may be overridden on purpose (two people of one name sharing
    a family phone): the command line's ``--duplicate``, the intake's second save.
    """

    def __init__(self, existing: Client, e164: str) -> None:
        super().__init__(
            "name",
            _(
                "{name} with the number {phone} is client {id} already: use that client,"
                " or add a second one on purpose."
            ).format(name=existing.name, phone=format_for_display(e164), id=existing.id),
        )
        self.existing = existing
        """The client already there."""
        self.e164 = e164
        """The number they share."""


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


async def duplicate_refusal(
    ctx: Ctx, kind: ClientKind, name: str, phones: Sequence[str]
) -> DuplicateClient | None:
    """The refusal of an exact duplicate private person, or None: the one rule of every front end.

    A private person is known by name and phone (no NIP): one of the same name
    (case and spacing ignored) who has one of these numbers already is the same
    person, most likely. Companies are told apart by NIP (:func:`_nip_free`).
    """
    if kind is not ClientKind.PRIVATE:
        return None
    for e164 in phones:
        for client in await store.clients_by_phone(ctx.db, e164):
            if client.kind is ClientKind.PRIVATE and _same_name(client.name, name):
                return DuplicateClient(client, e164)
    return None


@saves
async def add_client(ctx: Ctx, details: ClientDetails, *, duplicate: bool = False) -> int:
    """Create a client (a prospect until a contract is signed), audited.

    ``duplicate`` adds a private person although one of the same name and
    number is there already (:func:`duplicate_refusal`).

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        FieldError: a field is wrong, or the NIP belongs to another client.
        DuplicateClient: the same private person is there already.
        ClientErased: the client's data was erased meanwhile.
    """
    details = check_details(details)
    await check(ctx, Action.CLIENT_EDIT)
    async with ctx.db.transaction():
        if not duplicate:
            refused = await duplicate_refusal(
                ctx, details.kind, details.name, [p.e164 for p in details.phones]
            )
            if refused is not None:
                raise refused
        return await add_client_in_tx(ctx, details)


async def check_new_client(ctx: Ctx, details: ClientDetails) -> ClientDetails:
    """Everything :func:`add_client` would refuse, without saving: the details, normalised.

    A form that saves the client only with something else (the intake's new
    caller signing a contract) asks this before it opens the next step, so the
    refusal shows at the field while nothing is saved yet.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        FieldError: a field is wrong, or the NIP belongs to another client.
    """
    details = check_details(details)
    await check(ctx, Action.CLIENT_EDIT)
    await _nip_free(ctx, details.nip, None)
    return details


async def add_client_in_tx(ctx: Ctx, details: ClientDetails) -> int:
    """Insert checked details (:func:`check_details`) as a prospect, audited, in a transaction.

    The caller owns the transaction (:func:`add_client`, or signing for a new client).

    Raises:
        FieldError: the NIP belongs to another client.
    """
    new = NewClient(
        kind=details.kind, name=details.name, nip=details.nip, street=details.street,
        city=details.city, postal_code=details.postal_code, email=details.email,
        contact_person=details.contact_person, notes=details.notes,
    )  # fmt: skip
    await _nip_free(ctx, details.nip, None)
    client_id = await store.insert_client(ctx.db, new, ctx.clock.now())
    await store.replace_phones(ctx.db, client_id, details.phones)
    await audit.record(ctx, "client", client_id, "created", name=new.name, kind=new.kind.value)
    return client_id


@saves
async def edit_client(ctx: Ctx, client_id: int, details: ClientDetails) -> list[str]:
    """Save a client's corrected details; each changed field is audited with old and new.

    Returns:
        The names of the fields that changed (``phones`` for any phone change).

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        NotFound: no such client.
        FieldError: a field is wrong, or the NIP belongs to another client.
    """
    details = check_details(details)
    await check(ctx, Action.CLIENT_EDIT)
    async with ctx.db.transaction():
        # A form opened before another admin erased this client holds what was erased.
        await refuse_if_erased(ctx, client_id)
        client = await store.get_client(ctx.db, client_id)
        if client is None:
            raise NotFound(_("No client with id {id}.").format(id=client_id))
        await _nip_free(ctx, details.nip, client_id)
        old = _fields(ClientDetails.of(client))
        new = _fields(details)
        changed = {k: {"from": old[k], "to": v} for k, v in new.items() if old[k] != v}
        if not changed:
            return []
        await store.update_client(ctx.db, client_id, details)
        await audit.record(ctx, "client", client_id, "edited", **changed)
    return sorted(changed)


@saves
async def archive_client(ctx: Ctx, client_id: int, archived: bool = True) -> ClientStatus:
    """Archive a client (kept with all its history, out of the way) or reactivate one.

    A reactivated client gets back the status it had when it was archived (an
    active private person without a contract stays active); when the trail no
    longer says (erased details, archived by an import), it is active if it has
    a contract, else a prospect. Returns the new status. A client with open jobs is not archived: a
    technician may still be on the way, and an archived client's jobs would
    drop out of sight; the refusal says how many jobs and which, so the
    dispatcher closes or cancels them first.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        NotFound: no such client.
        DomainError: already archived (or not archived, to reactivate), or
            open jobs are left.
    """
    await check(ctx, Action.CLIENT_EDIT)
    async with ctx.db.transaction():
        if not archived:  # an erased client kept for accounting is never brought back
            await refuse_if_erased(ctx, client_id)
        client = await store.get_client(ctx.db, client_id)
        if client is None:
            raise NotFound(_("No client with id {id}.").format(id=client_id))
        if archived == (client.status is ClientStatus.ARCHIVED):
            raise DomainError(
                _("{name} is already archived.").format(name=client.name)
                if archived
                else _("{name} is not archived.").format(name=client.name)
            )
        if archived:
            await _no_open_jobs(ctx, client)
            status = ClientStatus.ARCHIVED
        else:
            status = await _status_before_archiving(ctx, client_id)
        await store.set_status(ctx.db, client_id, status)
        await audit.record(
            ctx, "client", client_id, "archived" if archived else "reactivated",
            status={"from": client.status.value, "to": status.value},
        )  # fmt: skip
    return status


async def _status_before_archiving(ctx: Ctx, client_id: int) -> ClientStatus:
    """The status the client had when it was last archived (its audit trail says).

    Falls back to active with a contract, else prospect, when no archiving is on
    the trail with its status.
    """
    for entry in reversed(await audit_store.audit_for(ctx.db, "client", client_id)):
        if entry.action != "archived":
            continue
        change = entry.detail.get("status")
        before = change.get("from") if isinstance(change, dict) else None
        if before in {s.value for s in ClientStatus} and before != ClientStatus.ARCHIVED.value:
            return ClientStatus(before)
        break
    has_contract = bool(await contract_store.contracts_of(ctx.db, client_id))
    return ClientStatus.ACTIVE if has_contract else ClientStatus.PROSPECT


async def _no_open_jobs(ctx: Ctx, client: Client) -> None:
    """Refuse to archive a client whose jobs are still open, naming them.

    Raises:
        DomainError: how many open jobs and their numbers.
    """
    rows = await job_store.job_rows_filtered(ctx.db, open_only=True, client_id=client.id)
    if rows:
        raise DomainError(open_jobs_refusal(client.name, [r.job.number for r in rows]))


def open_jobs_refusal(name: str, numbers: list[str]) -> str:
    """Why a client with open jobs is not archived: how many, which (the first five).

    The client page says it before asking anything; the service says it to
    every other front end.
    """
    from bbdispatch.formats import format_number_mark  # not on the phone path (issue 13)

    shown = ", ".join(format_number_mark(n) for n in numbers[:5]) + (
        ", …" if len(numbers) > 5 else ""
    )
    return ngettext(
        "{name} has {n} open job ({jobs}): close or cancel it before archiving.",
        "{name} has {n} open jobs ({jobs}): close or cancel them before archiving.",
        len(numbers),
    ).format(name=name, n=len(numbers), jobs=shown)


async def _nip_free(ctx: Ctx, nip: str | None, client_id: int | None) -> None:
    if not nip:
        return
    existing = await store.client_by_nip(ctx.db, nip)
    if existing is not None and existing.id != client_id:
        raise FieldError(
            "nip", _("NIP {nip} already belongs to {name}.").format(nip=nip, name=existing.name)
        )


def _fields(details: ClientDetails) -> dict[str, object]:
    """A client's details as plain values for the audit trail."""
    return {
        "kind": details.kind.value,
        "name": details.name,
        "nip": details.nip,
        "street": details.street,
        "city": details.city,
        "postal_code": details.postal_code,
        "email": details.email,
        "contact_person": details.contact_person,
        "notes": details.notes,
        "phones": [[p.e164, p.label, p.contact_person] for p in details.phones],
    }
