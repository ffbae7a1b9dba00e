"""Large client files: read, checked and staged in one pass, set-wise, holding no rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.cli import main
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.services.clients import create_client
from bbdispatch.services.context import Ctx
from bbdispatch.services.import_clients import (
    check_clients,
    import_clients,
    stream_clients,
)
from bbdispatch.services.spreadsheet import ImportFileError
from bbdispatch.storage.database import Database


def client_lines(count: int, bad_at: int | None = None) -> Iterator[str]:
    """A client file a line at a time; the row numbered ``bad_at`` has a kind nobody knows."""
    yield "nazwa;rodzaj;telefon;nip\n"
    for n in range(count):
        kind = "sklep" if n == bad_at else "firma"
        yield f"Firma {n:05d};{kind};22 {1000000 + n:07d};\n"


class Counting:
    """Counts the queries a database answers (fetch_all), to catch a query a row."""

    def __init__(self, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = db.fetch_all

        async def fetch_all(sql: str, params: Any = ()) -> Any:
            self.count += 1
            return await original(sql, params)

        monkeypatch.setattr(db, "fetch_all", fetch_all)


async def test_check_asks_the_database_a_chunk_at_a_time(
    demo_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3000 rows: a handful of set-wise queries, not two or three a row (9000 before)."""
    counting = Counting(demo_ctx.db, monkeypatch)
    plan = await check_clients(demo_ctx, stream_clients(client_lines(3000)))
    assert (plan.added, plan.skipped) == (3000, 0)
    assert counting.count <= 12


async def test_rows_are_staged_while_the_file_is_still_being_read(demo_ctx: Ctx) -> None:
    """The import does not read the whole file first: chunks are staged as it goes."""
    staged_when_read: dict[int, int] = {}

    def lines() -> Iterator[str]:
        for n, line in enumerate(client_lines(1000)):
            if n == 900:  # read far into the file: what is staged by now?
                staged_when_read[n] = -1
            yield line

    db = demo_ctx.db
    original = db.execute_many
    staged = 0

    async def execute_many(sql: str, rows: Any) -> None:
        nonlocal staged
        rows = list(rows)
        if "INTO import_row" in sql:
            staged += len(rows)
            if not staged_when_read:
                staged_when_read.setdefault(0, staged)
        await original(sql, rows)

    db.execute_many = execute_many  # type: ignore[method-assign]
    summary = await import_clients(demo_ctx, stream_clients(lines()), chunk=100, pause=0)
    assert summary.added == 1000
    assert staged_when_read[0] == 100  # the first chunk went in before line 900 was read


async def test_a_bad_row_late_in_a_large_file_writes_nothing(demo_ctx: Ctx) -> None:
    """All or nothing holds when rows are staged while reading: a bad last row drops them all."""
    before = await demo_ctx.db.fetch_value("SELECT count(*) FROM client")
    found = stream_clients(client_lines(1200, bad_at=1150))
    with pytest.raises(ImportFileError) as caught:
        await import_clients(demo_ctx, found, chunk=100, pause=0)
    assert [(p.line, p.column) for p in caught.value.problems] == [(1152, "rodzaj")]
    assert await demo_ctx.db.fetch_value("SELECT count(*) FROM client") == before
    assert await demo_ctx.db.fetch_value("SELECT count(*) FROM import_row") == 0
    assert await demo_ctx.db.fetch_value("SELECT count(*) FROM import_batch") == 0
    assert await demo_ctx.db.fetch_value("SELECT count(*) FROM client_search") == before


async def test_file_and_database_problems_are_listed_together(demo_ctx: Ctx) -> None:
    """A NIP the database has under another name and a bad cell: one report, by line."""
    await create_client(
        demo_ctx, NewClient(kind=ClientKind.COMPANY, name="Inna Firma", nip="5260250274")
    )
    lines = [
        "nazwa;rodzaj;nip\n",
        *(f"Firma {n:04d};firma;\n" for n in range(250)),
        "Nowa Nazwa;firma;526-025-02-74\n",
        "Zła;sklep;\n",
    ]
    for run in (check_clients, import_clients):
        with pytest.raises(ImportFileError) as caught:
            await run(demo_ctx, stream_clients(iter(lines)))
        assert [(p.line, p.column) for p in caught.value.problems] == [
            (252, "nip"),
            (253, "rodzaj"),
        ]
    assert await demo_ctx.db.fetch_value("SELECT count(*) FROM import_row") == 0


def test_cli_check_and_import_stream_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``import --check`` then ``import`` of the same file: counts right, run twice adds none."""
    db = tmp_path / "firm.db"
    data = tmp_path / "klienci.csv"
    data.write_text("".join(client_lines(2500)), encoding="utf-8")
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "import", "--check", str(data)]) == 0
    assert (
        "2500 clients, no problems found (to add: 2500, already there: 0)"
        in capsys.readouterr().out
    )
    assert main(["--db", str(db), "import", str(data)]) == 0
    assert "2500 clients added, 0 already there" in capsys.readouterr().out
    assert main(["--db", str(db), "import", str(data)]) == 0
    assert "0 clients added, 2500 already there" in capsys.readouterr().out


def test_cli_bad_row_at_the_end_is_reported_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    data = tmp_path / "klienci.csv"
    data.write_text("".join(client_lines(600, bad_at=599)), encoding="utf-8")
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "import", str(data)]) == 1
    err = capsys.readouterr().err
    assert "1 problem; nothing was imported" in err
    assert "Line 601, column rodzaj" in err
    assert main(["--db", str(db), "import", "--check", str(data)]) == 1
    assert "Line 601, column rodzaj" in capsys.readouterr().err
    assert sqlite3.connect(db).execute("SELECT count(*) FROM import_batch").fetchone() == (0,)
