"""On PostgreSQL, the command line answers exactly as on SQLite (issue 19's "done when").

Both databases are built by ``bbdispatch demo`` a moment apart; then ``lookup``,
``contracts`` and every client's statement (each format) are compared byte for
byte, with only the database's own name taken out.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FIRM_ZONE
from tests.pg_server import PgServer

FORMATS = ("md", "json", "csv", "html")


def answer(capsys: pytest.CaptureFixture[str], target: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", target, *args])
    out, err = capsys.readouterr()
    return code, out.replace(target, "<db>"), err.replace(target, "<db>")


@pytest.fixture
def both(pg: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    sqlite = str(tmp_path / "demo.db")
    url = pg.url(pg.create())
    for target in (sqlite, url):
        code, out, err = answer(capsys, target, "demo")
        assert (code, out, err) == (0, "<db>: demo firm ready\n", ""), err
    return sqlite, url


def test_demo_lookup_contracts_and_every_statement_are_the_same(
    both: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite, url = both
    code, out, _err = answer(capsys, sqlite, "contracts", "--json")
    assert code == 0
    clients = sorted({c["client_id"] for c in json.loads(out)} | {1, 2, 3, 4, 5, 6})
    asked: list[tuple[str, ...]] = [
        ("contracts",), ("contracts", "--json"),
        ("lookup", "601 234 567"), ("lookup", "+48 22 628 12 34", "--json"),
        ("lookup", "000"), ("lookup", "500 100 200", "--json"),
    ]  # fmt: skip
    today = datetime.now(FIRM_ZONE).date()
    periods = [
        (today.replace(day=1), today + timedelta(days=1)),
        ((today.replace(day=1) - timedelta(days=1)).replace(day=1), today.replace(day=1)),
        (today - timedelta(days=400), today + timedelta(days=30)),
    ]
    for client in clients:
        asked.append(("contracts", "--client", str(client)))
        for start, end in periods:
            for fmt in FORMATS:
                asked.append(
                    ("report", "statement", "--client", str(client), "--from",
                     start.isoformat(), "--to", end.isoformat(), "--format", fmt)
                )  # fmt: skip
    compared = 0
    for args in asked:
        on_sqlite = answer(capsys, sqlite, *args)
        on_pg = answer(capsys, url, *args)
        assert on_pg == on_sqlite, args
        compared += on_sqlite[0] == 0 and bool(on_sqlite[1])
    print(f"{compared} of {len(asked)} answers compared, non-empty and the same")
    assert compared > len(clients) * len(periods) * len(FORMATS) // 2


def test_demo_refuses_to_mix_and_reset_rebuilds(
    pg: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg.url(pg.create())
    assert answer(capsys, url, "demo")[0] == 0
    code, _out, err = answer(capsys, url, "demo")
    assert code == 1 and "already has data; use demo --reset" in err
    code, out, err = answer(capsys, url, "demo", "--reset")
    assert (code, out, err) == (0, "<db>: demo firm ready\n", "")
    code, out, _err = answer(capsys, url, "contracts", "--json")
    assert code == 0 and len({c["number"] for c in json.loads(out)}) == len(json.loads(out))


def test_demo_reset_refuses_a_database_in_use_as_on_sqlite(
    pg: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dispatcher connected to the server's database: ``demo --reset`` drops nothing."""
    import subprocess
    import sys

    url = pg.url(pg.create())
    assert answer(capsys, url, "demo")[0] == 0
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import asyncio, sys\n"
         "from bbdispatch.storage.database import Database\n"
         "async def main():\n"
         "    db = await Database.open(sys.argv[1])\n"
         "    print('open', flush=True)\n"
         "    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)\n"
         "    await db.close()\n"
         "asyncio.run(main())\n", url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        code, _out, err = answer(capsys, url, "demo", "--reset")
        assert code == 1 and "<db> is in use" in err and "close them first" in err
        code, out, _err = answer(capsys, url, "clients", "--json")
        assert code == 0 and json.loads(out)  # the demo's clients are all there
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    code, out, err = answer(capsys, url, "demo", "--reset")
    assert (code, out, err) == (0, "<db>: demo firm ready\n", "")
