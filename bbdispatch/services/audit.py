"""Writing and reading the audit trail."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import grp
import json
import os
import pwd
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bbdispatch.domain.audit import AuditEntry
from bbdispatch.domain.audit_chain import ChainCheck, Seal, verify
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.storage import audit as audit_store
from bbdispatch.storage import people as people_store


async def record(ctx: Ctx, entity: str, entity_id: int | None, action: str, **detail: Any) -> None:
    """Record a change; call inside the transaction that makes the change."""
    await audit_store.insert_audit(
        ctx.db, ctx.clock.now(), ctx.actor, entity, entity_id, action, detail
    )


async def record_many(
    ctx: Ctx, entity: str, action: str, items: Sequence[tuple[int | None, dict[str, Any]]]
) -> None:
    """Record many changes of one kind (entity id, detail) inside the transaction making them."""
    await audit_store.insert_audit_many(ctx.db, ctx.clock.now(), ctx.actor, entity, action, items)


async def trail(ctx: Ctx, entity: str, entity_id: int) -> list[AuditEntry]:
    """Who changed this thing, when and how."""
    await check(ctx, Action.AUDIT_VIEW)
    return await audit_store.audit_for(ctx.db, entity, entity_id)


def seal_path(db_path: Path) -> Path:
    """Where the chain's head is sealed: ``<database>.audit-head`` beside the file."""
    return db_path.with_name(db_path.name + ".audit-head")


def read_seal(path: Path) -> Seal | None:
    """The sealed head in ``path``, or ``None`` when nothing was sealed yet.

    Raises:
        DomainError: the seal file exists but cannot be read as a seal.
    """
    found = _read_seal_file(path)
    return None if found is None else found[0]


SEAL_MAX_BYTES = 4096
"""A seal is a few lines of JSON; anything longer is not one (and is never read whole)."""


def _read_seal_file(path: Path) -> tuple[Seal, str] | None:
    """The sealed head and who sealed it, or ``None`` (see :func:`read_seal`).

    Only a plain file is read, and only its first :data:`SEAL_MAX_BYTES`: a
    link, a named pipe or a device planted under the seal's name (a pipe would
    block ``audit verify`` for ever, a link to ``/dev/zero`` fill the memory)
    is refused before a byte is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise DomainError(_not_plain(path)) from err
        raise DomainError(_unreadable(path, err)) from err
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DomainError(_not_plain(path))
        raw = os.read(fd, SEAL_MAX_BYTES + 1)
    except OSError as err:
        raise DomainError(_unreadable(path, err)) from err
    finally:
        os.close(fd)
    try:
        if len(raw) > SEAL_MAX_BYTES:
            raise ValueError(f"longer than {SEAL_MAX_BYTES} bytes")
        data = json.loads(raw.decode("utf-8"))
        return Seal(int(data["id"]), str(data["chain_hash"])), str(data.get("sealed_by", ""))
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise DomainError(_unreadable(path, err)) from err


def _unreadable(path: Path, err: Exception) -> str:
    return _("The audit seal {path} cannot be read ({err}).").format(path=path, err=err)


def _not_plain(path: Path) -> str:
    return _(
        "the audit seal {path} is not a plain file (a link?): it may have been planted; "
        "remove it as root and seal again"
    ).format(path=path)


def _in_group(uid: int, gid: int) -> bool:
    """Whether the login ``uid`` belongs to group ``gid`` (primary or supplementary)."""
    try:
        account = pwd.getpwuid(uid)
    except KeyError:
        return True  # no such login: it cannot be vouched for
    if account.pw_gid == gid:
        return True
    try:
        return account.pw_name in grp.getgrgid(gid).gr_mem
    except KeyError:
        return False


def _login_of(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def planted_seal(path: Path, sealed_by: str, db_path: Path, admins: list[str]) -> str:
    """Why the seal file cannot be trusted, or ``""``.

    Anyone who can write the database can also create a file beside it (the
    folder is group-writable), so a seal only counts when a technician could
    not have made it: a plain file (not a link), writable by its owner alone,
    owned by root; or by the database file's owner while that owner is one of
    ``admins`` (the database's admin logins: a technician who created a
    database, or was demoted on one, owns the file but is not trusted for it;
    ``init`` makes whoever creates a database its first admin, only root may
    name another); or by the admin it names when that login is not in the
    database's group (so could not have made itself an admin by writing the file).
    """
    try:
        info = path.lstat()
        db_info = db_path.stat()
        db_owner = db_info.st_uid
    except OSError as err:
        return _unreadable(path, err)
    owner = _login_of(info.st_uid)
    if not stat.S_ISREG(info.st_mode):
        return _not_plain(path)
    if info.st_mode & 0o022:
        return _(
            "the audit seal {path} is {mode:o}: others than its owner could have written it; "
            "check it, then run: chmod 644 {path}"
        ).format(path=path, mode=stat.S_IMODE(info.st_mode))
    trusted = (
        info.st_uid == 0
        or (info.st_uid == db_owner and owner in admins)
        or (owner == sealed_by and owner in admins and not _in_group(info.st_uid, db_info.st_gid))
    )
    if not trusted:
        return _(
            "the audit seal {path} belongs to {owner}, not to root or an admin outside the "
            "database's group: it may have been planted; check it, remove it as root and seal "
            "again"
        ).format(path=path, owner=owner)
    return ""


def _trust_reference(ctx: Ctx, seal: Path) -> Path:
    """The file whose owner and group a seal is trusted against (:func:`planted_seal`).

    SQLite: the database file. PostgreSQL has no file here: its seal lives in
    the sealing login's own data folder on this machine (``docs/audit.md``),
    so the folder holding it stands in for the file (its owner, its group).
    """
    return ctx.db.path if ctx.db.dialect == "sqlite" else seal.parent


async def verify_trail(ctx: Ctx) -> ChainCheck:
    """Check every audit row's hash against the row before, and the sealed head if any.

    Raises:
        Refused: the acting person may not verify the trail.
        DomainError: the seal file is unreadable.
    """
    await check(ctx, Action.AUDIT_VERIFY)
    path = seal_path(ctx.db.path)
    found = _read_seal_file(path)
    rows = [row async for row in audit_store.chained_rows(ctx.db)]
    result = verify(rows, None if found is None else found[0])
    if found is not None and result.ok:
        from bbdispatch.services.rights import trusted_admins

        admins = await trusted_admins(ctx.db)  # not one made an admin outside bbdispatch
        problem = planted_seal(path, found[1], _trust_reference(ctx, path), admins)
        if problem:
            return dataclasses.replace(result, problem=problem)
    return result


async def role_mismatches(ctx: Ctx) -> list[str]:
    """One line per active person whose role in the table is more than the trail records.

    Such a role was written outside bbdispatch (``sqlite3``): the person acts
    with the recorded one (:func:`~bbdispatch.services.rights.trusted_role`).

    Raises:
        Refused: the acting person may not verify the trail.
    """
    await check(ctx, Action.AUDIT_VERIFY)
    from bbdispatch.services.rights import mismatch_text, trusted_role

    lines: list[str] = []
    for person in await people_store.all_people(ctx.db):
        trusted = await trusted_role(ctx.db, person)
        if trusted.mismatch:
            lines.append(mismatch_text(person.login, trusted))
    return lines


async def roles_since_seal(ctx: Ctx) -> list[str]:
    """One line per dispatcher's or admin's role given after the sealed head, oldest first.

    The seal protects the rows up to it; a role row appended after it, even
    one that chains correctly, is only as good as whoever could write the
    file. Listed so the admin looks at each before sealing over it
    (``docs/rights.md``, "Roles"). Empty without a seal (nothing to compare).

    Raises:
        Refused: the acting person may not verify the trail.
        DomainError: the seal file is unreadable.
    """
    await check(ctx, Action.AUDIT_VERIFY)
    seal = read_seal(seal_path(ctx.db.path))
    if seal is None:
        return []
    from bbdispatch.clock import format_local
    from bbdispatch.domain.labels import ROLE_LABEL

    return [
        _("since the seal: {login} made {role} by {actor} on {at} (audit row {id})").format(
            login=given.login or "?",
            role=ROLE_LABEL[given.record.role],
            actor=given.record.actor,
            at=format_local(given.record.at),
            id=given.record.id,
        )  # fmt: skip
        for given in await audit_store.roles_given_after(ctx.db, seal.id)
        if given.record.role is not None
    ]


async def seal_trail(ctx: Ctx) -> Seal | None:
    """Verify the trail, then write its head to the seal file (admins; ``audit verify --seal``).

    The file is written by the admin's own process, ``0644``: technicians (who
    can write the database) cannot change it, so a trail rewritten after it no
    longer matches (``docs/audit.md``). Returns the sealed head (``None``: empty).

    Raises:
        Refused: the acting person is not an admin.
        DomainError: the trail is broken (nothing is sealed).
    """
    await check(ctx, Action.AUDIT_SEAL)
    result = await verify_trail(ctx)
    if not result.ok:
        raise DomainError(result.problem)
    if result.head is None:
        return None
    path = seal_path(ctx.db.path)
    data = {
        "id": result.head.id,
        "chain_hash": result.head.chain_hash,
        "sealed_at": ctx.clock.now().isoformat(timespec="seconds"),
        "sealed_by": ctx.actor,
    }
    import tempfile  # only sealing needs it; the phone path imports this module

    # A fresh file of our own (O_EXCL, no link followed): a name prepared by
    # someone else in the group-writable folder is never written through.
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, indent=2) + "\n")
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise DomainError(
            _("Cannot write the audit seal {path}: {err}").format(
                path=path, err=err.strerror or err
            )
        ) from err
    return result.head
