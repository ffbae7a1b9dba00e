"""Who may do the office's paperwork: clients, contracts, jobs (dispatchers and admins).

Checked in the services, so the TUI, the command line and scripts get the same
answer. A technician reaches a client only through their own jobs.
"""

from __future__ import annotations

from bbdispatch.domain.errors import NotAllowed
from bbdispatch.domain.people import Role, Technician
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.storage import people as people_store

OFFICE_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})
"""Roles that handle clients, contracts and the job list."""


async def acting_person(ctx: Ctx) -> Technician:
    """The person behind ``ctx`` (by ``ctx.person_login``).

    Raises:
        NotAllowed: the login is not an active person of the firm.
    """
    person = await people_store.person_by_login(ctx.db, ctx.person_login)
    if person is None or not person.active:
        raise NotAllowed(
            _("Login {login} is not a bbdispatch user; ask an admin to add you.").format(
                login=ctx.person_login
            )
        )
    return person


async def require_office(ctx: Ctx) -> Technician:
    """The acting person, if a dispatcher or an admin.

    Raises:
        NotAllowed: unknown login, or a technician.
    """
    person = await acting_person(ctx)
    if person.role not in OFFICE_ROLES:
        raise NotAllowed(_("Only dispatchers and admins handle clients, contracts and jobs."))
    return person
