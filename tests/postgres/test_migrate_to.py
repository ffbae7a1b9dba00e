"""``bbdispatch migrate --to``: a SQLite database copied into PostgreSQL, checked whole."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.errors import DomainError
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.transfer import migrate_to
from bbdispatch.storage import clients
from bbdispatch.storage.database import Database
from tests.pg_server import PgServer


def test_the_demo_moves_whole_and_answers_the_same(
    pg: PgServer, demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg.url(pg.create())
    assert main(["--db", str(demo_db_path), "migrate", "--to", url]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "rows in 26 tables copied; counts, money and minutes match" in out
    for args in (
        ["report", "statement", "--client", "3", "--from", "2026-11-01", "--to", "2026-11-30",
         "--format", "json"],
        ["contracts", "--json"],
        ["lookup", "601 234 567"],
    ):  # fmt: skip
        assert main(["--db", str(demo_db_path), *args]) == 0
        on_sqlite = capsys.readouterr()
        assert main(["--db", url, *args]) == 0
        assert capsys.readouterr() == on_sqlite, args
    # Into a database with data: refused, nothing changed.
    assert main(["--db", str(demo_db_path), "migrate", "--to", url]) == 1
    assert "already has data" in capsys.readouterr().err


def test_an_erased_highest_id_stays_used_after_the_move(
    pg: PgServer, demo_db_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source.db"
    shutil.copy(demo_db_path, source)

    async def raise_high_water() -> int:
        db = await Database.open(source)
        highest = max(c.id for c in await clients.all_clients(db))
        async with db.transaction():
            await db.execute(
                "UPDATE id_high_water SET last_id = ? WHERE entity = 'client'", (highest + 5,)
            )
        await db.close()
        return highest + 5

    async def high_water(url: str) -> int:
        moved = await Database.open(url)
        try:
            return int(
                await moved.fetch_value("SELECT last_id FROM id_high_water WHERE entity = 'client'")
            )
        finally:
            await moved.close()

    expected = asyncio.run(raise_high_water())
    url = pg.url(pg.create())
    assert main(["--db", str(source), "migrate", "--to", url]) == 0
    assert asyncio.run(high_water(url)) == expected


def test_backup_and_restore_refuse_a_server_database_in_one_line(
    pg: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg.url(pg.create())
    assert main(["--db", url, "init"]) == 0
    capsys.readouterr()
    for args in (["backup", "--output", str(tmp_path / "b.db")], ["restore", str(tmp_path / "x")]):
        assert main(["--db", url, *args]) == 1
        err = capsys.readouterr().err
        assert "use pg_dump" in err and err.count("\n") == 1, err
    assert not (tmp_path / "b.db").exists()


def test_doctor_on_a_server_database_checks_what_applies(
    pg: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg.url(pg.create())
    assert main(["--db", url, "demo"]) == 0
    capsys.readouterr()
    code = main(["--db", url, "doctor", "--root", str(tmp_path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and err == "", err
    assert "ok   admin:" in out and "account " not in out
    assert "database permissions" not in out and "database folder" not in out  # SQLite's
    assert code == 1  # no cron line for 'schedule run' under this empty root


def test_an_unfinished_imports_hidden_client_moves_as_it_is(
    pg: PgServer, demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy loads rows as they are: a client arriving makes no hidden client yield.

    Here a hidden client of an unfinished import has a lower id than a visible
    client of the same name (no NIP); migration 027's trigger, firing as the
    visible one was copied, deleted the hidden one and the move failed its count.
    """
    import sqlite3

    conn = sqlite3.connect(demo_db_path, isolation_level=None)
    conn.execute(
        "INSERT INTO import_batch (id, kind, actor, state, created_at)"
        " VALUES (900, 'clients', 'anna', 'staging', '2026-11-24T08:00:00Z')"
    )
    cols = [str(r[1]) for r in conn.execute("PRAGMA table_info(client)")]
    picked = {"id": "?", "nip": "NULL", "import_batch": "?"}
    select = ", ".join(picked.get(c, c) for c in cols)
    for new_id, batch in ((1001, None), (1000, 900)):  # the visible one first, as SQLite allows
        conn.execute(
            f"INSERT INTO client ({', '.join(cols)}) SELECT {select} FROM client WHERE id = 8",
            (new_id, batch),
        )
    (before,) = conn.execute("SELECT count(*) FROM client").fetchone()
    conn.close()
    url = pg.url(pg.create())
    assert main(["--db", str(demo_db_path), "migrate", "--to", url]) == 0
    assert "counts, money and minutes match" in capsys.readouterr().out

    async def moved() -> int:
        db = await Database.open(url)
        try:
            return int(await db.fetch_value("SELECT count(*) FROM client"))
        finally:
            await db.close()

    assert asyncio.run(moved()) == before


def test_a_server_source_is_refused_in_one_line_before_the_target_is_touched(
    pg: PgServer, demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PostgreSQL --db (or BBDISPATCH_DB) is no source for migrate: exit 2, one line,
    and the target keeps no table (it printed SQLite's 'rowid' and left 29 empty ones)."""
    source = pg.url(pg.create())
    assert main(["--db", str(demo_db_path), "migrate", "--to", source]) == 0
    target = pg.url(pg.create())
    capsys.readouterr()
    assert main(["--db", source, "migrate", "--to", target]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert (
        err.startswith("bbdispatch: migrate copies an SQLite database") and err.count("\n") == 1
    ), err
    assert "pg_dump" in err and "rowid" not in err

    async def tables(url: str) -> int:
        import asyncpg  # a venv made before the driver was a dependency skips these tests

        conn = await asyncpg.connect(url)
        try:
            return int(
                await conn.fetchval(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                )
            )
        finally:
            await conn.close()

    assert asyncio.run(tables(target)) == 0


def test_a_file_target_is_refused_as_every_error_is(
    demo_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copy.db"
    assert main(["--db", str(demo_db_path), "migrate", "--to", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bbdispatch: --to: ") and err.count("\n") == 1, err
    assert str(target) in err
    assert not target.exists()


async def test_the_service_refuses_a_server_source_before_opening_the_target(
    pg: PgServer, pg_demo_url: str, clock: FrozenClock, prices: PriceList
) -> None:
    """Any caller of migrate_to, not only the command: a PostgreSQL source is refused and
    the target is never opened (it would get the schema's empty tables)."""
    target = pg.url(pg.create())
    db = await Database.open(pg_demo_url)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="bogdan", login="bogdan")
        with pytest.raises(DomainError, match="is a PostgreSQL database already"):
            await migrate_to(ctx, target)
    finally:
        await db.close()
    import asyncpg  # a venv made before the driver was a dependency skips these tests

    conn = await asyncpg.connect(target)
    try:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
            == 0
        )
    finally:
        await conn.close()
