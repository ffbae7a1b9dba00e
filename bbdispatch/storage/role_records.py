"""A person's role as the audit trail records it: one row, its own link of the chain checked.

Apart from :mod:`bbdispatch.storage.audit` (which re-exports :class:`RoleRecord`)
because every command a dispatcher runs asks it (``docs/rights.md``, "Roles"),
``ring`` and ``lookup`` on every call among them: this module loads the chain's
hashing and ``json``, not the audit trail's writers and readers (issue 13: the
phone path costs at most 1.5× a bare script).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bbdispatch.clock import from_db
from bbdispatch.domain.audit_hash import GENESIS, canonical, digest, link
from bbdispatch.domain.people import ROLE_ACTIONS, Role, recorded_role
from bbdispatch.storage.database import Database


@dataclass(frozen=True)
class RoleRecord:
    """The newest audit row that records a person's role (``docs/rights.md``)."""

    id: int
    action: str
    actor: str
    at: datetime
    role: Role | None
    """The role it records; ``None`` when its detail names none (emptied, say)."""
    intact: bool
    """Whether its hash still follows from the row before it and its own content."""


async def role_record(db: Database, person_id: int) -> RoleRecord | None:
    """The newest audit row recording person ``person_id``'s role, or ``None``.

    Its own link of the chain is checked (one read: the row and the hash of the
    row before it): a row whose detail or hash was edited by hand is not
    ``intact``. The rest of the chain is ``audit verify``'s business.
    """
    marks = ",".join("?" * len(ROLE_ACTIONS))
    # A point read (one indexed row): every rights check of a person makes it, a
    # screen's reload on another process's commit among them.
    rows = await db.fetch_point(
        "SELECT a.*, (SELECT b.chain_hash FROM audit_log b WHERE b.id < a.id"
        " ORDER BY b.id DESC LIMIT 1) AS before_hash"
        " FROM audit_log a WHERE a.entity = 'technician' AND a.entity_id = ?"
        f" AND a.action IN ({marks}) ORDER BY a.id DESC LIMIT 1",
        (person_id, *ROLE_ACTIONS),
    )
    row = rows[0] if rows else None
    if row is None:
        return None
    before = row["before_hash"]
    # A file not yet upgraded to migration 028 (doctor opens it as it is) has no salts.
    salt = row["detail_salt"] if "detail_salt" in set(row.keys()) else None
    detail_digest = digest(row["detail"], salt)
    expected = link(
        GENESIS if before is None else str(before),
        canonical(
            row["id"], row["at"], row["actor"], row["entity"], row["entity_id"],
            row["action"], detail_digest,
        ),
    )  # fmt: skip
    try:
        detail = json.loads(row["detail"])
    except ValueError:
        detail = None
    return RoleRecord(
        id=int(row["id"]), action=row["action"], actor=row["actor"], at=from_db(row["at"]),
        role=recorded_role(row["action"], detail),
        intact=detail_digest == row["detail_digest"] and expected == row["chain_hash"],
    )  # fmt: skip
