"""What every use case needs: the database, the clock, the price list, who acts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bbdispatch.clock import Clock
from bbdispatch.domain.rights import Principal
from bbdispatch.storage.database import Database

if TYPE_CHECKING:  # not loaded by the phone path, which prices nothing
    from bbdispatch.pricelist import PriceList


@dataclass(frozen=True)
class Ctx:
    """The environment of a service call, built once per process (or per test)."""

    db: Database
    clock: Clock
    prices: PriceList
    actor: str
    """Who the records name: an OS login, or ``bogdan as anna`` in a support session."""
    login: str | None = None
    """The login whose rights and person this session uses, when ``actor`` is not one."""
    fallback: Principal | None = None
    """The rights of a login that is not a person of the firm: ``SYSTEM`` for trusted
    in-process code (building the demo, tests), ``PHONE`` or ``ADMIN`` when the command
    line recognised the phone system's group or root. Never taken from user input;
    ``None`` refuses such a login (``bbdispatch.services.rights``)."""

    @property
    def person_login(self) -> str:
        """The login to look the acting person up by (rights, "who did the run")."""
        return self.login or self.actor

    def acting_as(self, actor: str, login: str | None = None) -> Ctx:
        """The same environment with another actor (scripts, support sessions).

        The new actor gets no fallback: a support session has exactly the
        rights of the person it acts as.
        """
        return replace(self, actor=actor, login=login, fallback=None)
