"""The audit chain's hashing alone: what a row's hash covers, and how it is computed.

The rules are :mod:`bbdispatch.domain.audit_chain`'s (which re-exports these);
they live apart so that checking one row (a person's recorded role, on every
command a dispatcher runs, ``ring`` and ``lookup`` included) loads no more than
``hashlib`` and ``json``.
"""

from __future__ import annotations

import hashlib
import json
import secrets

GENESIS = "0" * 64
"""The "hash" before the first row."""


def digest(detail: str, salt: str | None = None) -> str:
    """The sha256 (hex) of a detail's stored JSON text, after its row's salt if it has one.

    ``salt``: the row's ``detail_salt`` (hex text, migration 028), hashed
    before the detail, so that the digest of an erased detail (salt and
    detail both emptied) cannot confirm a guess of what it said. ``None`` or
    ``""``: a row written before migration 028, hashed without a salt.
    """
    return hashlib.sha256((salt or "").encode("ascii") + detail.encode("utf-8")).hexdigest()


def new_salt() -> str:
    """A fresh random salt for one audit row's detail digest (16 bytes as 32 hex digits)."""
    return secrets.token_hex(16)


def canonical(
    row_id: int,
    at: str,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    detail_digest: str,
) -> bytes:
    """The bytes a row's hash covers (every column but the hash; the detail by its digest)."""
    fields = [row_id, at, actor, entity, entity_id, action, detail_digest]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link(previous: str, content: bytes) -> str:
    """The hash of a row whose canonical bytes are ``content``, after ``previous``."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + content).hexdigest()
