"""The office's view of who acts: the acting person and the office's roles.

Rights themselves are checked by :mod:`bbdispatch.services.rights` against the
one rule table (``docs/rights.md``); this module only names the person.
"""

from __future__ import annotations

from bbdispatch.domain.people import Role, Technician
from bbdispatch.domain.rights import Action
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import acting, check, not_a_user_message, refuse

OFFICE_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})
"""Roles that handle clients, contracts and the job list."""


async def acting_person(ctx: Ctx, action: Action) -> Technician:
    """The person behind ``ctx`` (by ``ctx.person_login``), about to do ``action``.

    Raises:
        Refused: the login is not an active person of the firm (root and the
            phone system act without being one); audited naming ``action``.
    """
    who = await acting(ctx, action)
    if who.person is None:
        await refuse(
            ctx, action, "not a person",
            await not_a_user_message(ctx.db, ctx.person_login),
        )  # fmt: skip
    return who.person


async def require_office(ctx: Ctx) -> Technician | None:
    """Refuse unless the acting login may work the office's desk (the rule table's ``job.list``).

    Kept for callers written before the rule table; new code calls
    :func:`bbdispatch.services.rights.check` with the action it is about to do.

    Raises:
        Refused: a technician, the phone system or an unknown login (audited).
    """
    return (await check(ctx, Action.JOB_LIST)).person
