"""Clients' software inventories: the only writer of ``software_inventory`` and its items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.inventory import ExportFormat, SoftwareItem, SoftwareList
from bbdispatch.storage.database import Database, next_id


@dataclass(frozen=True)
class InventoryHead:
    """One loaded inventory of a client, without its programs."""

    id: int
    job_id: int | None
    loaded_at: datetime
    host: str = ""
    """The computer the list comes from ("" for lists loaded before computers had names)."""


async def insert_inventory(
    db: Database,
    *,
    client_id: int,
    job_id: int | None,
    source_name: str,
    software: SoftwareList,
    loaded_by: str,
    loaded_at: datetime,
) -> int:
    """Store one loaded inventory with its programs; returns its id."""
    inventory_id = await db.execute(
        "INSERT INTO software_inventory (id, client_id, job_id, source_name, source_format,"
        f" loaded_by, loaded_at, host) VALUES ({next_id('software_inventory')},"
        " ?, ?, ?, ?, ?, ?, ?)",
        (
            client_id, job_id, source_name, software.format.value, loaded_by, to_db(loaded_at),
            software.host,
        ),
    )  # fmt: skip
    await db.execute_many(
        "INSERT INTO software_item (inventory_id, name, version) VALUES (?, ?, ?)",
        [(inventory_id, i.name, i.version) for i in software.items],
    )
    return inventory_id


async def inventory_ids_of_client(
    db: Database, client_id: int, host: str | None = None
) -> list[InventoryHead]:
    """A client's inventories (of one computer when ``host`` is given), newest first."""
    sql = "SELECT id, job_id, loaded_at, host FROM software_inventory WHERE client_id = ?"
    params: tuple[object, ...] = (client_id,)
    if host is not None:
        sql += " AND host = ?"
        params += (host,)
    rows = await db.fetch_all(sql + " ORDER BY loaded_at DESC, id DESC", params)
    return [
        InventoryHead(int(r["id"]), r["job_id"], from_db(r["loaded_at"]), r["host"]) for r in rows
    ]


async def load_inventory(db: Database, inventory_id: int) -> SoftwareList | None:
    """One stored inventory's programs, with its computer."""
    head = await db.fetch_one(
        "SELECT source_format, host FROM software_inventory WHERE id = ?", (inventory_id,)
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
        head["host"],
    )


async def delete_inventories(db: Database, client_id: int, job_ids: Sequence[int]) -> None:
    """Remove a client's software lists and those of these jobs, items included."""
    await db.execute_for_ids(
        "DELETE FROM software_item WHERE inventory_id IN (SELECT id FROM software_inventory"
        " WHERE job_id IN ({marks}))",
        job_ids,
    )
    await db.execute(
        "DELETE FROM software_item WHERE inventory_id IN"
        " (SELECT id FROM software_inventory WHERE client_id = ?)",
        (client_id,),
    )
    await db.execute_for_ids("DELETE FROM software_inventory WHERE job_id IN ({marks})", job_ids)
    await db.execute("DELETE FROM software_inventory WHERE client_id = ?", (client_id,))


async def detach_inventories_from_jobs(db: Database, job_ids: Sequence[int]) -> None:
    """Software lists stay with the client but no longer name these jobs."""
    await db.execute_for_ids(
        "UPDATE software_inventory SET job_id = NULL WHERE job_id IN ({marks})", job_ids
    )
