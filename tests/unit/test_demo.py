"""The demo database is realistic and consistent, and the same every time."""

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from stdnum.pl import nip as stdnum_nip

from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.rights import Principal
from bbdispatch.phones import parse_phone
from bbdispatch.pricelist import PriceList, ProductType
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import balances_of_client
from bbdispatch.services.demo import build_demo
from bbdispatch.storage import clients, people
from bbdispatch.storage.database import Database


async def test_demo_has_the_promised_shape(demo_ctx: Ctx) -> None:
    db = demo_ctx.db
    all_clients = await clients.all_clients(db)
    assert len(all_clients) >= 12
    companies = [c for c in all_clients if c.kind is ClientKind.COMPANY]
    private = [c for c in all_clients if c.kind is ClientKind.PRIVATE]
    assert companies and private
    assert all(c.nip and stdnum_nip.is_valid(c.nip) for c in companies)
    assert any(ch in c.name for c in all_clients for ch in "ąćęłńóśźżŁŚŻ")
    for c in all_clients:
        assert c.phones, c.name
        for p in c.phones:
            assert parse_phone(p.e164) == p.e164
    technicians = [p for p in await people.all_people(db) if p.role.value == "technician"]
    assert len(technicians) >= 4 and all(t.login for t in technicians)

    statuses = {r[0] for r in await db.fetch_all("SELECT DISTINCT status FROM job")}
    assert statuses == {s.value for s in JobStatus}
    kinds = {r[0] for r in await db.fetch_all("SELECT DISTINCT kind FROM contract")}
    assert kinds >= {t.value for t in ProductType if t is not ProductType.INDIVIDUAL}
    assert await db.fetch_value("SELECT COUNT(*) FROM work_entry") > 10
    assert (
        await db.fetch_value("SELECT COUNT(*) FROM job WHERE agreed_rate_grosze IS NOT NULL") >= 1
    )


async def test_balances_are_partly_used_and_never_negative(demo_ctx: Ctx) -> None:
    partly = 0
    for (client_id,) in await demo_ctx.db.fetch_all("SELECT id FROM client"):
        for b in await balances_of_client(demo_ctx, client_id):
            if b.included_minutes is not None:
                assert 0 <= b.used_minutes <= b.included_minutes
                partly += 0 < b.used_minutes < b.included_minutes
    assert partly >= 3


async def test_every_finished_billable_entry_is_fully_charged(demo_ctx: Ctx) -> None:
    rows = await demo_ctx.db.fetch_all(
        "SELECT w.id, (strftime('%s', w.ended_at) - strftime('%s', w.started_at)) AS secs,"
        " COALESCE((SELECT SUM(minutes) FROM charge c WHERE c.work_entry_id = w.id), 0) AS charged"
        " FROM work_entry w WHERE w.ended_at IS NOT NULL AND w.billable = 1"
    )
    assert rows
    for r in rows:
        billed = -(-r["secs"] // 900) * 15
        assert r["charged"] == billed, dict(r)


def test_demo_is_deterministic(demo_template: Path, tmp_path: Path) -> None:
    import asyncio

    from bbdispatch.clock import FrozenClock
    from bbdispatch.pricelist import load_pricelist
    from bbdispatch.services.demo import build_demo
    from bbdispatch.storage.database import Database
    from tests.conftest import DEMO_NOW

    async def build(path: Path) -> None:
        db = await Database.open(path)
        await build_demo(
            Ctx(db, FrozenClock(DEMO_NOW), load_pricelist(), "setup", fallback=Principal.SYSTEM),
            add_login="tester",
        )
        await db.close()

    again = tmp_path / "again.db"
    asyncio.run(build(again))
    query = "SELECT id, client_id, description, status, received_at FROM job ORDER BY id;"
    a = sqlite3.connect(demo_template).execute(query).fetchall()
    b = sqlite3.connect(again).execute(query).fetchall()
    assert a == b


async def test_demo_documents_name_a_complete_seller(demo_ctx: Ctx) -> None:
    """The demo's ``[seller]`` had an empty address and NIP, so its documents looked unfinished."""
    from datetime import date

    from bbdispatch.reports.markdown_report import render_markdown
    from bbdispatch.services.statements import build_statement

    seller = demo_ctx.prices.seller
    assert seller.address and stdnum_nip.is_valid(seller.nip)
    md = render_markdown(await build_statement(demo_ctx, 1, date(2026, 11, 1), date(2026, 11, 30)))
    assert f"{seller.name}, {seller.address}, NIP {seller.nip}" in md


@pytest.mark.parametrize("hour", [12, 16, 18, 23])
async def test_the_demo_is_made_at_any_hour(tmp_path: Path, prices: PriceList, hour: int) -> None:
    """``bbdispatch demo`` failed after 12:17 ("work from 12:00 cannot be on it"): the
    on-hold job came in 17 min before now, three days back, after its own work."""
    db = await Database.open(tmp_path / "demo.db")
    now = datetime(2026, 12, 1, hour, 30, tzinfo=FIRM_ZONE)
    ctx = Ctx(db=db, clock=FrozenClock(now), prices=prices, actor="setup",
              fallback=Principal.SYSTEM)  # fmt: skip
    try:
        await build_demo(ctx)
    finally:
        await db.close()


@pytest.mark.parametrize("holder", ["bbdispatch", "sqlite3"])
def test_demo_reset_refuses_a_database_in_use_as_restore_does(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], holder: str
) -> None:
    """A dispatcher (the open-lock, held shared) or another SQLite program has it open.

    The tester's ``demo --reset`` deleted the file under a running dispatcher.
    """
    import fcntl
    import os

    from bbdispatch.cli import main
    from bbdispatch.storage.database import open_lock_fd

    conn = sqlite3.connect(demo_db_path)
    fd = None
    if holder == "bbdispatch":
        fd = open_lock_fd(demo_db_path, required=True)
        assert fd is not None
        fcntl.flock(fd, fcntl.LOCK_SH)  # what every opener of the database holds
    else:
        conn.execute("SELECT count(*) FROM client").fetchone()
    before = conn.execute("SELECT count(*) FROM client").fetchone()[0]
    try:
        assert main(["--db", str(demo_db_path), "demo", "--reset"]) == 1
    finally:
        if fd is not None:
            os.close(fd)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is in use" in err and "close them first" in err
    assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == before
    conn.close()
    assert main(["--db", str(demo_db_path), "demo", "--reset"]) == 0  # nobody has it now
