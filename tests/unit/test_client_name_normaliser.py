"""One normaliser for client names: the client import (its ``--check`` and the import
itself, against the file and the database) and a contract row's client name.

A tester's client name with a tab: ``--check`` said "to add: 2" on a re-import that
then added none, and a contract row naming the client with a plain space found no
client at all.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.storage.database import Database, fill_search_place

CLIENTS = "name;kind;nip\nFirma\tABC;company;\nFirma ABC;company;\nZeta  Beta;company;\n"


def _names(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name, search_name FROM client ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def firm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    (tmp_path / "c.csv").write_text(CLIENTS, encoding="utf-8")
    capsys.readouterr()
    return db


def test_check_and_import_count_a_tab_alike(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = str(tmp_path / "c.csv")
    assert main(["--db", str(firm), "import", "--check", sheet]) == 0
    assert "(to add: 2, already there: 1)" in capsys.readouterr().out
    assert main(["--db", str(firm), "import", sheet]) == 0
    assert "2 clients added, 1 already there" in capsys.readouterr().out
    # The stored name is as written (stored text is literal); its search key is folded.
    assert _names(firm) == [("Firma\tABC", "firma abc"), ("Zeta  Beta", "zeta beta")]
    assert main(["--db", str(firm), "import", "--check", sheet]) == 0
    assert "(to add: 0, already there: 3)" in capsys.readouterr().out
    assert main(["--db", str(firm), "import", sheet]) == 0
    assert "0 clients added, 3 already there" in capsys.readouterr().out
    assert len(_names(firm)) == 2


def test_a_contract_row_matches_a_client_name_as_the_client_import_does(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(firm), "import", str(tmp_path / "c.csv")]) == 0
    rows = tmp_path / "k.csv"
    rows.write_text(
        "client;product;number;start\n"
        "firma abc;network-1h;N/1;2026-01-01\n"
        "FIRMA\tABC ;network-1h;N/2;2026-01-01\n"
        "zeta beta;network-1h;N/3;2026-01-01\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["--db", str(firm), "contracts", "import", str(rows)]) == 0, capsys.readouterr().err
    conn = sqlite3.connect(firm)
    owners = conn.execute("SELECT number, client_id FROM contract ORDER BY number").fetchall()
    conn.close()
    assert owners == [("N/1", 1), ("N/2", 1), ("N/3", 2)]


def test_an_older_database_gets_its_names_folded_again(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Names stored before the one normaliser kept the tab in their search key."""
    assert main(["--db", str(firm), "import", str(tmp_path / "c.csv")]) == 0
    conn = sqlite3.connect(firm)
    conn.execute("UPDATE client SET search_name = 'firma\tabc' WHERE id = 1")
    conn.commit()
    conn.close()

    async def migration_024_python_half() -> int:  # as init ran it on a version-23 file
        db = await Database.open(firm)
        try:
            async with db.transaction():
                return await fill_search_place(db)
        finally:
            await db.close()

    assert asyncio.run(migration_024_python_half()) == 1
    assert _names(firm)[0] == ("Firma\tABC", "firma abc")
    capsys.readouterr()
    assert main(["--db", str(firm), "import", "--check", str(tmp_path / "c.csv")]) == 0
    assert "(to add: 0, already there: 3)" in capsys.readouterr().out
