"""The firm's people and who is at the keyboard."""

from __future__ import annotations

import grp
import os
import pwd

from bbdispatch.domain.errors import DomainError, FieldError, NotFound
from bbdispatch.domain.people import Role, Technician, login_problem
from bbdispatch.domain.rights import Action, Principal, Refused
from bbdispatch.i18n import N_, _
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import (
    ACT_AS,
    audit_refusal,
    check,
    mismatch_text,
    no_admin_message,
    not_a_user_message,
    refuse,
    trusted_admins,
    trusted_person,
    trusted_role,
)
from bbdispatch.services.saving import saves
from bbdispatch.storage import people as store

PHONE_GROUP = "bbdispatch-phone"
"""The OS group whose members (not people of the firm) may ``ring`` and ``lookup``."""


PHONE_ONLY = N_(
    "Not allowed: {login} is the phone system's account; it may only report calls"
    " (bbdispatch ring) and look up callers (bbdispatch lookup)."
)
"""What the phone system's account hears when it opens a screen or acts as someone."""


def os_login() -> str:
    """The OS account running this process (never ``$USER``, which anyone can set)."""
    return pwd.getpwuid(os.getuid()).pw_name


def os_fallback() -> Principal | None:
    """The rights of this process's OS account when it is no person of the firm.

    ``root`` acts as an admin (it can rewrite the file anyway; it sets the
    database up before anyone is added); a member of the ``bbdispatch-phone``
    group is the phone system. Anyone else gets nothing. Read from the process's
    real credentials, never from the environment.
    """
    if os.getuid() == 0:
        return Principal.ADMIN
    try:
        gid = grp.getgrnam(PHONE_GROUP).gr_gid
    except KeyError:
        return None
    if gid == os.getgid() or gid in os.getgroups():
        return Principal.PHONE
    return None


@saves
async def add_person(
    ctx: Ctx,
    login: str,
    name: str,
    role: Role,
    *,
    does_onsite: bool = True,
    phone: str | None = None,
    skills: frozenset[str] = frozenset(),
) -> int:
    """Add a dispatcher, technician or admin, audited.

    Raises:
        DomainError: no login or name, or the login is taken.
        FieldError: ``login`` is not something an OS account can be called
            (people sign in by their OS login).
    """
    await check(ctx, Action.PEOPLE_MANAGE)
    if not login.strip() or not name.strip():
        raise DomainError(_("A person needs a login and a name."))
    if (problem := login_problem(login)) is not None:
        raise FieldError("login", problem)
    async with ctx.db.transaction():
        if await store.person_by_login(ctx.db, login):
            raise DomainError(_("Login {login} is taken.").format(login=login))
        person_id = await store.insert_person(
            ctx.db, login, name, role, does_onsite=does_onsite, phone=phone, skills=skills
        )
        from bbdispatch.services import audit

        await audit.record(ctx, "technician", person_id, "created", login=login, role=role.value)
    return person_id


@saves
async def set_role(ctx: Ctx, login: str, role: Role) -> None:
    """Give the person ``login`` the role ``role``, recorded in the audit trail (admins).

    The audit row (``technician``/``role_changed``, with the role before and
    after) is what the rights check trusts (``docs/rights.md``, "Roles"); run
    on a role changed outside bbdispatch, it records the role again. The last
    admin cannot stop being one (nobody could then manage the firm).

    Raises:
        Refused: the acting person is not an admin (audited).
        NotFound: no active person has that login.
        DomainError: the last admin would lose the role.
    """
    await check(ctx, Action.PEOPLE_MANAGE)
    async with ctx.db.transaction():
        found = await store.person_by_login(ctx.db, login)
        if found is None or not found.active:
            raise NotFound(_("Login {login} is not a bbdispatch user.").format(login=login))
        if role is not Role.ADMIN and await trusted_admins(ctx.db) == [login]:
            raise DomainError(
                _("{login} is the only admin: make another admin first.").format(login=login)
            )
        await store.set_role(ctx.db, found.id, role)
        from bbdispatch.services import audit

        await audit.record(
            ctx, "technician", found.id, "role_changed", login=login, role=role.value,
            was=found.role.value,
        )  # fmt: skip


async def role_note(ctx: Ctx) -> str:
    """Why the acting person works with less than their role in the table, or ``""``.

    A session shows it on its first screen (``docs/rights.md``, "Roles"); the
    mismatch itself is audited (once a minute). A login that is no person has
    no role to compare: ``""``, and nothing is written.
    """
    login = ctx.person_login
    person = await store.person_by_login(ctx.db, login)
    if person is None or not person.active:
        return ""
    trusted = (await trusted_person(ctx, person))[1]
    return mismatch_text(login, trusted) if trusted.mismatch else ""


async def root_without_admin_hint(ctx: Ctx) -> str:
    """The one line telling root that the database has no admin yet, or ``""``.

    Root acts as an admin without being a person of the firm, so on a database
    with no admin every command and screen works for it and nothing else would
    say that nobody else can (issue 18): the line names the command that makes
    the first admin (:func:`~bbdispatch.services.rights.no_admin_message`).
    ``""`` for any other login, in a support session (``--as``), or once a
    trusted admin exists. Reads only; writes nothing.
    """
    if ctx.fallback is not Principal.ADMIN or ctx.person_login != ctx.actor:
        return ""
    if await trusted_admins(ctx.db):
        return ""
    return no_admin_message(ctx.db)


async def refuse_foreign_database_role(ctx: Ctx, login: str, act_as: str | None = None) -> None:
    """Refuse a session whose database role cannot do what this login does in bbdispatch.

    ``login``: the OS login (whose name the audit rows carry); ``act_as``: the
    person of ``--as`` (a support session), if any.

    On PostgreSQL with ``pg_roles.sql`` (``docs/scaling.md``, "Roles") the
    server checks rights too, for the database role the session logged in as,
    which may not be the login's own (``--db postgresql://marek@...`` run by
    root or ``nobody``). Every such combination that the server would stop
    halfway is refused here, before anything is read or written, with one line
    naming the login and the role, rather than with the server's raw refusal
    (``new row violates row-level security policy``, ``permission denied``):

    - a technician's role (row-level security: that person's rows only, audit
      rows in that name only) used by another login, or by a support session
      (``root as marek``: its audit rows are in its own name, not ``marek``);
    - a role that may not empty an audit detail (the one thing the server
      keeps for ``bbdispatch_admin``) used by a login acting as an admin
      (an admin person, or root that is no person of the firm).

    A role that is the login itself, and any other combination, passes
    without a question to the server (the services check rights as on SQLite).

    Raises:
        DomainError: naming the database role and the login.
    """
    acting = act_as or login
    role = await store.foreign_role(ctx.db, login)
    if role is None:
        return
    if role.restricted:
        if role.name != acting:
            raise DomainError(
                _(
                    "The database role {role} does not match the person this login maps to "
                    "({login}): the server shows and takes only {role}'s rows. Connect as "
                    "{login} (postgresql://{login}@...), or log in as {role}."
                ).format(role=role.name, login=acting)
            )
        if role.name != login:
            raise DomainError(
                _(
                    "The database role {role} is a technician's own: the server takes audit "
                    "rows only in the name {role}, not {login} as {role}. For a support "
                    "session connect with your own role (postgresql://{login}@...) and keep "
                    "--as {role}."
                ).format(role=role.name, login=login)
            )
        return
    if not role.may_erase and await _acts_as_admin(ctx, login, acting):
        raise DomainError(
            _(
                "The database role {role} has no admin's rights on the server, but {login} "
                "acts as an admin: connect with an admin's role (postgresql://{login}@... "
                "in bbdispatch_admin), or log in as a person whose role {role} is."
            ).format(role=role.name, login=acting)
        )


async def _acts_as_admin(ctx: Ctx, login: str, acting: str) -> bool:
    """Whether the session acts with an admin's rights (its person's trusted role; root's)."""
    person = await store.person_by_login(ctx.db, acting)
    if person is not None and person.active:
        return (await trusted_role(ctx.db, person)).role is Role.ADMIN
    return acting == login and ctx.fallback is Principal.ADMIN


async def people(ctx: Ctx) -> list[Technician]:
    """Everyone active at the firm."""
    await check(ctx, Action.PEOPLE_VIEW)
    return await store.all_people(ctx.db)


async def person(ctx: Ctx, person_id: int) -> Technician:
    """One person by id.

    Raises:
        NotFound: no such person.
    """
    await check(ctx, Action.PEOPLE_VIEW)
    found = await store.person_by_id(ctx.db, person_id)
    if found is None:
        raise NotFound(_("No technician with id {id}.").format(id=person_id))
    return found


async def _active_person(ctx: Ctx, login: str) -> Technician:
    """The active person with this login, for a support session.

    Raises:
        NotFound: no active person has that login.
    """
    other = await store.person_by_login(ctx.db, login)
    if other is None or not other.active:
        await audit_refusal(ctx, ACT_AS, "not a person", more={"as": login})
        raise NotFound(_("Login {login} is not a bbdispatch user.").format(login=login))
    return (await trusted_person(ctx, other))[0]


ROOT_PERSON_ID = 0
"""The id of :func:`root_as_admin`'s stand-in: no person of the firm has it."""


def root_as_admin(login: str) -> Technician:
    """The stand-in for root when root is no person of the firm: an admin owning nothing.

    Its services run on the context's ``ADMIN`` fallback (the person lookup finds
    nobody), exactly as root's commands do; the stand-in only names the session.
    """
    return Technician(
        id=ROOT_PERSON_ID, login=login, name=login, role=Role.ADMIN, does_onsite=False,
        phone=None, active=True,
    )  # fmt: skip


async def identify(ctx: Ctx, login: str, act_as: str | None = None) -> Technician:
    """Who this session works as: the OS login, or ``act_as`` for support staff.

    One rule for commands and screens: a person acts as themselves; root that
    is no person acts as an admin (:func:`root_as_admin`, when ``ctx`` has the
    ``ADMIN`` fallback :func:`os_fallback` gives root) and may act as anyone;
    the phone system's account (``bbdispatch-phone``) is told it only rings
    and looks up (:data:`PHONE_ONLY`); any other login that is no person is refused.

    Every refusal is audited (``docs/rights.md``): the action is
    :data:`~bbdispatch.services.rights.ACT_AS` with the login asked for, or
    ``session`` when a login that is no person starts a session.

    Raises:
        NotFound: the login is not a person of the firm, or ``act_as`` is none.
        NotAllowed: the phone system's account started a session or used
            ``--as``; a technician tried to act as someone else, or a dispatcher as
            anyone but a technician (support never raises anyone's rights).
    """
    asked = {"as": act_as} if act_as not in (None, login) else None
    action = ACT_AS if asked else "session"
    me = await store.person_by_login(ctx.db, login)
    root_acting = ctx.actor == login and ctx.fallback is Principal.ADMIN
    if (me is None or not me.active) and root_acting:
        # root acts as an admin, and an admin may act as anyone (docs/rights.md):
        # the same for a command and for a screen session.
        if act_as not in (None, login):
            return await _active_person(ctx, act_as or login)
        return root_as_admin(login)
    if (me is None or not me.active) and ctx.fallback is Principal.PHONE:
        # The phone system's account is never a person: "ask an admin to add you"
        # would be the wrong advice (docs/rights.md, "The phone system").
        await audit_refusal(ctx, action, "role", principal=Principal.PHONE, more=asked)
        raise Refused(_(PHONE_ONLY).format(login=login))
    if me is None or not me.active:
        message = await not_a_user_message(ctx.db, login)
        if await trusted_admins(ctx.db):  # with no admin yet, nobody to tell: as before
            await audit_refusal(ctx, action, "not a person", more=asked)
        raise NotFound(message)
    me = (await trusted_person(ctx, me))[0]  # a role changed outside bbdispatch counts not
    if act_as is None or act_as == login:
        return me
    if not me.may_act_as_others:
        await refuse(
            ctx, ACT_AS, "role", _("Only dispatchers and admins may use --as."), more=asked
        )
    other = await _active_person(ctx, act_as)
    if me.role is Role.DISPATCHER and other.role is not Role.TECHNICIAN:
        await refuse(
            ctx, ACT_AS, "role", _("A dispatcher may act only as a technician."), more=asked
        )
    return other
