"""A firm's first admin: who may manage people, prices, backups and privacy requests.

A new database has nobody in it, and every screen and most commands check the
acting person's role, so ``init`` makes the first admin: the login that runs
it, or the one named with ``--admin``.
"""

from __future__ import annotations

import pwd
from dataclasses import dataclass
from enum import StrEnum

from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.people import OS_LOGIN, Role
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.storage import people as store


class AdminOutcome(StrEnum):
    """What :func:`ensure_first_admin` did."""

    CREATED = "created"
    """A new person was added as admin."""
    PROMOTED = "promoted"
    """An existing person of the firm became admin."""
    EXISTING = "existing"
    """The database already had an admin; nothing changed."""


@dataclass(frozen=True)
class FirstAdmin:
    """The outcome of bootstrapping, for ``init`` to report.

    Attributes:
        outcome: what was done.
        admins: the active admins' logins afterwards.
    """

    outcome: AdminOutcome
    admins: tuple[str, ...]


def display_name(login: str) -> str:
    """The OS account's full name (GECOS field) for ``login``, else the login itself."""
    try:
        gecos = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except KeyError:
        return login
    return gecos or login


def check_login(login: str) -> None:
    """Refuse what cannot be an OS login (:data:`~bbdispatch.domain.people.OS_LOGIN`).

    Raises:
        DomainError: the login breaks the POSIX rules ``useradd`` keeps.
    """
    if not OS_LOGIN.match(login):
        raise DomainError(
            _(
                "{login!r} cannot be an OS login: use lower-case letters, digits, _ . - "
                "(e.g. anna.nowak)."
            ).format(login=login)
        )


def os_account_exists(login: str) -> bool:
    """Whether this machine has an OS account ``login`` (the passwd database)."""
    try:
        pwd.getpwnam(login)
    except KeyError:
        return False
    return True


async def ensure_first_admin(ctx: Ctx, login: str, *, named: bool) -> FirstAdmin:
    """Make ``login`` the first admin when the database has none.

    Args:
        ctx: the service context (its actor is recorded in the audit).
        login: the OS login to make admin.
        named: True when the login was named with ``--admin``: then a database
            that already has another admin is an error, not a no-op.

    Raises:
        Refused: ``named``, the database has an admin already, and the login
            running this is not an admin of it (audited).
        DomainError: ``named`` and the database already has an admin who is not
            ``login``; or ``login`` cannot be an OS login.
    """
    login = login.strip()
    if not login:
        raise DomainError(_("An admin needs a login."))
    if named:  # the login running init is an OS account already, whatever its letters
        check_login(login)
    async with ctx.db.transaction():
        admins = await store.admin_logins(ctx.db)
        if admins:
            if named:  # naming an admin is managing people, once there is one
                await check(ctx, Action.PEOPLE_MANAGE)
            if named and login not in admins:
                raise DomainError(
                    _(
                        "This database has an admin already ({admins}); an admin adds people"
                        " with 'bbdispatch people add LOGIN NAME --role admin'."
                    ).format(admins=", ".join(admins))
                )
            return FirstAdmin(AdminOutcome.EXISTING, tuple(admins))
        me = await store.person_by_login(ctx.db, login)
        if me is None:
            person_id = await store.insert_person(ctx.db, login, display_name(login), Role.ADMIN)
            outcome = AdminOutcome.CREATED
        else:
            person_id = me.id
            await store.set_role(ctx.db, person_id, Role.ADMIN)
            outcome = AdminOutcome.PROMOTED
        await audit.record(ctx, "technician", person_id, "first_admin", login=login)
    return FirstAdmin(outcome, (login,))
