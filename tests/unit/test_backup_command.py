"""``bbdispatch backup`` / ``restore`` from the command line: dated names, rotation, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbdispatch.cli import main


@pytest.fixture
def firm_db(tmp_path: Path) -> Path:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "demo"]) == 0  # the running login is the demo's admin
    return db


def test_backup_goes_to_a_dated_file_and_old_ones_rotate(
    firm_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(4):
        assert main(["--db", str(firm_db), "backup", "--keep", "2"]) == 0
    kept = sorted((firm_db.parent / "backups").iterdir())
    assert len(kept) == 2
    assert all(p.name.startswith("firm-20") and p.suffix == ".db" for p in kept)
    assert oct(kept[0].stat().st_mode & 0o777) == "0o640"
    out = capsys.readouterr().out
    assert "integrity ok" in out and out.count("removed old backup") == 2


def test_backup_output_and_restore(
    firm_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.db"
    assert main(["--db", str(firm_db), "backup", "--output", str(copy)]) == 0
    assert main(["--db", str(firm_db), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "restored from" in out and "before-restore-" in out
    assert list(tmp_path.glob("firm.db.before-restore-*"))


def test_bad_use_is_one_line(
    firm_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(firm_db), "backup", "--keep", "0"]) == 2
    assert main(["--db", str(firm_db), "restore", str(tmp_path / "missing.db")]) == 1
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    assert main(["--db", str(firm_db), "restore", str(tmp_path / "junk.db")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err
