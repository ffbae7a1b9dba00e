"""Queries about backup checks recorded on backup jobs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bbdispatch.clock import from_db
from bbdispatch.domain.backups import BackupCheck, BackupResult
from bbdispatch.storage.database import Database, next_id


async def upsert_backup_check(db: Database, check: BackupCheck) -> None:
    """Record a job's backup check (a repeated check replaces the earlier one)."""
    await db.execute(
        "INSERT INTO backup_check (id, job_id, result, backup_date, size_bytes, location, note,"
        f" recorded_by, recorded_at) VALUES ({next_id('backup_check')}, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (job_id) DO UPDATE SET result = excluded.result,"
        " backup_date = excluded.backup_date, size_bytes = excluded.size_bytes,"
        " location = excluded.location, note = excluded.note,"
        " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        (
            check.job_id, check.result.value,
            check.backup_date.isoformat() if check.backup_date else None, check.size_bytes,
            check.location, check.note, check.recorded_by, check.recorded_at_db,
        ),
    )  # fmt: skip


async def backup_check_of(db: Database, job_id: int) -> BackupCheck | None:
    """The backup check recorded on a job, if any."""
    r = await db.fetch_one("SELECT * FROM backup_check WHERE job_id = ?", (job_id,))
    if r is None:
        return None
    return BackupCheck(
        job_id=r["job_id"],
        result=BackupResult(r["result"]),
        backup_date=date.fromisoformat(r["backup_date"]) if r["backup_date"] else None,
        size_bytes=r["size_bytes"],
        location=r["location"],
        note=r["note"],
        recorded_by=r["recorded_by"],
        recorded_at=from_db(r["recorded_at"]),
    )


async def delete_backup_checks(db: Database, job_ids: Sequence[int]) -> None:
    """Remove the backup checks recorded on these jobs."""
    await db.execute_for_ids("DELETE FROM backup_check WHERE job_id IN ({marks})", job_ids)
