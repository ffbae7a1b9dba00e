"""``report statement --issue --output`` writes the document first: a failed write issues nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main

MEDIA = "6"
PERIOD = ["--from", "2026-11-01", "--to", "2026-11-23"]


def issued(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM statement").fetchone()[0])
    finally:
        conn.close()


def test_a_failed_write_leaves_the_period_open(
    demo_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(demo_db_path), "report", "statement", "--client", MEDIA, *PERIOD]
    bad = base + ["--format", "html", "--issue", "--output", "/nonexistent/x.html"]
    assert main(bad) == 1
    err = capsys.readouterr().err
    assert "cannot write /nonexistent/x.html" in err and "nothing was issued" in err
    assert "Traceback" not in err
    assert issued(demo_db_path) == 0
    good = tmp_path / "x.html"
    assert main(base + ["--format", "html", "--issue", "--output", str(good)]) == 0
    assert issued(demo_db_path) == 1
    assert "Issued statement" in capsys.readouterr().err
    assert good.read_text(encoding="utf-8").count("<table>") >= 1
    assert not list(tmp_path.glob(".*.partial"))


def test_a_plain_report_to_a_bad_path_is_one_line(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", str(demo_db_path), "report", "statement", "--client", MEDIA, *PERIOD,
            "--output", "/nonexistent/x.md"]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write /nonexistent/x.md" in err


def test_an_existing_output_file_is_never_replaced_without_force(
    demo_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another client's issued statement in the way: refused, nothing issued, file intact."""
    other = tmp_path / "statement.html"
    other.write_text("another client's statement", encoding="utf-8")
    base = ["--db", str(demo_db_path), "report", "statement", "--client", MEDIA, *PERIOD,
            "--format", "html", "--output", str(other)]  # fmt: skip
    assert main([*base, "--issue"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists already" in err and "--force" in err
    assert err.startswith("bbdispatch: ")  # like every other error line
    assert other.read_text(encoding="utf-8") == "another client's statement"
    assert issued(demo_db_path) == 0
    assert main(base) == 1  # a plain report too
    assert main([*base, "--issue", "--force"]) == 0
    assert issued(demo_db_path) == 1
    assert "<table>" in other.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize("fmt", ["csv", "md", "html", "json"])
def test_a_written_document_is_private_whatever_the_umask(
    demo_db_path: Path, tmp_path: Path, fmt: str
) -> None:
    """A statement holds the client's data: 0600 like a backup in progress, never 0644."""
    import os

    out = tmp_path / f"statement.{fmt}"
    old = os.umask(0o022)
    try:
        args = ["--db", str(demo_db_path), "report", "statement", "--client", MEDIA, *PERIOD]
        assert main([*args, "--format", fmt, "--output", str(out)]) == 0
        assert out.stat().st_mode & 0o777 == 0o600
        assert main([*args, "--format", fmt, "--output", str(out), "--force"]) == 0
        assert out.stat().st_mode & 0o777 == 0o600
        itadmin = tmp_path / f"itadmin.{fmt}"
        if fmt in ("md", "html", "json"):
            month = ["--client", "3", "--month", "2026-11", "--format", fmt]
            assert main(["--db", str(demo_db_path), "report", "itadmin", *month,
                         "--output", str(itadmin)]) == 0  # fmt: skip
            assert itadmin.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
    assert not list(tmp_path.glob(".*.partial"))


def test_a_planted_partial_name_is_never_written_through(
    demo_db_path: Path, tmp_path: Path
) -> None:
    """Another account prepares ``.NAME.partial`` as a link to a file of its own: left alone."""
    bait = tmp_path / "bait.txt"
    bait.write_text("mine", encoding="utf-8")
    (tmp_path / ".statement.md.partial").symlink_to(bait)
    args = ["--db", str(demo_db_path), "report", "statement", "--client", MEDIA, *PERIOD]
    assert main([*args, "--format", "md", "--output", str(tmp_path / "statement.md")]) == 0
    assert bait.read_text(encoding="utf-8") == "mine"


def test_a_failed_commit_leaves_no_numbered_file(
    demo_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The disk fails at the issue's commit: no document with a number that is then reused."""
    from bbdispatch.storage.database import SQLiteDatabase

    real_end = SQLiteDatabase._end

    async def failing_commit(self: SQLiteDatabase, commit: bool) -> None:
        if commit:
            cursor = await self._conn.execute("SELECT count(*) FROM statement")
            row = await cursor.fetchone()
            if row is not None and row[0]:  # the issue's own transaction
                await real_end(self, False)
                raise sqlite3.OperationalError("disk I/O error")
        await real_end(self, commit)

    monkeypatch.setattr(SQLiteDatabase, "_end", failing_commit)
    out = tmp_path / "x.html"
    args = ["--db", str(demo_db_path), "report", "statement", "--client", MEDIA, *PERIOD,
            "--format", "html", "--issue", "--output", str(out)]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Issued statement" not in err
    assert issued(demo_db_path) == 0
    assert not out.exists() and not list(tmp_path.glob(".*.partial"))
    monkeypatch.setattr(SQLiteDatabase, "_end", real_end)
    assert main(args) == 0  # the number it takes now is the first and only file with it
    assert issued(demo_db_path) == 1 and out.exists()


def test_a_failed_rename_after_the_commit_says_how_to_get_the_document(
    demo_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issued, but the file cannot be put in place: the kept copy exports byte for byte."""
    import os
    import shlex

    out = tmp_path / "x.html"
    args = ["--db", str(demo_db_path), "report", "statement", "--client", MEDIA, *PERIOD,
            "--format", "html", "--issue", "--output", str(out)]  # fmt: skip
    real_link = os.link

    def no_space(*a: object, **k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "link", no_space)
    assert main(args) == 1
    monkeypatch.setattr(os, "link", real_link)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "is issued" in err and "No space left on device" in err
    assert issued(demo_db_path) == 1
    assert not out.exists() and not list(tmp_path.glob(".*.partial"))
    again = shlex.split(err.rsplit(": ", 1)[1])
    assert again[:3] == ["bbdispatch", "report", "statement"] and "--issue" not in again
    assert main(["--db", str(demo_db_path), *again[1:]]) == 0
    conn = sqlite3.connect(demo_db_path)
    try:
        kept = conn.execute("SELECT body FROM statement_document WHERE format = 'html'").fetchone()[
            0
        ]
    finally:
        conn.close()
    assert out.read_bytes() == kept.encode("utf-8")


@pytest.mark.parametrize("sink", [">/dev/full", "| true", "| head -c0"])
def test_a_statement_stdout_refuses_is_never_issued(
    demo_db_path: Path, tmp_path: Path, sink: str
) -> None:
    """``--issue`` to a full disk or a reader that went away: one line, nothing issued.

    The tester's case: the statement was issued and then a traceback was printed,
    so the period was locked with a document nobody received.
    """
    import shlex
    import subprocess
    import sys

    err = tmp_path / "err.txt"
    line = shlex.join([sys.executable, "-m", "bbdispatch", "--db", str(demo_db_path), "report",
                       "statement", "--client", MEDIA, *PERIOD, "--issue"])  # fmt: skip
    # ``true`` and ``head -c0`` have gone before the command writes: the pipe is closed.
    script = f'{line} 2>{shlex.quote(str(err))} {sink}; echo "${{PIPESTATUS[0]}}"'
    if sink.startswith(">"):
        script = f"{line} 2>{shlex.quote(str(err))} {sink}; echo $?"
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    code = int(done.stdout.strip().splitlines()[-1])
    message = err.read_text(encoding="utf-8")
    assert code == 1
    assert "Traceback" not in message and message.count("\n") == 1
    assert "nothing was issued" in message
    assert issued(demo_db_path) == 0
