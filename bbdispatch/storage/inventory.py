"""Queries about clients' software inventories."""

from __future__ import annotations

from bbdispatch.domain.inventory import ExportFormat, SoftwareItem, SoftwareList
from bbdispatch.storage.database import Database


async def insert_inventory(
    db: Database,
    *,
    client_id: int,
    job_id: int | None,
    source_name: str,
    software: SoftwareList,
    loaded_by: str,
    loaded_at: str,
) -> int:
    """Store one loaded inventory with its programs; returns its id."""
    inventory_id = await db.execute(
        "INSERT INTO software_inventory (client_id, job_id, source_name, source_format,"
        " loaded_by, loaded_at) VALUES (?, ?, ?, ?, ?, ?)",
        (client_id, job_id, source_name, software.format.value, loaded_by, loaded_at),
    )
    await db.execute_many(
        "INSERT INTO software_item (inventory_id, name, version) VALUES (?, ?, ?)",
        [(inventory_id, i.name, i.version) for i in software.items],
    )
    return inventory_id


async def inventory_ids_of_client(
    db: Database, client_id: int
) -> list[tuple[int, int | None, str]]:
    """A client's inventories, newest first: (id, job id, loaded at as stored)."""
    rows = await db.fetch_all(
        "SELECT id, job_id, loaded_at FROM software_inventory WHERE client_id = ?"
        " ORDER BY loaded_at DESC, id DESC",
        (client_id,),
    )
    return [(int(r["id"]), r["job_id"], str(r["loaded_at"])) for r in rows]


async def load_inventory(db: Database, inventory_id: int) -> SoftwareList | None:
    """One stored inventory's programs."""
    head = await db.fetch_one(
        "SELECT source_format FROM software_inventory WHERE id = ?", (inventory_id,)
    )
    if head is None:
        return None
    rows = await db.fetch_all(
        "SELECT name, version FROM software_item WHERE inventory_id = ? ORDER BY name, version",
        (inventory_id,),
    )
    return SoftwareList(
        ExportFormat(head["source_format"]),
        tuple(SoftwareItem(r["name"], r["version"]) for r in rows),
    )
