"""The firm's own people: dispatchers, technicians and admins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

OS_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")
"""What an OS (SSH) login can look like: a person's identity is their OS account.

Lower-case letters, digits, ``_``, ``.`` and ``-``, not starting with a digit or
a dash, at most 32 characters (the portable subset ``useradd`` accepts).
"""


class Role(StrEnum):
    """What a person may do in bbdispatch."""

    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    ADMIN = "admin"


@dataclass(frozen=True)
class Technician:
    """A person of the firm, identified by their OS login."""

    id: int
    login: str
    name: str
    role: Role
    does_onsite: bool
    phone: str | None
    active: bool
    skills: frozenset[str] = frozenset()
    """Job categories this person is good at."""

    @property
    def may_act_as_others(self) -> bool:
        """Dispatchers and admins may open another person's workspace for support."""
        return self.role in (Role.DISPATCHER, Role.ADMIN)


def person_of(actor: str) -> str:
    """The login of the person an actor names: a support session ``root as piotr`` is ``piotr``.

    Services record ``ctx.actor``, which for a session run as someone else
    names both logins; who did the work is the person acted as.
    """
    return actor.rsplit(" as ", 1)[-1]
