"""A role written into the database outside bbdispatch gives no rights (issue 12).

Every technician's process can write the SQLite file, so a technician with a
shell could run ``UPDATE technician SET role = 'admin'``. A role counts only as
far as the chained audit trail records bbdispatch giving it; the admin is told
why (``audit verify``, ``doctor``, the refusal itself) and the trail notes it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FrozenClock
from bbdispatch.commands import common
from bbdispatch.domain.people import Role
from bbdispatch.domain.rights import Action, Principal, Refused
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import identify, role_note
from bbdispatch.services.rights import check, trusted_admins
from bbdispatch.storage import people as people_store
from bbdispatch.storage.database import Database, record_roles


def _sql(db: Path, statement: str, params: tuple[object, ...] = ()) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(statement, params)


def _as(monkeypatch: pytest.MonkeyPatch, login: str, fallback: Principal | None = None) -> None:
    monkeypatch.setattr(common, "os_login", lambda: login)
    monkeypatch.setattr(common, "os_fallback", lambda: fallback)


def _role_notes(db: Path) -> list[dict[str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT detail FROM audit_log WHERE entity = 'rights' AND action = 'refused'"
            " ORDER BY id"
        ).fetchall()
    return [d for (text,) in rows if (d := json.loads(text))["action"] == "role"]


async def test_a_role_set_with_sqlite_gives_no_rights_and_is_noted(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    _sql(demo_db_path, "UPDATE technician SET role = 'admin' WHERE login = 'anna'")
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="anna")
        anna = await identify(ctx, "anna")
        assert anna.role is Role.TECHNICIAN  # the next login acts as what the trail records
        with pytest.raises(Refused) as refused:
            await check(ctx, Action.PEOPLE_MANAGE)
        said = str(refused.value)
        assert said.startswith("Not allowed: your role (technician) may not manage people.")
        assert "anna is admin in the database, but the audit trail records technician" in said
        assert "anna" not in await trusted_admins(db)
        assert "the role was changed outside bbdispatch" in await role_note(ctx)
    finally:
        await db.close()
    (note,) = _role_notes(demo_db_path)  # noted once, though asked three times
    assert (note["login"], note["stored"], note["recorded"], note["role"]) == (
        "anna", "admin", "technician", "technician"
    )  # fmt: skip


async def test_an_edited_role_row_is_no_record(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Rewriting the row that records anna's role (without its hash) vouches for nothing."""
    _sql(demo_db_path, "UPDATE technician SET role = 'dispatcher' WHERE login = 'anna'")
    _sql(
        demo_db_path,
        "UPDATE audit_log SET detail = replace(detail, '\"technician\"', '\"dispatcher\"')"
        " WHERE entity = 'technician' AND entity_id = (SELECT id FROM technician"
        " WHERE login = 'anna')",
    )
    db = await Database.open(demo_db_path)
    try:
        anna = await identify(Ctx(db=db, clock=clock, prices=prices, actor="anna"), "anna")
        assert anna.role is Role.TECHNICIAN
    finally:
        await db.close()


def test_the_admin_sees_why_and_sets_it_right(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(demo_db_path, "UPDATE technician SET role = 'admin' WHERE login = 'anna'")
    db = str(demo_db_path)
    _as(monkeypatch, "anna")
    assert main(["--db", db, "people", "add", "x", "X", "--role", "admin"]) == 1
    assert "changed outside bbdispatch" in capsys.readouterr().err
    _as(monkeypatch, "bogdan")
    assert main(["--db", db, "audit", "verify"]) == 1
    out = capsys.readouterr()
    assert out.out.startswith("audit trail intact")
    assert "bbdispatch: anna is admin in the database, but the audit trail records" in out.err
    assert main(["--db", db, "audit", "verify", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["roles"][0].startswith("anna is admin")
    main(["--db", db, "doctor"])
    assert "role of anna: anna is admin in the database" in capsys.readouterr().out
    # The admin gives the role through bbdispatch: now it is recorded and counts.
    assert main(["--db", db, "people", "role", "anna", "admin"]) == 0
    assert main(["--db", db, "audit", "verify"]) == 0
    capsys.readouterr()
    _as(monkeypatch, "anna")
    assert main(["--db", db, "people", "list"]) == 0


def test_only_an_admin_gives_roles_and_the_last_admin_stays(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_db_path)
    _as(monkeypatch, "piotr")
    assert main(["--db", db, "people", "role", "piotr", "admin"]) == 1
    assert "Not allowed" in capsys.readouterr().err
    _as(monkeypatch, "bogdan")
    for other in _logins(demo_db_path, "admin") - {"bogdan"}:
        assert main(["--db", db, "people", "role", other, "technician"]) == 0
    assert main(["--db", db, "people", "role", "bogdan", "technician"]) == 1
    assert "bogdan is the only admin" in capsys.readouterr().err


def _logins(db: Path, role: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT login FROM technician WHERE role = ?", (role,))}


async def test_a_lowered_role_counts_at_once(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Taking a role away needs no record: the lower of the two always wins."""
    _sql(demo_db_path, "UPDATE technician SET role = 'technician' WHERE login = 'beata'")
    db = await Database.open(demo_db_path)
    try:
        beata = await identify(Ctx(db=db, clock=clock, prices=prices, actor="beata"), "beata")
        assert beata.role is Role.TECHNICIAN
    finally:
        await db.close()


async def test_the_upgrade_records_the_roles_people_have(tmp_path: Path) -> None:
    """Migration 026's Python half: people from before it keep their roles."""
    db = await Database.open(tmp_path / "old.db", create=True)
    try:
        async with db.transaction():
            boss = await people_store.insert_person(db, "bogdan", "Bogdan", Role.ADMIN)
            assert await trusted_admins(db) == []  # no record yet: no admin
            assert await record_roles(db) == 1
            assert await record_roles(db) == 0  # once
        assert await trusted_admins(db) == ["bogdan"]
        assert boss
    finally:
        await db.close()


async def test_the_workspace_says_why_it_offers_less(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Pilot: kasia, made a dispatcher with sqlite3, opens her workspace as a technician."""
    from bbdispatch.app import BBDispatch
    from tests.helpers import settle_twice

    _sql(demo_db_path, "UPDATE technician SET role = 'dispatcher' WHERE login = 'kasia'")

    async def open_ctx() -> Ctx:
        return Ctx(db=await Database.open(demo_db_path), clock=clock, prices=prices,
                   actor="kasia")  # fmt: skip

    ctx = await open_ctx()
    try:
        kasia = await identify(ctx, "kasia")
    finally:
        await ctx.db.close()
    assert kasia.role is Role.TECHNICIAN
    app = BBDispatch(open_ctx, kasia, mode="technician", schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "kasia is dispatcher in the database, but the audit trail records technician" in (
            shown
        )
        assert app.is_running


def test_audit_verify_lists_the_roles_given_since_the_seal(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role row appended after the seal is only as good as who could write the file."""
    db = str(demo_db_path)
    _as(monkeypatch, "bogdan")
    assert main(["--db", db, "audit", "verify", "--seal"]) in (0, 1)
    capsys.readouterr()
    assert main(["--db", db, "people", "role", "kasia", "dispatcher"]) == 0
    assert main(["--db", db, "people", "role", "piotr", "technician"]) == 0  # no rise: not listed
    capsys.readouterr()
    main(["--db", db, "audit", "verify", "--json"])
    given = json.loads(capsys.readouterr().out)["roles_since_seal"]
    assert len(given) == 1, given
    assert given[0].startswith("since the seal: kasia made dispatcher by bogdan on "), given
