"""Issue 13 (D): a demo that fails partway says what the database holds, never "nothing changed"."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.storage.database import SQLiteDatabase


def test_a_full_disk_partway_names_the_unfinished_demo_and_the_way_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.db"
    real_end = SQLiteDatabase._end
    commits = {"n": 0}

    async def end(self: SQLiteDatabase, commit: bool) -> None:
        # The disk fills once the people and clients are in (the tester's 3 MB tmpfs).
        if commit:
            clients = await self.fetch_value("SELECT COUNT(*) FROM client")
            if clients and clients >= 13:
                commits["n"] += 1
                if commits["n"] > 5:
                    raise sqlite3.OperationalError("database or disk is full")
        await real_end(self, commit)

    monkeypatch.setattr(SQLiteDatabase, "_end", end)
    assert main(["--db", str(db), "demo", "--reset"]) == 1
    err = capsys.readouterr().err
    assert "nothing was changed" not in err
    assert "The demo stopped partway (the disk is full)" in err
    assert f"{db} holds an unfinished demo firm" in err
    assert "run 'bbdispatch demo --reset'" in err
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM client").fetchone() == (13,)
        assert conn.execute("SELECT COUNT(*) FROM technician").fetchone()[0] >= 6
    # The way back the message names: with space again, --reset builds the whole demo.
    monkeypatch.setattr(SQLiteDatabase, "_end", real_end)
    assert main(["--db", str(db), "demo", "--reset"]) == 0, capsys.readouterr().err
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM client").fetchone() == (13,)
        statuses = {s for (s,) in conn.execute("SELECT DISTINCT status FROM job")}
    assert "cancelled" in statuses and "done" in statuses
