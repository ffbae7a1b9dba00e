"""The schema itself refuses rows no service should ever write."""

import sqlite3
from pathlib import Path

import pytest

from bbdispatch.storage.database import Database

T = "'2026-11-24T09:00:00Z'"


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = await Database.open(tmp_path / "c.db")
    async with database.transaction():
        await database.execute(
            f"INSERT INTO client (id, kind, name, search_name, created_at) VALUES (1, 'company', 'A', 'a', {T})"
        )
        await database.execute(
            "INSERT INTO technician (id, login, name, role) VALUES (1, 'anna', 'Anna', 'technician')"
        )
        await database.execute(
            "INSERT INTO job (id, client_id, received_at, description, mode, priority, category, updated_at)"
            f" VALUES (1, 1, {T}, 'x', 'remote', 'normal', 'other', {T})"
        )
    yield database
    await database.close()


BAD_ROWS = [
    f"INSERT INTO client (kind, name, search_name, created_at) VALUES ('firm', 'B', 'b', {T})",
    f"INSERT INTO client (kind, name, search_name, created_at) VALUES ('company', '  ', 'b', {T})",
    f"INSERT INTO client (kind, name, search_name, nip, created_at) VALUES ('company', 'B', 'b', '12345', {T})",
    "INSERT INTO client (kind, name, search_name, created_at) VALUES ('company', 'B', 'b', '24.11.2026')",
    "INSERT INTO client_phone (client_id, e164) VALUES (1, '601234567')",
    "INSERT INTO client_phone (client_id, e164) VALUES (99, '+48601234567')",
    "INSERT INTO technician (login, name, role) VALUES ('x', 'X', 'boss')",
    "INSERT INTO contract (client_id, product_code, kind, number, title, starts_on, net_grosze,"
    f" vat_rate_bp, signed_at, signed_by) VALUES (1, 'p', 'block', 'N1', 't', '2026-01-01', -1, 2300, {T}, 'x')",
    "INSERT INTO contract (client_id, product_code, kind, number, title, starts_on, ends_on, minutes_included,"
    f" net_grosze, vat_rate_bp, signed_at, signed_by) VALUES (1, 'p', 'block', 'N2', 't', '2026-02-01',"
    f" '2026-01-01', 600, 100, 2300, {T}, 'x')",
    "INSERT INTO job (client_id, received_at, description, mode, priority, category, updated_at)"
    f" VALUES (1, {T}, 'x', 'remote', 'urgent', 'other', {T})",
    "INSERT INTO job (client_id, received_at, description, mode, priority, category, status, updated_at)"
    f" VALUES (1, {T}, 'x', 'remote', 'normal', 'other', 'done', {T})",
    "INSERT INTO job (client_id, received_at, description, mode, priority, category, status, updated_at)"
    f" VALUES (1, {T}, 'x', 'remote', 'normal', 'other', 'cancelled', {T})",
    "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description, mode, created_at,"
    f" updated_at) VALUES (1, 1, {T}, '2026-11-24T08:00:00Z', 'x', 'remote', {T}, {T})",
    "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description, mode, created_at,"
    f" updated_at) VALUES (1, 1, {T}, '2026-11-24T10:00:00Z', '', 'remote', {T}, {T})",
    "INSERT INTO charge (work_entry_id, contract_id, basis, minutes, reason) VALUES (1, NULL, 'block', 15, 'r')",
    "INSERT INTO call_log (received_at, outcome) VALUES ('2026-11-24T09:00:00Z', 'lost')",
]


@pytest.mark.parametrize("sql", BAD_ROWS)
async def test_bad_rows_are_rejected(db: Database, sql: str) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction():
            await db.execute(sql)


async def test_one_running_timer_per_technician(db: Database) -> None:
    insert = (
        "INSERT INTO work_entry (job_id, technician_id, started_at, mode, created_at, updated_at)"
        f" VALUES (1, 1, ?, 'remote', {T}, {T})"
    )
    async with db.transaction():
        await db.execute(insert, ("2026-11-24T08:00:00Z",))
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction():
            await db.execute(insert, ("2026-11-24T08:30:00Z",))
