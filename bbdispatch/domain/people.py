"""The firm's own people: dispatchers, technicians and admins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bbdispatch.i18n import N_, _, gettext_in

OS_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")
"""What an OS (SSH) login can look like: a person's identity is their OS account.

Lower-case letters, digits, ``_``, ``.`` and ``-``, not starting with a digit or
a dash, at most 32 characters (the portable subset ``useradd`` accepts).
"""


def login_problem(login: str) -> str | None:
    """Why ``login`` cannot be an OS login (:data:`OS_LOGIN`), in the session's language, or None.

    One wording for every place a login is typed or imported, saying the rule,
    so ``Jan`` or ``1anna`` is told what to write instead.
    """
    if OS_LOGIN.match(login):
        return None
    return _(
        "'{login}' cannot be an OS login: use lower-case letters, digits, _ . - "
        "(e.g. anna.nowak), starting with a letter or _, at most 32 characters."
    ).format(login=login)


class Role(StrEnum):
    """What a person may do in bbdispatch."""

    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    ADMIN = "admin"


ROLE_RANK = {Role.TECHNICIAN: 0, Role.DISPATCHER: 1, Role.ADMIN: 2}
"""How far a role reaches: each reaches all a lower one does (``docs/rights.md``)."""

ROLE_ACTIONS = ("created", "imported", "first_admin", "role_changed", "role_recorded")
"""The audit actions on a person (entity ``technician``) that record the role they have.

bbdispatch writes one whenever it gives a person a role; the newest one is the
role the audit trail vouches for (:func:`recorded_role`).
"""


def recorded_role(action: str, detail: object) -> Role | None:
    """The role an audit row of :data:`ROLE_ACTIONS` records, or ``None`` when it names none.

    ``first_admin`` rows of older versions carry no role: they made an admin.
    """
    if action not in ROLE_ACTIONS:
        return None
    if action == "first_admin":
        return Role.ADMIN
    value = detail.get("role") if isinstance(detail, dict) else None
    try:
        return Role(value) if isinstance(value, str) else None
    except ValueError:
        return None


def lower_role(one: Role, other: Role) -> Role:
    """The role of the two that reaches less (technician < dispatcher < admin)."""
    return one if ROLE_RANK[one] <= ROLE_RANK[other] else other


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


def actor_text(actor: str, language: str | None = None) -> str:
    """An actor as a reader sees it: ``root as piotr`` is ``root jako piotr`` in Polish.

    The audit trail, the status history, a contract's signer and a moved
    charge's reason store the actor as written when it acted (``REAL as LOGIN``
    for a support session, :func:`person_of`); the ``as`` is a code, worded in
    ``language`` (default: the session's; ``"pl"`` on client documents) when
    shown. A plain login is shown as it is.
    """
    real, sep, login = actor.rpartition(" as ")
    if not sep:
        return actor
    template = N_("{real} as {login}")  # marked, so pybabel extract keeps it
    words = gettext_in(language, template) if language else _(template)
    return words.format(real=real, login=login)
