"""Moving the firm from SQLite to PostgreSQL: copy everything, then prove the copy whole.

``bbdispatch migrate --to postgresql://...`` (``docs/scaling.md``). An admin of
the SQLite database runs it; the target must be an empty bbdispatch database
(or an empty PostgreSQL database, which gets the schema).
"""

from __future__ import annotations

from dataclasses import dataclass

from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import N_, _
from bbdispatch.services import rights
from bbdispatch.services.context import Ctx
from bbdispatch.services.saving import saves
from bbdispatch.storage import transfer
from bbdispatch.storage.database import Database

FROM_A_SERVER = N_(
    "migrate copies an SQLite database into PostgreSQL; {source} is a PostgreSQL database"
    " already (copy it with pg_dump)"
)
"""Why ``migrate`` refuses a PostgreSQL source (SQLite's ``rowid`` and file are its input)."""


@dataclass(frozen=True)
class Moved:
    """What was copied and how it compared: rows per table, and whether every figure matched."""

    rows: dict[str, int]
    mismatches: list[str]
    """One line per table whose rows, money or minutes differ (empty: the copy is whole)."""


@saves
async def migrate_to(ctx: Ctx, url: str) -> Moved:
    """Copy the database of ``ctx`` into the empty database at ``url`` and compare both.

    The right is checked before the target is even reached.

    Raises:
        NotAllowed: the acting person is not an admin of the source.
        StorageError: the target cannot be opened.
        DomainError: the source is not an SQLite database (nothing is opened at
            ``url``); the target already holds data, or has another schema version.
    """
    await rights.check(ctx, Action.BACKUP)
    if ctx.db.dialect != "sqlite":
        raise DomainError(_(FROM_A_SERVER).format(source=ctx.db.display_name))
    target = await Database.open(url, create=True)
    try:
        return await _copy_and_compare(ctx, target)
    finally:
        await target.close()


async def _copy_and_compare(ctx: Ctx, target: Database) -> Moved:
    if await target.schema_version() != await ctx.db.schema_version():
        raise DomainError(
            _("{target} has schema {found}, {source} has {expected}; upgrade the older first.")
            .format(
                target=target.display_name, found=await target.schema_version(),
                source=ctx.db.display_name, expected=await ctx.db.schema_version(),
            )
        )  # fmt: skip
    if any(f.rows for f in await transfer.figures(target) if f.table != "id_high_water"):
        raise DomainError(
            _("{target} already has data; migrate copies into an empty database only.").format(
                target=target.display_name
            )
        )
    async with target.transaction():
        await transfer.copy_all(ctx.db, target)
    before = {f.table: f for f in await transfer.figures(ctx.db)}
    after = {f.table: f for f in await transfer.figures(target)}
    mismatches = [
        _("{table}: {source} here, {target} there").format(
            table=name, source=_described(before[name]), target=_described(after.get(name))
        )
        for name in sorted(before)
        if after.get(name) != before[name]
    ]
    if await transfer.audit_head(ctx.db) != await transfer.audit_head(target):
        mismatches.append(_("audit_log: the newest chain hash differs"))
    return Moved(rows={n: f.rows for n, f in before.items()}, mismatches=mismatches)


def _described(figures: transfer.TableFigures | None) -> str:
    """``296 rows, net_grosze 1234`` (or ``nothing``) for a mismatch line."""
    if figures is None:
        return "—"
    return ", ".join([f"{figures.rows} rows", *(f"{c} {v}" for c, v in figures.sums)])
