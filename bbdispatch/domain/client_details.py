"""What a form or a command gives to create or change a client: fields and phones.

Apart from :mod:`bbdispatch.domain.clients` so that the phone path (``ring``,
``lookup``), which reads clients but never writes one, does not build them at
import (see :mod:`bbdispatch.domain.job_edits`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bbdispatch.domain.clients import Client, ClientKind, ClientStatus


@dataclass(frozen=True)
class ClientFields:
    """A client's own fields, as a form or command gives them (phones apart).

    Shared by :class:`NewClient` and :class:`ClientDetails`, which differ only in
    status and in how they carry phones; field order is their positional order.
    """

    kind: ClientKind
    name: str
    nip: str | None = None
    street: str = ""
    city: str = ""
    postal_code: str = ""
    email: str = ""
    contact_person: str = ""
    notes: str = ""


@dataclass(frozen=True)
class NewClient(ClientFields):
    """What is needed to create a client; validated by the intake service."""

    status: ClientStatus = ClientStatus.PROSPECT
    phones: tuple[tuple[str, str], ...] = ()
    """(E.164, label) pairs."""


@dataclass(frozen=True)
class PhoneLine:
    """One phone of a client as a form or command gives it: number, label, contact person."""

    e164: str
    label: str = ""
    contact_person: str = ""


@dataclass(frozen=True)
class ClientDetails(ClientFields):
    """Every editable field of a client; an edit replaces them all, phones included."""

    phones: tuple[PhoneLine, ...] = ()

    @classmethod
    def of(cls, client: Client) -> ClientDetails:
        """The details of a stored client, to change some and save them back."""
        return cls(
            kind=client.kind, name=client.name, nip=client.nip, street=client.street,
            city=client.city, postal_code=client.postal_code, email=client.email,
            contact_person=client.contact_person, notes=client.notes,
            phones=tuple(PhoneLine(p.e164, p.label, p.contact_person) for p in client.phones),
        )  # fmt: skip
