"""Storage contract: the audit trail's hash chain and the refusal de-duplication."""

from __future__ import annotations

from datetime import timedelta

from bbdispatch.domain.audit_chain import verify
from bbdispatch.storage import audit, role_records
from bbdispatch.storage.database import Database
from tests.storage.conftest import AT


async def test_appended_rows_chain_and_read_back_in_order(db: Database) -> None:
    async with db.transaction():
        for i in range(3):
            await audit.insert_audit(db, AT, "anna", "job", i, "created", {"i": i})
    rows = [r async for r in audit.chained_rows(db, batch=2)]  # batches join up
    assert [r.entity_id for r in rows] == [0, 1, 2]
    assert [r.id for r in rows] == [1, 2, 3]
    assert verify(rows).ok


async def test_recent_same_finds_an_identical_row_since(db: Database) -> None:
    detail = {"action": "job.edit", "login": "anna"}
    async with db.transaction():
        await audit.insert_audit(db, AT, "anna", "rights", 5, "refused", detail)
        assert await audit.recent_same(db, AT, "anna", "rights", 5, "refused", detail)
        later = AT + timedelta(seconds=1)
        assert not await audit.recent_same(db, later, "anna", "rights", 5, "refused", detail)
        assert not await audit.recent_same(db, AT, "anna", "rights", None, "refused", detail)


async def test_many_rows_at_once_chain_as_one_by_one_would(db: Database) -> None:
    async with db.transaction():
        await audit.insert_audit(db, AT, "anna", "job", 1, "created", {"i": 0})
        await audit.insert_audit_many(
            db, AT, "bogdan", "client", "imported", [(7, {"line": 2}), (8, {"line": 3})]
        )
        await audit.insert_audit(db, AT, "anna", "job", 1, "edited", {"i": 1})
    rows = [r async for r in audit.chained_rows(db)]
    assert [(r.id, r.actor, r.entity_id) for r in rows] == [
        (1, "anna", 1), (2, "bogdan", 7), (3, "bogdan", 8), (4, "anna", 1),
    ]  # fmt: skip
    assert rows[2].detail == '{"line": 3}'
    assert verify(rows).ok


async def test_the_newest_role_row_of_a_person_and_whether_it_chains(db: Database) -> None:
    from bbdispatch.domain.people import Role
    from bbdispatch.storage.database import record_roles
    from bbdispatch.storage.people import insert_person

    async with db.transaction():
        anna = await insert_person(db, "anna", "Anna", Role.DISPATCHER)
        assert await role_records.role_record(db, anna) is None
        await audit.insert_audit(
            db, AT, "boss", "technician", anna, "created", {"role": "technician"}
        )
        await audit.insert_audit(db, AT, "boss", "job", 1, "created", {"role": "admin"})
        await audit.insert_audit(
            db, AT, "boss", "technician", anna, "role_changed", {"role": "admin"}
        )
        await audit.insert_audit(db, AT, "boss", "technician", anna, "edited", {"name": "A"})
        found = await role_records.role_record(db, anna)
        assert found is not None
        assert (found.id, found.action, found.role, found.intact) == (
            3,
            "role_changed",
            Role.ADMIN,
            True,
        )
        await db.execute('UPDATE audit_log SET detail = \'{"role": "dispatcher"}\' WHERE id = 3')
        found = await role_records.role_record(db, anna)
        assert found is not None and found.role is Role.DISPATCHER and not found.intact
        # the upgrade's half records only people with no role row at all
        bea = await insert_person(db, "bea", "Bea", Role.ADMIN)
        assert await record_roles(db) == 1
        found = await role_records.role_record(db, bea)
        assert found is not None and (found.action, found.role, found.intact) == (
            "role_recorded", Role.ADMIN, True
        )  # fmt: skip


async def test_roles_given_after_a_row_are_the_rises_only(db: Database) -> None:
    from bbdispatch.domain.people import Role
    from bbdispatch.storage.people import insert_person

    async with db.transaction():
        anna = await insert_person(db, "anna", "Anna", Role.TECHNICIAN)
        await audit.insert_audit(db, AT, "boss", "technician", anna, "created", {"role": "admin"})
        await audit.insert_audit(
            db, AT, "boss", "technician", anna, "role_changed", {"role": "technician"}
        )
        await audit.insert_audit(
            db, AT, "boss", "technician", anna, "role_changed", {"role": "dispatcher"}
        )
    found = await audit.roles_given_after(db, 1)
    assert [(g.record.id, g.record.role, g.login) for g in found] == [(3, Role.DISPATCHER, "anna")]
