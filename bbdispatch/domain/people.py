"""The firm's own people: dispatchers, technicians and admins."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
