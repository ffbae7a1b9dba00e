"""Clients and their phone numbers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bbdispatch.i18n import N_, NP_, Labels


class ClientKind(StrEnum):
    """A company (invoiced with a NIP) or a private person (agreed prices)."""

    COMPANY = "company"
    PRIVATE = "private"


CLIENT_KIND_LABEL = Labels(
    {ClientKind.COMPANY: N_("company"), ClientKind.PRIVATE: N_("private person")}
)
"""A client's kind: *firma*, *osoba prywatna* (here, not in :mod:`bbdispatch.domain.labels`,
so ``bbdispatch lookup`` shows it without loading every other table and the job lifecycle)."""


class ClientStatus(StrEnum):
    """Where a client stands with the firm."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    ARCHIVED = "archived"


CLIENT_STATUS_LABEL = Labels(
    {
        ClientStatus.PROSPECT: NP_("client", "prospect"),
        ClientStatus.ACTIVE: NP_("client", "active"),
        ClientStatus.ARCHIVED: NP_("client", "archived"),
    },
    context="client",
)
"""A client's status, agreeing with *klient*: *potencjalny*, *aktywny*, *zarchiwizowany*
(here, like :data:`CLIENT_KIND_LABEL`, so ``bbdispatch lookup`` shows it cheaply)."""


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


def search_words(text: str) -> list[str]:
    """The folded words of a search (``Łódź  serwis`` → ``["lodz", "serwis"]``)."""
    return [w for w in search_key(text).split() if w]


_NUMBER_MARKS = " +-()/."
"""What people type between the digits of a number: spaces, dashes, brackets, dots."""


def search_as_typed_number(text: str) -> str:
    """A search that is a NIP or a phone number in another common form, as the search finds it.

    ``PL5260250274`` / ``PL 526-025-02-74`` (the EU VAT form of a NIP) →
    ``5260250274``; ``0048 601 234 567`` (the international prefix dialled as
    00) → ``+48 601 234 567``. Anything else is returned as it was: names,
    partial numbers, ``+48 …`` (already found).
    """
    stripped = text.strip()
    rest = stripped[2:] if stripped[:2].casefold() == "pl" else None
    if rest is not None:
        digits = "".join(c for c in rest if c.isdigit())
        if len(digits) == 10 and all(c.isdigit() or c in _NUMBER_MARKS for c in rest):
            return digits
    digits = "".join(c for c in stripped if c.isdigit())
    if (
        stripped.startswith("00")
        and len(digits) > 4
        and all(c.isdigit() or c in _NUMBER_MARKS for c in stripped)
    ):
        return "+" + stripped[2:].lstrip()
    return text


def search_place(city: str, email: str, contact: str = "") -> str:
    """What a client search also matches besides the name: the folded city, e-mail and contact.

    ``Łódź``, ``biuro@lis.pl``, ``Halina Nowak`` → ``lodz biuro@lis.pl halina nowak``;
    kept beside the folded name (``client.search_place``) so the search index
    finds a client by any of them (migration 022 added the contact person).
    """
    return search_key(" ".join(t.strip() for t in (city, email, contact) if t.strip()))


def search_key(text: str) -> str:
    """Fold a name for accent-, case- and spacing-insensitive matching (``Łódź`` → ``lodz``).

    The one normaliser of client names: the stored ``search_name``, the
    client import's "already there" (file and database alike, ``--check`` and
    the import), a contract row's client name and every search fold with it.
    Any run of white space (a tab from a spreadsheet cell, two spaces, a
    no-break space) is one space, and none at either end.
    """
    folded = text.casefold().replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", folded)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
