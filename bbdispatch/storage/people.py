"""Queries about the firm's people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bbdispatch.domain.people import Role, Technician
from bbdispatch.storage.database import Database, Row, id_chunks, next_id


def person_from_row(row: Row, skills: frozenset[str]) -> Technician:
    """A ``technician`` row and the person's skill categories as a Technician."""
    return Technician(
        id=row["id"],
        login=row["login"],
        name=row["name"],
        role=Role(row["role"]),
        does_onsite=bool(row["does_onsite"]),
        phone=row["phone"],
        active=bool(row["active"]),
        skills=skills,
    )


async def insert_person(
    db: Database,
    login: str,
    name: str,
    role: Role,
    *,
    does_onsite: bool = True,
    phone: str | None = None,
    skills: frozenset[str] = frozenset(),
) -> int:
    """Add a person of the firm; returns the new id."""
    person_id = await db.execute(
        "INSERT INTO technician (id, login, name, role, does_onsite, phone)"
        f" VALUES ({next_id('technician')}, ?, ?, ?, ?, ?)",
        (login, name, role.value, int(does_onsite), phone),
    )
    await db.execute_many(
        "INSERT INTO technician_skill (technician_id, category) VALUES (?, ?)",
        [(person_id, s) for s in sorted(skills)],
    )
    return person_id


async def _load(db: Database, where: str, params: tuple[object, ...]) -> list[Technician]:
    # Point reads: every service's rights check starts here (a few rows by key).
    rows = await db.fetch_point(f"SELECT * FROM technician WHERE {where} ORDER BY name", params)
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    if len(ids) > 50:  # the whole firm: every skill
        skill_rows = await db.fetch_point("SELECT technician_id, category FROM technician_skill")
    else:
        skill_rows = await db.fetch_point(
            "SELECT technician_id, category FROM technician_skill"
            f" WHERE technician_id IN ({','.join('?' * len(ids))})",
            ids,
        )
    skills: dict[int, set[str]] = {}
    for s in skill_rows:
        skills.setdefault(s["technician_id"], set()).add(s["category"])
    return [person_from_row(r, frozenset(skills.get(r["id"], ()))) for r in rows]


async def person_by_login(db: Database, login: str) -> Technician | None:
    """The person with this OS login, if they are in the database."""
    found = await _load(db, "login = ?", (login,))
    return found[0] if found else None


async def person_by_id(db: Database, person_id: int) -> Technician | None:
    """The person with this id."""
    found = await _load(db, "id = ?", (person_id,))
    return found[0] if found else None


async def people_with_ids(db: Database, person_ids: Sequence[int]) -> list[Technician]:
    """The people with these ids (active or not), by name; unknown ids are left out."""
    found: list[Technician] = []
    for chunk in id_chunks(sorted(set(person_ids))):
        found += await _load(db, f"id IN ({','.join('?' * len(chunk))})", tuple(chunk))
    return sorted(found, key=lambda p: p.name)


async def all_people(db: Database, *, active_only: bool = True) -> list[Technician]:
    """Everyone at the firm, by name."""
    return await _load(db, "active = 1" if active_only else "1 = 1", ())


async def set_role(db: Database, person_id: int, role: Role) -> None:
    """Change a person's role (inside the caller's transaction)."""
    await db.execute("UPDATE technician SET role = ? WHERE id = ?", (role.value, person_id))


async def update_person_details(
    db: Database,
    person_id: int,
    *,
    name: str,
    does_onsite: bool,
    phone: str | None,
    skills: frozenset[str],
) -> None:
    """Replace a person's name, on-site flag, phone (E.164 or None) and skills.

    Never the login or the role (a role has its own audited path, :func:`set_role`).
    Inside the caller's transaction.
    """
    await db.execute(
        "UPDATE technician SET name = ?, does_onsite = ?, phone = ? WHERE id = ?",
        (name, int(does_onsite), phone, person_id),
    )
    await db.execute("DELETE FROM technician_skill WHERE technician_id = ?", (person_id,))
    await db.execute_many(
        "INSERT INTO technician_skill (technician_id, category) VALUES (?, ?)",
        [(person_id, s) for s in sorted(skills)],
    )


async def admin_logins(db: Database) -> list[str]:
    """Logins of the active admins, alphabetically: none means nobody can manage the firm."""
    rows = await db.fetch_all(
        "SELECT login FROM technician WHERE role = 'admin' AND active = 1 ORDER BY login"
    )
    return [r["login"] for r in rows]


@dataclass(frozen=True)
class ForeignRole:
    """What the server lets a session's database role do, when that role is not the login's.

    PostgreSQL with ``pg_roles.sql`` (``docs/scaling.md``, "Roles").
    """

    name: str
    """The database role the session logged in as."""
    restricted: bool
    """Row-level security applies: a member of ``bbdispatch_technician`` (no
    superuser, no ``BYPASSRLS``) reads and writes only the rows of the person
    named as the role, and adds audit rows only in that name."""
    may_erase: bool
    """The role may empty an audit row's detail (``UPDATE`` of ``audit_log.detail``):
    what an admin's privacy erasure needs, granted to ``bbdispatch_admin``."""


async def foreign_role(db: Database, login: str) -> ForeignRole | None:
    """The session's database role and its limits when it is not ``login``, else None.

    None on SQLite (no roles) and when the role is ``login`` itself (known
    without asking the server: each person connecting as themselves pays no
    round trip). Otherwise one query asks the server what the role may do.
    """
    if db.dialect != "postgresql" or db.session_role == login:
        return None
    row = await db.fetch_one(
        "SELECT current_user::text AS name, coalesce((SELECT NOT r.rolsuper AND NOT r.rolbypassrls"
        " FROM pg_roles r WHERE r.rolname = current_user), false)"
        " AND coalesce(pg_has_role(current_user, to_regrole('bbdispatch_technician'),"
        " 'MEMBER'), false) AS restricted,"
        " has_column_privilege('audit_log', 'detail', 'UPDATE') AS may_erase"
    )
    if row is None:  # pragma: no cover - a SELECT without FROM returns one row
        return None
    return ForeignRole(str(row["name"]), bool(row["restricted"]), bool(row["may_erase"]))
