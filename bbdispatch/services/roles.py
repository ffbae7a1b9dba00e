"""Role checks for the tasks of one role: who at the firm may run them."""

from __future__ import annotations

from bbdispatch.domain.errors import NotAllowed
from bbdispatch.domain.people import Role, Technician
from bbdispatch.i18n import N_, Labels, _
from bbdispatch.services.context import Ctx
from bbdispatch.storage import people as people_store

ROLE_PLURAL = Labels(
    {
        Role.ADMIN: N_("admins"),
        Role.DISPATCHER: N_("dispatchers"),
        Role.TECHNICIAN: N_("technicians"),
    }
)
"""Who holds a role, as a message names them: ``Only admins may …``."""


async def require_role(ctx: Ctx, what: str, *roles: Role) -> Technician:
    """The acting person, when their role is one of ``roles``.

    Args:
        ctx: the service context; its ``person_login`` is checked.
        what: the task, for the message ("back up the database").
        roles: the roles allowed.

    Raises:
        NotAllowed: the acting login is not an active person with one of the roles.
    """
    me = await people_store.person_by_login(ctx.db, ctx.person_login)
    if me is None or not me.active or me.role not in roles:
        raise NotAllowed(
            _("Only {roles} may {what}; {login} is not one.").format(
                roles=" / ".join(ROLE_PLURAL[r] for r in roles), what=what, login=ctx.person_login
            )
        )
    return me


async def require_admin(ctx: Ctx, what: str) -> Technician:
    """The acting person, when an admin (people, backups, privacy requests).

    Raises:
        NotAllowed: the acting login is not an active admin.
    """
    return await require_role(ctx, what, Role.ADMIN)
