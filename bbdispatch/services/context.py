"""What every use case needs: the database, the clock, the price list, who acts."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bbdispatch.clock import Clock
from bbdispatch.pricelist import PriceList
from bbdispatch.storage.database import Database


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

    @property
    def person_login(self) -> str:
        """The login to look the acting person up by (rights, "who did the run")."""
        return self.login or self.actor

    def acting_as(self, actor: str, login: str | None = None) -> Ctx:
        """The same environment with another actor (scripts, support sessions)."""
        return replace(self, actor=actor, login=login)
