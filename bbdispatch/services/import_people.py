"""Loading the firm's people from a spreadsheet: login, name, role, skills, on-site.

All or nothing per file, like the client import: every row is checked first
and every problem reported by line and column. A login already in the database
with the same role is brought up to date from the row (name, skills, on-site,
phone: what ``init`` could not know about the first admin), never its role;
running the import twice changes nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from bbdispatch.domain.jobs import Category
from bbdispatch.domain.labels import ROLE_LABEL
from bbdispatch.domain.people import OS_LOGIN, Role, Technician, login_problem
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.phones import InvalidPhoneNumber, parse_phone
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check as check_right
from bbdispatch.services.saving import saves
from bbdispatch.services.spreadsheet import (
    Checked,
    ImportFileError,
    RowProblem,
    alias_map,
    as_written,
    fold,
    foreign_digit_problem,
    headers_of,
    parse_yes_no,
    read_sheet,
)
from bbdispatch.storage import people as store

COLUMNS = ("login", "name", "role", "skills", "onsite", "phone")
"""The columns of a people file; ``login`` and ``name`` are required."""

ALIASES = alias_map(
    {
        "login": ("konto", "login ssh", "uzytkownik"),
        "name": ("imie i nazwisko", "nazwisko", "osoba"),
        "role": ("rola", "stanowisko"),
        "skills": ("umiejetnosci", "specjalizacje", "kategorie"),
        "onsite": ("on-site", "on site", "na miejscu", "wyjazdy", "u klienta", "does onsite"),
        "phone": ("telefon", "tel", "komorka"),
    }
)
"""English and Polish headers a people file may use."""

POLISH_NAMES = {
    "login": "Login", "name": "Imię i nazwisko", "role": "Rola", "skills": "Umiejętności",
    "onsite": "Na miejscu", "phone": "Telefon",
}  # fmt: skip
"""Each column's Polish header, for problems of a file with Polish headers."""

POLISH_SKILLS = {
    Category.HARDWARE: "sprzęt", Category.SOFTWARE: "oprogramowanie", Category.NETWORK: "sieć",
    Category.BACKUP: "kopie zapasowe", Category.TRAINING: "szkolenia", Category.OTHER: "inne",
}  # fmt: skip
"""The Polish word for each skill, as a file with Polish headers is told them."""

ROLES = {
    fold(name): role
    for role, names in {
        Role.ADMIN: ("admin", "administrator"),
        Role.DISPATCHER: ("dispatcher", "dyspozytor", "dyspozytorka"),
        Role.TECHNICIAN: ("technician", "technik", "serwisant", ""),
    }.items()
    for name in names
}
"""Role words in either language; an empty cell means technician."""

SKILLS = {
    fold(name): cat
    for cat, names in {
        Category.HARDWARE: ("hardware", "sprzet"),
        Category.SOFTWARE: ("software", "oprogramowanie"),
        Category.NETWORK: ("network", "siec", "sieci"),
        Category.BACKUP: ("backup", "kopie", "kopie zapasowe"),
        Category.TRAINING: ("training", "szkolenia", "szkolenie"),
        Category.OTHER: ("other", "inne"),
    }.items()
    for name in names
}
"""Skill words in either language."""

LOGIN = OS_LOGIN
"""What an OS (SSH) login looks like (one rule: :data:`bbdispatch.domain.people.OS_LOGIN`)."""


def skill_words(*, polish: bool) -> list[str]:
    """The skills as a file is told them: Polish words for a Polish file, else English."""
    return [POLISH_SKILLS[c] if polish else c.value for c in Category]


@dataclass(frozen=True)
class PersonRow:
    """One checked row of a people file (``name`` is "" when its cell is empty)."""

    line: int
    login: str
    name: str
    role: Role
    skills: frozenset[str]
    does_onsite: bool
    phone: str | None
    given: frozenset[str] = frozenset()
    """The columns whose cell is not empty: only these update a person already there."""


@dataclass(frozen=True)
class PeopleSummary:
    """What a people import did (or, with ``check``, would do)."""

    added: int
    skipped: int
    """Rows whose login was already a person of the firm, nothing to change."""
    updated: int = 0
    """Rows whose login was already a person of the firm, brought up to date."""


@dataclass(frozen=True)
class PeopleFile:
    """A people file read in one pass: its good rows and every problem of its own.

    The database part (roles that differ) is checked for the good rows by
    :func:`import_people`, so one ``--check`` lists both kinds of problem.
    """

    rows: Checked[PersonRow]
    """The rows with no problem of their own, remembering the file's headers."""
    problems: list[RowProblem]
    """Problems found in the file alone (canonical column names)."""
    warnings: list[RowProblem] = field(default_factory=list)
    """Columns left out (unknown headers), as the file writes them."""

    def error(self, more: Iterable[RowProblem] = ()) -> ImportFileError:
        """Every problem, these and ``more`` (named already), by the file's headers, by line."""
        mine = as_written(self.problems, self.rows.written)
        return ImportFileError(sorted([*mine, *more], key=lambda p: p.line))


def parse_people_csv(source: str | Iterable[str]) -> list[PersonRow]:
    """Check a whole people file (no database).

    Raises:
        ImportFileError: every bad row, by line and column.
    """
    found = read_people(source)
    if found.problems:
        raise found.error()
    return found.rows


def read_people(source: str | Iterable[str]) -> PeopleFile:
    """Read a whole people file, collecting every problem of its rows (no database).

    Raises:
        ImportFileError: the file is empty, or its header is wrong.
    """
    sheet = read_sheet(source, ALIASES, required=("login", "name"), polish_names=POLISH_NAMES)
    problems: list[RowProblem] = list(sheet.problems)
    rows: list[PersonRow] = []
    seen: dict[str, int] = {}
    for r in sheet.rows:
        bad: list[RowProblem] = []
        login = r.get("login")
        if (odd := login_problem(login)) is not None:
            bad.append(RowProblem(r.line, "login", odd))
        elif login in seen:
            bad.append(RowProblem(r.line, "login", _("also on line {m}.").format(m=seen[login])))
        # An empty name keeps the one a person already there has; for a new
        # login it is a bad row, told by import_people, which knows who is there.
        # A login that is no login can be nobody there: its empty name is told now.
        if not r.get("name") and login_problem(login) is not None:
            bad.append(RowProblem(r.line, "name", _("the name is empty.")))
        role = ROLES.get(fold(r.get("role")))
        if role is None:
            bad.append(
                RowProblem(
                    r.line,
                    "role",
                    _(
                        "must be technician/technik, dispatcher/dyspozytor or admin, not '{v}'."
                    ).format(v=r.get("role")),
                )
            )
        skills: set[str] = set()
        for word in re.split(r"[,;|/]+", r.get("skills")):
            if not word.strip():
                continue
            cat = SKILLS.get(fold(word))
            if cat is None:
                bad.append(
                    RowProblem(
                        r.line,
                        "skills",
                        _("unknown skill '{v}'; use {known}.").format(
                            v=word.strip(), known=", ".join(skill_words(polish=sheet.polish))
                        ),
                    )
                )
            else:
                skills.add(cat.value)
        onsite = parse_yes_no(r.get("onsite"), default=True)
        if onsite is None:
            bad.append(
                RowProblem(
                    r.line,
                    "onsite",
                    _("must be yes/tak or no/nie, not '{v}'.").format(v=r.get("onsite")),
                )
            )
        phone: str | None = None
        if (odd := foreign_digit_problem(r.get("phone"))) is not None:
            bad.append(RowProblem(r.line, "phone", odd))
        elif r.get("phone"):
            try:
                phone = parse_phone(r.get("phone"))
            except InvalidPhoneNumber as err:
                bad.append(RowProblem(r.line, "phone", str(err)))
        if bad or role is None or onsite is None:
            problems.extend(bad)
            continue
        seen[login] = r.line
        given = frozenset(c for c in COLUMNS if r.get(c))
        rows.append(
            PersonRow(r.line, login, r.get("name"), role, frozenset(skills), onsite, phone, given)
        )
    return PeopleFile(Checked(rows, sheet.written), problems, sheet.warnings)


@saves
async def import_people(ctx: Ctx, rows: list[PersonRow], *, check: bool = False) -> PeopleSummary:
    """Add the people not yet in the database, update those there, in one transaction.

    A login already there with the same role is brought up to date from the
    row's non-empty cells (name, skills, on-site, phone; ``init`` made the
    first admin with only a login), audited as ``details_imported``, or
    skipped when nothing differs; an empty cell keeps what is there, the
    name included. With another role it is a bad row (column ``role``): the
    import never changes a role quietly, nor leaves it different from the
    file without saying so. A new login with an empty name is a bad row
    (column ``name``). Admins only.

    Args:
        ctx: the service context (an admin acting).
        rows: the checked rows of the file.
        check: only compare with the database; write nothing.

    Raises:
        NotAllowed: the acting person is not an admin.
        ImportFileError: logins whose role in the database differs, new
            logins without a name, each by line and column (nothing is written).
    """
    added = skipped = 0
    async with ctx.db.transaction():
        await check_right(ctx, Action.PEOPLE_MANAGE)
        problems: list[RowProblem] = []
        new: list[PersonRow] = []
        changed: list[tuple[Technician, Technician]] = []
        for row in rows:
            existing = await store.person_by_login(ctx.db, row.login)
            if existing is None:
                if "name" not in row.given:
                    problems.append(RowProblem(row.line, "name", _("the name is empty.")))
                    continue
                new.append(row)
            elif existing.role is row.role and existing.active:
                wanted = _updated(existing, row)
                if wanted == existing:
                    skipped += 1
                else:
                    changed.append((existing, wanted))
            elif existing.role is not row.role:
                problems.append(
                    RowProblem(
                        row.line,
                        "role",
                        _(
                            "{login} is already a person of the firm as {old}, not {new}; "
                            "the import does not change roles: correct the file."
                        ).format(
                            login=row.login,
                            old=ROLE_LABEL[existing.role],
                            new=ROLE_LABEL[row.role],
                        ),
                    )
                )
            else:
                skipped += 1
        if problems:
            raise ImportFileError(as_written(problems, headers_of(rows)))
        if check:
            return PeopleSummary(len(new), skipped, len(changed))
        for old, person in changed:
            await store.update_person_details(
                ctx.db, person.id, name=person.name, does_onsite=person.does_onsite,
                phone=person.phone, skills=person.skills,
            )  # fmt: skip
            before, after = _fields(old), _fields(person)
            await audit.record(
                ctx, "technician", person.id, "details_imported", login=person.login,
                **{k: [v, after[k]] for k, v in before.items() if after[k] != v},
            )  # fmt: skip
        for row in new:
            person_id = await store.insert_person(
                ctx.db, row.login, row.name, row.role,
                does_onsite=row.does_onsite, phone=row.phone, skills=row.skills,
            )  # fmt: skip
            await audit.record(
                ctx, "technician", person_id, "imported", login=row.login, role=row.role.value
            )
            added += 1
    return PeopleSummary(added, skipped, len(changed))


def _updated(person: Technician, row: PersonRow) -> Technician:
    """``person`` as the row has them: each column the row fills in replaces its value."""
    return replace(
        person,
        name=row.name if "name" in row.given else person.name,
        skills=row.skills if "skills" in row.given else person.skills,
        does_onsite=row.does_onsite if "onsite" in row.given else person.does_onsite,
        phone=row.phone if "phone" in row.given else person.phone,
    )


def _fields(person: Technician) -> dict[str, object]:
    """What a people import may change, for the audit row (skills as a sorted list)."""
    return {
        "name": person.name, "does_onsite": person.does_onsite, "phone": person.phone,
        "skills": sorted(person.skills),
    }  # fmt: skip
