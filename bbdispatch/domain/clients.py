"""Clients and their phone numbers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ClientKind(StrEnum):
    """A company (invoiced with a NIP) or a private person (agreed prices)."""

    COMPANY = "company"
    PRIVATE = "private"


class ClientStatus(StrEnum):
    """Where a client stands with the firm."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    ARCHIVED = "archived"


@dataclass(frozen=True)
class ClientPhone:
    """One number a client calls from; one number may belong to several clients."""

    id: int
    client_id: int
    e164: str
    label: str = ""
    contact_person: str = ""


@dataclass(frozen=True)
class Client:
    """A company or a private person the firm works for."""

    id: int
    kind: ClientKind
    name: str
    nip: str | None
    street: str
    city: str
    postal_code: str
    email: str
    contact_person: str
    notes: str
    status: ClientStatus
    created_at: datetime
    phones: tuple[ClientPhone, ...] = field(default=())

    @property
    def address(self) -> str:
        """One-line postal address, the default site of an on-site job."""
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.street, town) if p)


@dataclass(frozen=True)
class NewClient:
    """What is needed to create a client; validated by the intake service."""

    kind: ClientKind
    name: str
    nip: str | None = None
    street: str = ""
    city: str = ""
    postal_code: str = ""
    email: str = ""
    contact_person: str = ""
    notes: str = ""
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
class ClientDetails:
    """Every editable field of a client; an edit replaces them all, phones included."""

    kind: ClientKind
    name: str
    nip: str | None = None
    street: str = ""
    city: str = ""
    postal_code: str = ""
    email: str = ""
    contact_person: str = ""
    notes: str = ""
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


def search_words(text: str) -> list[str]:
    """The folded words of a search (``Łódź  serwis`` → ``["lodz", "serwis"]``)."""
    return [w for w in search_key(text).split() if w]


def search_place(city: str, email: str, contact: str = "") -> str:
    """What a client search also matches besides the name: the folded city, e-mail and contact.

    ``Łódź``, ``biuro@lis.pl``, ``Halina Nowak`` → ``lodz biuro@lis.pl halina nowak``;
    kept beside the folded name (``client.search_place``) so the search index
    finds a client by any of them (migration 022 added the contact person).
    """
    return search_key(" ".join(t.strip() for t in (city, email, contact) if t.strip()))


def search_key(text: str) -> str:
    """Fold a name for accent- and case-insensitive search (``Łódź`` → ``lodz``)."""
    folded = text.casefold().replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
