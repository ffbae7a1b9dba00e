r"""The audit trail's hash chain: each row's hash covers its content and the row before.

Pure functions over the rows as stored (text and numbers), so the writer, the
migration that chains old rows and ``bbdispatch audit verify`` compute exactly
the same thing. ``docs/audit.md`` says what the chain does and does not prove.

The hash of row *n* is ``sha256(hash(n-1) + "\n" + canonical(n))`` in hex,
where ``canonical`` is the compact JSON array ``[id, at, actor, entity,
entity_id, action, detail_digest]`` (UTF-8, no spaces), ``detail_digest`` the
sha256 of the row's random ``detail_salt`` followed by the detail text (rows
written before migration 028 have no salt: the sha256 of the detail alone), and
the row before the first is :data:`GENESIS`. Hashing the detail's digest, kept
in its own column, lets a privacy erasure empty a detail (``{}``) and drop its
salt without breaking the chain: such rows are counted as erased, any other
change to a detail is a break. Without the salt, the digest of an erased detail
can no longer confirm a guess of what it said.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bbdispatch.domain.audit_hash import GENESIS as GENESIS
from bbdispatch.domain.audit_hash import canonical as canonical
from bbdispatch.domain.audit_hash import digest as digest
from bbdispatch.domain.audit_hash import link as link
from bbdispatch.domain.audit_hash import new_salt as new_salt
from bbdispatch.i18n import _


@dataclass(frozen=True)
class ChainedRow:
    """One audit row as stored: ``at`` in stored UTC text, ``detail`` as its JSON text."""

    id: int
    at: str
    actor: str
    entity: str
    entity_id: int | None
    action: str
    detail: str
    detail_digest: str
    """sha256 of the salt and detail as first written (it stays when the detail is erased)."""
    chain_hash: str
    detail_salt: str | None = None
    """The row's random salt (hex); ``None`` before migration 028 and after an erasure."""


@dataclass(frozen=True)
class Seal:
    """The chain's head as last written where technicians cannot write."""

    id: int
    chain_hash: str


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of verifying the trail.

    Attributes:
        rows: how many rows were checked.
        head: the last row's id and hash (``None`` for an empty trail).
        broken_id: the first row whose hash does not hold, else ``None``.
        problem: one line saying what is wrong ("" when intact).
        erased: rows whose details were erased for privacy (``{}``).
    """

    rows: int
    head: Seal | None
    broken_id: int | None = None
    problem: str = ""
    erased: int = 0
    """Rows whose details a privacy erasure emptied (not a break)."""

    @property
    def ok(self) -> bool:
        """True when every row chains to the one before and the seal is in place."""
        return not self.problem


ERASED = "{}"
"""The detail of a row a privacy erasure emptied."""


def row_hash(previous: str, row: ChainedRow) -> str:
    """What ``row.chain_hash`` must be after a row hashed ``previous``."""
    return link(
        previous,
        canonical(
            row.id, row.at, row.actor, row.entity, row.entity_id, row.action, row.detail_digest
        ),
    )


def verify(rows: Iterable[ChainedRow], seal: Seal | None = None) -> ChainCheck:
    """Walk the rows in id order; name the first that was changed or follows a deleted one.

    With a ``seal``, the trail must still hold the sealed row with the sealed
    hash: that catches rows deleted from the end and a chain rewritten from the
    start (which keeps itself consistent but cannot reproduce the sealed hash).
    """
    previous, previous_id, count, erased = GENESIS, 0, 0, 0
    sealed_seen = False
    for row in rows:
        count += 1
        if digest(row.detail, row.detail_salt) != row.detail_digest:
            if row.detail != ERASED:
                problem = _("audit row {id}: details changed").format(id=row.id)
                return ChainCheck(count, Seal(row.id, row.chain_hash), row.id, problem, erased)
            erased += 1
        if row.chain_hash != row_hash(previous, row):
            if row.id != previous_id + 1:
                problem = _(
                    "audit row {id}: chain broken; rows {first}–{last} before it were deleted"
                ).format(id=row.id, first=previous_id + 1, last=row.id - 1)
            else:
                problem = _("audit row {id}: changed (or a row before it was replaced)").format(
                    id=row.id
                )
            return ChainCheck(count, Seal(row.id, row.chain_hash), row.id, problem, erased)
        if seal is not None and row.id == seal.id:
            if row.chain_hash != seal.chain_hash:
                problem = _(
                    "audit row {id}: differs from the sealed head; the trail was rewritten"
                ).format(id=row.id)
                return ChainCheck(count, Seal(row.id, row.chain_hash), row.id, problem, erased)
            sealed_seen = True
        previous, previous_id = row.chain_hash, row.id
    head = Seal(previous_id, previous) if count else None
    if seal is not None and not sealed_seen:
        problem = _(
            "audit row {id}: sealed but missing; the trail ends at row {last} (rows deleted)"
        ).format(id=seal.id, last=previous_id)
        return ChainCheck(count, head, seal.id, problem, erased)
    return ChainCheck(count, head, erased=erased)
