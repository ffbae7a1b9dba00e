"""The one rights check every service runs before it reads or changes anything.

The rule table is :mod:`bbdispatch.domain.rights`; this module finds out who is
acting (``Ctx.person_login`` → person → role, or the context's trusted
fallback) and asks the table. A refusal raises ``Refused`` (a ``NotAllowed``)
with one line for the user and leaves an audit row (``rights``/``refused``) that
survives even when the check ran inside a transaction that then rolls back.

Use it at a service's entry point::

    await check(ctx, Action.JOB_ASSIGN)                       # role only
    await check(ctx, Action.JOB_WORK, owner_id=job.technician_id)  # own/other
    who, reach = await scope_of(ctx, Action.SEARCH)          # filter a listing
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, NoReturn

from bbdispatch.domain.errors import NotFound
from bbdispatch.domain.people import Role, Technician, lower_role
from bbdispatch.domain.rights import (
    Action,
    Principal,
    Refused,
    Scope,
    allowed,
    refusal_text,
    scope,
)
from bbdispatch.i18n import N_, Labels, _
from bbdispatch.services.context import Ctx
from bbdispatch.storage import people as people_store

if TYPE_CHECKING:  # the job modules are not loaded for a ring (issue 13: the phone path)
    from bbdispatch.domain.jobs import Job
    from bbdispatch.domain.work import WorkEntry
    from bbdispatch.storage.database import Database

REFUSAL_REPEAT = timedelta(minutes=1)
"""The same refusal (actor, action, thing) is audited once in this time."""


@dataclass(frozen=True)
class TrustedRole:
    """A person's role as the audit trail vouches for it (``docs/rights.md``, "Roles")."""

    role: Role
    """The role the person acts with: never more than the trail records."""
    stored: Role
    """The role in the ``technician`` table."""
    recorded: Role | None
    """The role of the newest intact audit row that records one (``None``: none)."""

    @property
    def mismatch(self) -> bool:
        """Whether the table says more than the trail: the person acts with less."""
        return self.role is not self.stored


async def trusted_role(db: Database, person: Technician) -> TrustedRole:
    """The role ``person`` may act with: the stored one, at most what the audit trail records.

    Every role bbdispatch gives is recorded in the chained audit trail in the
    same transaction (``people add``/``role``, ``init``, imports). A role
    written into the table by other means (an ``sqlite3`` shell setting the
    ``technician`` row's role to admin) has no such row: the person then acts with the recorded
    role, or as a technician when no intact row records one. A technician needs
    no look-up (nothing is lower).
    """
    if person.role is Role.TECHNICIAN:
        return TrustedRole(Role.TECHNICIAN, Role.TECHNICIAN, None)
    from bbdispatch.storage.role_records import role_record  # not on the phone path's way

    record = await role_record(db, person.id)
    recorded = record.role if record is not None and record.intact else None
    role = Role.TECHNICIAN if recorded is None else lower_role(person.role, recorded)
    return TrustedRole(role, person.role, recorded)


async def trusted_admins(db: Database) -> list[str]:
    """The active admins whose role the audit trail records, alphabetically.

    A login made an admin outside bbdispatch is left out: it acts as what the
    trail records (:func:`trusted_role`).
    """
    found: list[str] = []
    for login in await people_store.admin_logins(db):
        person = await people_store.person_by_login(db, login)
        if person is not None and (await trusted_role(db, person)).role is Role.ADMIN:
            found.append(login)
    return found


def no_admin_message(db: Database) -> str:
    """What to say when a database has no admin yet: the exact command that makes one.

    Who may run it is said too (``docs/getting-started.md``, "The first admin"):
    root, or the owner of the database file (a server's database: root, or
    anyone while it has no people yet).
    """
    import shlex  # only on this rare path: ``ring``/``lookup`` start without it

    who = (
        _("as root or as the owner of the database file")
        if db.dialect == "sqlite"
        else _("as root")
    )
    return _(
        "{path} has no admin yet; make one with: bbdispatch --db {path} init --admin LOGIN ({who})"
    ).format(path=shlex.quote(db.display_name), who=who)


async def not_a_user_message(db: Database, login: str) -> str:
    """Why ``login`` is refused as no person of the firm: who to ask, or how to make an admin.

    Every entry point (a screen session, any command, the rights check) says
    the same: with no admin yet there is nobody to ask, so the message names
    the command that makes the first one (:func:`no_admin_message`).
    """
    if not await trusted_admins(db):
        return no_admin_message(db)
    return _("Login {login} is not a bbdispatch user; ask an admin to add you.").format(login=login)


def mismatch_text(login: str, trusted: TrustedRole) -> str:
    """The one line saying why ``login`` acts with less than the table says."""
    from bbdispatch.domain.labels import ROLE_LABEL  # only when there is something to say

    return _(
        "{login} is {stored} in the database, but the audit trail records {recorded}: the role "
        "was changed outside bbdispatch, so {login} acts as {role}; an admin checks it with "
        "'bbdispatch audit verify' and sets it with 'bbdispatch people role'."
    ).format(
        login=login, stored=ROLE_LABEL[trusted.stored], role=ROLE_LABEL[trusted.role],
        recorded=ROLE_LABEL[trusted.recorded] if trusted.recorded else _("no role"),
    )  # fmt: skip


async def trusted_person(ctx: Ctx, person: Technician) -> tuple[Technician, TrustedRole]:
    """``person`` with the role they may act with; a mismatch is audited (once a minute).

    The audit row is entity ``rights``, action ``refused``, action named
    ``role``, reason ``role not recorded``, with the stored and recorded roles.
    """
    trusted = await trusted_role(ctx.db, person)
    if not trusted.mismatch:
        return person, trusted
    await audit_refusal(
        ctx, "role", "role not recorded", entity="technician", entity_id=person.id,
        principal=Principal.of(trusted.role),
        more={"stored": trusted.stored.value,
              "recorded": trusted.recorded.value if trusted.recorded else ""},
    )  # fmt: skip
    return replace(person, role=trusted.role), trusted


@dataclass(frozen=True)
class Acting:
    """Who a service call runs for."""

    login: str
    principal: Principal
    person: Technician | None
    """The person of the firm, or ``None`` for a fallback principal (phone, root, system)."""
    mismatch: str = ""
    """Why the person acts with less than the table says (:func:`mismatch_text`), or ``""``."""

    def owns(self, owner_id: int | None) -> bool:
        """Whether a thing that belongs to technician ``owner_id`` is this person's own."""
        return self.person is not None and owner_id is not None and owner_id == self.person.id

    def may(self, action: Action, owner_id: int | None = None) -> bool:
        """Whether the rule table allows ``action`` (on something owned by ``owner_id``)."""
        return allowed(self.principal, action, own=self.owns(owner_id))


ACT_AS = "act_as"
"""The action named in the audit row of a refused ``--as`` (a support session)."""


async def acting(ctx: Ctx, action: Action | None = None) -> Acting:
    """Who ``ctx`` acts for: its login's person, else its trusted fallback.

    Args:
        ctx: the service call's context.
        action: what the caller is about to do, named in the audit row when the
            login is refused (``None``: only asking who acts).

    Raises:
        Refused: the login is not an active person and the context has no
            fallback (audited).
    """
    login = ctx.person_login
    person = await people_store.person_by_login(ctx.db, login)
    if person is not None and person.active:
        person, trusted = await trusted_person(ctx, person)
        note = mismatch_text(login, trusted) if trusted.mismatch else ""
        return Acting(login, Principal.of(person.role), person, note)
    if ctx.fallback is not None:
        return Acting(login, ctx.fallback, None)
    await audit_refusal(ctx, action.value if action else "", "not a person")
    raise Refused(await not_a_user_message(ctx.db, login))


async def check(
    ctx: Ctx,
    action: Action,
    *,
    owner_id: int | None = None,
    entity: str = "",
    entity_id: int | None = None,
) -> Acting:
    """Refuse unless the acting person may do ``action``; return who acts.

    Args:
        ctx: the service call's context.
        action: what is about to happen.
        owner_id: the technician a job or work entry belongs to, for rules that
            reach only a person's own things (``None``: owned by nobody).
        entity: the kind of thing acted on (``job``, ``client``…), for the audit.
        entity_id: its id, for the audit row of a refusal.

    Raises:
        Refused: the rule table says no (audited, one line for the user).
    """
    who = await acting(ctx, action)
    await _decide(ctx, who, action, owner_id, entity, entity_id)
    return who


async def _decide(
    ctx: Ctx, who: Acting, action: Action, owner_id: int | None, entity: str, entity_id: int | None
) -> None:
    """Refuse (audited) unless ``who`` may do ``action`` on a thing of ``owner_id``."""
    if who.may(action, owner_id):
        return
    reason = "not own" if who.may(action, who.person.id if who.person else None) else "role"
    await audit_refusal(
        ctx, action.value, reason, entity=entity, entity_id=entity_id, principal=who.principal
    )
    raise Refused(_refused(who, refusal_text(who.principal, action, not_own=reason == "not own")))


def _refused(who: Acting, text: str) -> str:
    """A refusal's line, followed by why the role is less than the table says, if it is."""
    return f"{text} {who.mismatch}" if who.mismatch else text


async def scope_of(ctx: Ctx, action: Action) -> tuple[Acting, Scope]:
    """Who acts and how far their right reaches, for listings that filter.

    Raises:
        Refused: no right at all (audited).
    """
    who = await acting(ctx, action)
    reach = scope(who.principal, action)
    if reach is Scope.NONE:
        await audit_refusal(ctx, action.value, "role", principal=who.principal)
        raise Refused(_refused(who, refusal_text(who.principal, action)))
    return who, reach


async def refuse(
    ctx: Ctx,
    action: Action | str,
    reason: str,
    message: str,
    *,
    entity: str = "",
    entity_id: int | None = None,
    more: dict[str, str] | None = None,
) -> NoReturn:
    """Audit a refusal that is not the rule table's own "no", then raise it.

    For the checks beside the table (a technician recording time for someone
    else, an entry that is not theirs, a refused ``--as``): the same audit row
    as :func:`check` writes, and the same exception.

    Raises:
        Refused: always, with ``message`` (one line for the user).
    """
    name = action.value if isinstance(action, Action) else action
    await audit_refusal(ctx, name, reason, entity=entity, entity_id=entity_id, more=more)
    raise Refused(message)


async def audit_refusal(
    ctx: Ctx,
    action: str,
    reason: str,
    *,
    entity: str = "",
    entity_id: int | None = None,
    principal: Principal | None = None,
    more: dict[str, str] | None = None,
) -> None:
    """Write the audit row of a refusal: who (login), what (action) and why (reason).

    Every refusal comes here, the rule table's and the others (a login that is
    no person, a refused ``--as``), so the trail answers "who tried what" the
    same way. The same refusal within :data:`REFUSAL_REPEAT` is written once,
    and the row survives a transaction of the caller that rolls back.

    Args:
        ctx: the refused call's context (its actor is the row's actor).
        action: the rule table's action (``job.edit``) or :data:`ACT_AS`.
        reason: why, in stored words: ``role`` (the role may not), ``not own``
            (someone else's thing), ``not a person``, or what ``--as`` ran into.
        entity: the kind of thing acted on (``job``…), when known.
        entity_id: its id, when known.
        principal: the role the login acted with, when it had one.
        more: further stored facts (``as``: the login asked for with ``--as``).
    """
    detail = {"action": action, "login": ctx.person_login, "reason": reason, **(more or {})}
    if principal is not None:
        detail["role"] = principal.value
    if entity:
        detail["entity"] = entity

    async def write() -> None:
        from bbdispatch.storage import audit as audit_store  # hashing: only when refusing

        # Quiet and once a minute per refusal: a screen that keeps asking (a
        # reload after every commit) must neither loop nor flood the trail.
        async with ctx.db.transaction(quiet=True):
            since = ctx.clock.now() - REFUSAL_REPEAT
            if not await audit_store.recent_same(
                ctx.db, since, ctx.actor, "rights", entity_id, "refused", detail
            ):
                await audit_store.insert_audit(
                    ctx.db, ctx.clock.now(), ctx.actor, "rights", entity_id, "refused", detail
                )

    if ctx.db.in_transaction:
        # The caller's transaction will roll back; the refusal must stay on record.
        ctx.db.after_transaction(write)
    else:
        await write()


NOT_ON_YOUR_LIST: Mapping[str, str] = Labels({
    "job": N_("No job {id} on your list."),
    "work_entry": N_("No work entry {id} on your list."),
})  # fmt: skip
"""The one answer, per kind of thing, to someone whose right reaches only their own things.

A technician asking for a job (or work entry) that does not exist and one asking
for another technician's get the same line, exit code and audit row kind, so
ids cannot be probed (:func:`_own_or_refuse`).
"""


async def _own_or_refuse(
    ctx: Ctx, action: Action, entity: str, thing_id: int, owner_id: int | None, exists: bool
) -> Acting:
    """The uniform answer for a principal whose right to ``action`` reaches only their own.

    Returns who acts when the rule table decides as usual (the right reaches
    everything or nothing, or the thing is the person's own), else refuses.

    Raises:
        Refused: the thing is missing or someone else's, and the acting person's
            right reaches only their own things: :data:`NOT_ON_YOUR_LIST`, the
            same for both (audited: ``not own`` or ``missing``).
    """
    who = await acting(ctx, action)
    if scope(who.principal, action) is not Scope.OWN or (exists and who.owns(owner_id)):
        return who
    await audit_refusal(
        ctx, action.value, "not own" if exists else "missing", entity=entity,
        entity_id=thing_id, principal=who.principal,
    )  # fmt: skip
    raise Refused(_refused(who, NOT_ON_YOUR_LIST[entity].format(id=thing_id)))


async def check_job(ctx: Ctx, action: Action, job_id: int) -> Job:
    """Load a job and refuse unless the acting person may do ``action`` on it.

    A technician's own job is one assigned to them. For a technician a job
    that does not exist and another technician's job give the same refusal
    ("No job 99999 on your list."), so job numbers cannot be probed.

    Raises:
        NotFound: no such job (for those whose right reaches every job).
        Refused: the rule table says no, or (a technician) the job is not on
            their list (audited).
    """
    from bbdispatch.storage import jobs as job_store

    job = await job_store.get_job(ctx.db, job_id)
    owner = job.technician_id if job is not None else None
    who = await _own_or_refuse(ctx, action, "job", job_id, owner, job is not None)
    if job is None:
        await _decide(ctx, who, action, None, "job", job_id)  # a role that may not hears that
        raise NotFound(_("No job {id}.").format(id=job_id))
    await _decide(ctx, who, action, job.technician_id, "job", job_id)
    return job


async def check_entry(ctx: Ctx, action: Action, entry_id: int) -> WorkEntry:
    """Load a work entry and refuse unless the acting person may do ``action`` on it.

    The right comes before anything about the entry (running, locked, outside
    the edit window) is looked at: a technician asking about another's entry
    learns only that it is not on their list, exactly as for an entry that
    does not exist ("No work entry 99999 on your list.").

    Raises:
        NotFound: no such entry (for those whose right reaches every entry).
        Refused: the rule table says no, or (a technician) the entry is not
            on their list (audited).
    """
    # Here, not at the top: the phone path (``ring``) imports this module, and the
    # work storage brings the ledger with it.
    from bbdispatch.storage import work as work_store

    entry = await work_store.get_entry(ctx.db, entry_id)
    owner = entry.technician_id if entry is not None else None
    who = await _own_or_refuse(ctx, action, "work_entry", entry_id, owner, entry is not None)
    if entry is None:
        await _decide(ctx, who, action, None, "work_entry", entry_id)  # a role that may not
        raise NotFound(_("No work entry {id}.").format(id=entry_id))
    await _decide(ctx, who, action, entry.technician_id, "work_entry", entry_id)
    return entry


async def reaches_only_own(ctx: Ctx, action: Action) -> bool:
    """Whether the acting person's right to ``action`` reaches only their own things.

    For front ends that resolve ids before a service runs (the command line's
    ``--job 999``): for such a person they leave the answer to
    :func:`check_job` / :func:`check_entry`, which give one line whether the
    thing is missing or someone else's.

    Raises:
        Refused: the login is not a person and the context has no fallback.
    """
    who = await acting(ctx, action)
    return scope(who.principal, action) is Scope.OWN


async def ensure(
    ctx: Ctx, action: Action, *, job_id: int | None = None, entry_id: int | None = None
) -> None:
    """Refuse now what a service would refuse on rights after a question is answered.

    Front ends ask this before a yes/no question ("Issue the statement…?"),
    so a person who may not do the thing hears the refusal instead of the
    question, and the service's own check still runs when it acts. The same
    checks, the same line and the same audit row as the service's: with
    ``job_id`` :func:`check_job`, with ``entry_id`` :func:`check_entry`, else
    :func:`check` on the role.

    Raises:
        Refused: the rule table says no (audited).
        NotFound: no such job or entry (for those whose right reaches all).
    """
    if job_id is not None:
        await check_job(ctx, action, job_id)
    elif entry_id is not None:
        await check_entry(ctx, action, entry_id)
    else:
        await check(ctx, action)
