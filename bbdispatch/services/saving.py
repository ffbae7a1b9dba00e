"""``@saves``: a service function that changes data, so its failures say "Not saved"."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from bbdispatch.services.context import Ctx

P = ParamSpec("P")
R = TypeVar("R")


def saves(
    service: Callable[Concatenate[Ctx, P], Awaitable[R]],
) -> Callable[Concatenate[Ctx, P], Awaitable[R]]:
    """Mark a service as a save: every read it makes, before its transaction too, is the save's.

    A save first reads (who acts, their rights, the record it changes) and
    only then begins its transaction. With the database out of reach (a
    PostgreSQL server down, the network gone) that first read failed with
    "The database could not be read", and the person who pressed Save was
    not told that nothing was saved. Inside this mark such a failure is
    "Not saved: ... What you typed is kept" (:meth:`Database.saving`), the
    same words as a failure inside the transaction. Every public service
    that writes carries it; ``tests/unit/test_saves_say_not_saved.py`` finds
    one that does not.

    Args:
        service: an async service function taking the :class:`Ctx` first.

    Returns:
        The same function, run inside ``ctx.db.saving()``.
    """

    @functools.wraps(service)
    async def saving(ctx: Ctx, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with ctx.db.saving():
            return await service(ctx, *args, **kwargs)

    return saving
