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
from bbdispatch.domain.people import Role, login_problem
from bbdispatch.domain.rights import Action, Principal, Refused, allowed
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check, trusted_admins, trusted_role
from bbdispatch.services.saving import saves
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
    if (problem := login_problem(login)) is not None:
        raise DomainError(problem)


def os_account_exists(login: str) -> bool:
    """Whether this machine has an OS account ``login`` (the passwd database)."""
    try:
        pwd.getpwnam(login)
    except KeyError:
        return False
    return True


def only_root_names_another() -> str:
    """Why a login other than root may not make someone else the first admin (one line)."""
    return _(
        "Only root may make another login the first admin: whoever creates the database "
        "owns its file (and could seal its audit trail). Run init as that login, or as root."
    )


def only_the_owner_bootstraps(path: str, owner: str | None) -> str:
    """Why this login may not make the first admin of an existing database (one line).

    ``owner``: the login owning the database file (None: a server's database).
    """
    if owner is None:
        return _(
            "{path} has no admin, and people already: only root may make the first admin "
            "now: sudo bbdispatch --db {path} init --admin LOGIN"
        ).format(path=path)
    return _(
        "{path} has no admin: only root or the owner of the database file ({owner}) may "
        "make the first one, so that no one else who can write the database makes "
        "themselves admin; ask them to run: bbdispatch --db {path} init --admin LOGIN"
    ).format(path=path, owner=owner)


@saves
async def ensure_first_admin(
    ctx: Ctx,
    login: str,
    *,
    named: bool,
    may_name_another: bool = True,
    owns_database: bool | None = True,
    owner: str | None = None,
) -> FirstAdmin:
    """Make ``login`` the first admin when the database has none.

    The first admin is the login running ``init`` unless root runs it: a
    database file belongs to whoever created it, and its owner's audit seal
    counts only while that owner is an admin (``docs/audit.md``), so a
    technician who creates a database can never make it look like someone
    else's (``docs/rights.md``).

    Args:
        ctx: the service context (its actor is recorded in the audit).
        login: the OS login to make admin.
        named: True when the login was named with ``--admin``: then a database
            that already has another admin is an error, not a no-op.
        may_name_another: whether the process may make a login other than
            ``ctx.actor`` the first admin (root only; the command decides from
            the process's own uid).
        owns_database: whether the process may bootstrap a database that has
            no admin at all (``docs/getting-started.md``, "Who may make the
            first admin"): root, the owner of the database file, or whoever
            creates it now (True); anyone else who can write it, a technician
            of an upgraded database included, may not (False). None for a
            server's database, which has no file owner: then only while the
            database has no people yet (root passes True).
        owner: the database file's owner, for the refusal's message.

    Returns:
        What was done; ``admins`` lists the admins only to someone who may see
        the firm's people (dispatchers, admins, root), else it is empty.

    Raises:
        Refused: ``named``, the database has an admin already, and the login
            running this is not an admin of it (audited).
        Refused: the database has no admin and this process may not make
            one (``owns_database``).
        DomainError: ``named`` and the database already has an admin who is not
            ``login``; the database has no admin and ``login`` is not the one
            running this (unless ``may_name_another``); or ``login`` cannot be
            an OS login.
    """
    login = login.strip()
    if not login:
        raise DomainError(_("An admin needs a login."))
    if named:  # the login running init is an OS account already, whatever its letters
        check_login(login)
    async with ctx.db.transaction():
        # An admin made outside bbdispatch (no audit row) is none (docs/rights.md).
        admins = await trusted_admins(ctx.db)
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
            shown = tuple(admins) if await _may_see_people(ctx) else ()
            return FirstAdmin(AdminOutcome.EXISTING, shown)
        if owns_database is False or (owns_database is None and await store.all_people(ctx.db)):
            raise Refused(only_the_owner_bootstraps(ctx.db.display_name, owner))
        if login != ctx.actor and not may_name_another:
            raise DomainError(only_root_names_another())
        me = await store.person_by_login(ctx.db, login)
        if me is None:
            person_id = await store.insert_person(ctx.db, login, display_name(login), Role.ADMIN)
            outcome = AdminOutcome.CREATED
        else:
            person_id = me.id
            await store.set_role(ctx.db, person_id, Role.ADMIN)
            outcome = AdminOutcome.PROMOTED
        await audit.record(
            ctx, "technician", person_id, "first_admin", login=login, role=Role.ADMIN.value
        )
    return FirstAdmin(outcome, (login,))


async def _may_see_people(ctx: Ctx) -> bool:
    """Whether the login running ``init`` may see who the firm's admins are (no audit row)."""
    person = await store.person_by_login(ctx.db, ctx.person_login)
    if person is not None and person.active:
        role = (await trusted_role(ctx.db, person)).role
        return allowed(Principal.of(role), Action.PEOPLE_VIEW, own=False)
    return ctx.fallback is not None and allowed(ctx.fallback, Action.PEOPLE_VIEW, own=False)
