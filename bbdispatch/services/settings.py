"""The firm's settings: today its language (see :mod:`bbdispatch.i18n` for the order)."""

from __future__ import annotations

from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import LANGUAGES, _
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import settings as store

LANGUAGE = "language"
"""The key of the firm's language: ``"pl"`` or ``"en"``."""


async def firm_language(ctx: Ctx) -> str | None:
    """The language set for the whole firm, or ``None`` when none is set."""
    value = await store.get_setting(ctx.db, LANGUAGE)
    return value if value in LANGUAGES else None


@saves
async def set_firm_language(ctx: Ctx, language: str) -> None:
    """Set the firm's language (admins only); audited.

    Raises:
        DomainError: a language bbdispatch does not speak.
        NotAllowed: the acting person is not an admin.
    """
    await check(ctx, Action.SETTINGS_EDIT)
    if language not in LANGUAGES:
        raise DomainError(
            _("Unknown language '{lang}': use {choices}.").format(
                lang=language, choices=", ".join(LANGUAGES)
            )
        )
    async with ctx.db.transaction():
        await store.put_setting(ctx.db, LANGUAGE, language)
        from bbdispatch.services import audit  # not loaded by commands that only read it

        await audit.record(ctx, "firm_setting", None, "changed", key=LANGUAGE, value=language)


@saves
async def adopt_firm_language(ctx: Ctx, language: str) -> bool:
    """Make ``language`` the firm's when none is set yet (``init`` and ``demo`` do).

    Returns:
        True when the setting was written, False when the firm already had one.
    """
    if language not in LANGUAGES:
        return False
    async with ctx.db.transaction():
        if await store.get_setting(ctx.db, LANGUAGE) is not None:
            return False
        await store.put_setting(ctx.db, LANGUAGE, language)
        from bbdispatch.services import audit

        await audit.record(ctx, "firm_setting", None, "created", key=LANGUAGE, value=language)
    return True
