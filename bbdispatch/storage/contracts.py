"""Contracts and needs assessments: the only writer of both, and the minutes charged to them.

Prices go in and come out as Decimal (net and VAT rate), days as dates and
moments as aware datetimes; their stored forms stay in this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.contracts import Contract, ContractStatus, NeedsAssessment
from bbdispatch.domain.products import ProductType
from bbdispatch.money import from_grosze, rate_from_bp, rate_to_bp, to_grosze
from bbdispatch.storage.database import Database, Row, id_chunks, like_literal, member, next_id


def contract_from_row(row: Row) -> Contract:
    """A ``contract`` row as a Contract."""
    return Contract(
        id=row["id"],
        client_id=row["client_id"],
        product_code=row["product_code"],
        kind=member(ProductType, row["kind"]),
        number=row["number"],
        title=row["title"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]) if row["ends_on"] else None,
        minutes_included=row["minutes_included"],
        net=from_grosze(row["net_grosze"]),
        vat_rate=rate_from_bp(row["vat_rate_bp"]),
        status=member(ContractStatus, row["status"]),
        assessment_id=row["assessment_id"],
        signed_at=from_db(row["signed_at"]),
        signed_by=row["signed_by"],
        opening_used_minutes=row["opening_used_minutes"],
    )


async def insert_contract(
    db: Database,
    *,
    client_id: int,
    product_code: str,
    kind: ProductType,
    number: str,
    title: str,
    starts_on: date,
    ends_on: date | None,
    minutes_included: int | None,
    net: Decimal,
    vat_rate: Decimal,
    assessment_id: int | None,
    signed_at: datetime,
    signed_by: str,
    opening_used_minutes: int = 0,
) -> int:
    """Record a signed contract with its price snapshot; returns the new id.

    ``opening_used_minutes``: for a block brought over from before bbdispatch,
    the minutes already used then (the opening balance).
    """
    return await db.execute(
        "INSERT INTO contract (id, client_id, product_code, kind, number, title, starts_on,"
        " ends_on, minutes_included, net_grosze, vat_rate_bp, assessment_id, signed_at,"
        f" signed_by, opening_used_minutes) VALUES ({next_id('contract')},"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            client_id,
            product_code,
            kind.value,
            number,
            title,
            starts_on.isoformat(),
            ends_on.isoformat() if ends_on else None,
            minutes_included,
            to_grosze(net),
            rate_to_bp(vat_rate),
            assessment_id,
            to_db(signed_at),
            signed_by,
            opening_used_minutes,
        ),
    )


async def set_contract_status(db: Database, contract_id: int, status: ContractStatus) -> None:
    """Write back a status the hours and dates give (used up, expired, active again)."""
    await db.execute("UPDATE contract SET status = ? WHERE id = ?", (status.value, contract_id))


async def close_contract(db: Database, contract_id: int, ends_on: date | None) -> None:
    """Close a contract by hand, ending it on ``ends_on`` (None: it never ran).

    Closing one early ends its monthly fees; the service decides the day.
    """
    await db.execute(
        "UPDATE contract SET status = ?, ends_on = ? WHERE id = ?",
        (ContractStatus.CLOSED.value, ends_on.isoformat() if ends_on else None, contract_id),
    )


async def get_contract(db: Database, contract_id: int) -> Contract | None:
    """One contract."""
    row = await db.fetch_one("SELECT * FROM contract WHERE id = ?", (contract_id,))
    return contract_from_row(row) if row else None


async def contracts_of(db: Database, client_id: int) -> list[Contract]:
    """A client's contracts, oldest first (the order blocks are used in)."""
    rows = await db.fetch_point(
        "SELECT * FROM contract WHERE client_id = ? ORDER BY starts_on, id", (client_id,)
    )
    return [contract_from_row(r) for r in rows]


async def all_contracts(db: Database) -> list[Contract]:
    """Every contract, by client and age."""
    rows = await db.fetch_all("SELECT * FROM contract ORDER BY client_id, starts_on, id")
    return [contract_from_row(r) for r in rows]


async def contracts_of_kind(db: Database, kind: ProductType) -> list[Contract]:
    """Every contract of one kind (e.g. IT administration), by client and age."""
    rows = await db.fetch_all(
        "SELECT * FROM contract WHERE kind = ? ORDER BY client_id, starts_on, id", (kind.value,)
    )
    return [contract_from_row(r) for r in rows]


async def used_minutes(db: Database, contract_ids: list[int]) -> dict[int, int]:
    """Billed minutes used so far of each contract: charges plus the opening balance.

    Read from the ``contract_used`` view (migration 023): on PostgreSQL with the
    roles script a technician's session reads there the use of their jobs'
    contracts without reading other people's charges (0 for any other contract).
    """
    if not contract_ids:
        return {}
    marks = ",".join("?" * len(contract_ids))
    rows = await db.fetch_point(  # the charges from the index alone (migration 018)
        f"SELECT id, used FROM contract_used WHERE id IN ({marks})", contract_ids
    )
    used = {cid: 0 for cid in contract_ids}
    used.update({r["id"]: int(r["used"]) for r in rows})
    return used


async def contract_numbers_with_prefix(db: Database, prefix: str) -> list[str]:
    """Existing contract numbers of a year, to pick the next one."""
    rows = await db.fetch_all(
        "SELECT number FROM contract WHERE number LIKE ? ESCAPE '!'", (f"{like_literal(prefix)}%",)
    )
    return [r["number"] for r in rows]


def _assessment(row: Row) -> NeedsAssessment:
    return NeedsAssessment(
        id=row["id"],
        client_id=row["client_id"],
        revision=row["revision"],
        assessed_on=date.fromisoformat(row["assessed_on"]),
        needs=row["needs"],
        rules=row["rules"],
        waived=bool(row["waived"]),
        waiver_reason=row["waiver_reason"],
        recorded_by=row["recorded_by"],
        recorded_at=from_db(row["recorded_at"]),
    )


async def insert_assessment(
    db: Database,
    *,
    client_id: int,
    assessed_on: date,
    needs: str,
    rules: str,
    waived: bool,
    waiver_reason: str,
    recorded_by: str,
    recorded_at: datetime,
) -> int:
    """Record the next revision of a client's needs assessment; returns its id."""
    revision = await db.fetch_value(
        "SELECT COALESCE(MAX(revision), 0) + 1 FROM needs_assessment WHERE client_id = ?",
        (client_id,),
    )
    return await db.execute(
        "INSERT INTO needs_assessment (id, client_id, revision, assessed_on, needs, rules, waived,"
        f" waiver_reason, recorded_by, recorded_at) VALUES ({next_id('needs_assessment')},"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            client_id,
            revision,
            assessed_on.isoformat(),
            needs,
            rules,
            int(waived),
            waiver_reason,
            recorded_by,
            to_db(recorded_at),
        ),
    )


async def assessments_of(db: Database, client_id: int) -> list[NeedsAssessment]:
    """Every revision of a client's needs assessment, newest first."""
    rows = await db.fetch_all(
        "SELECT * FROM needs_assessment WHERE client_id = ? ORDER BY revision DESC", (client_id,)
    )
    return [_assessment(r) for r in rows]


async def contract_numbers(db: Database, ids: Sequence[int]) -> dict[int, str]:
    """The numbers of several contracts, keyed by id."""
    found: dict[int, str] = {}
    for part in id_chunks(sorted(set(ids))):
        marks = ",".join("?" * len(part))
        for r in await db.fetch_all(f"SELECT id, number FROM contract WHERE id IN ({marks})", part):
            found[r["id"]] = r["number"]
    return found


async def contracts_charged(db: Database, job_ids: Sequence[int]) -> dict[int, list[str]]:
    """The numbers of the contracts each job's time was charged to, in the order charged.

    Keyed by job id; a job with no time, or only uncovered or agreed-price
    time, is absent.
    """
    found: dict[int, list[str]] = {}
    for part in id_chunks(sorted(set(job_ids))):
        marks = ",".join("?" * len(part))
        rows = await db.fetch_all(
            "SELECT w.job_id, k.number, min(c.id) AS first_charge FROM charge c"
            " JOIN work_entry w ON w.id = c.work_entry_id"
            " JOIN contract k ON k.id = c.contract_id"
            f" WHERE w.job_id IN ({marks}) GROUP BY w.job_id, k.id ORDER BY w.job_id, first_charge",
            part,
        )
        for r in rows:
            found.setdefault(r["job_id"], []).append(r["number"])
    return found


async def contract_number_taken(db: Database, number: str) -> bool:
    """True when a contract already has this number."""
    return await db.fetch_value("SELECT 1 FROM contract WHERE number = ?", (number,)) is not None


async def delete_contracts(db: Database, ids: Sequence[int]) -> None:
    """Remove contracts (nothing may be charged to them any more)."""
    await db.execute_for_ids("DELETE FROM contract WHERE id IN ({marks})", ids)


async def delete_assessments(db: Database, client_id: int) -> None:
    """Remove a client's needs assessments (its contracts must be gone)."""
    await db.execute("DELETE FROM needs_assessment WHERE client_id = ?", (client_id,))


async def blank_assessments(db: Database, client_id: int, erased: str) -> None:
    """Keep a client's assessment rows (contracts point at them) without their text."""
    await db.execute(
        "UPDATE needs_assessment SET needs = ?, rules = '',"
        " waiver_reason = CASE WHEN waived = 1 THEN ? ELSE '' END WHERE client_id = ?",
        (erased, erased, client_id),
    )
