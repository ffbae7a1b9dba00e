"""A plain ``pip install .`` must carry the reference data, migrations and screens."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_data_migrations_and_screens(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("bbdispatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bbdispatch/_data/pricelist.toml" in names
    assert "bbdispatch/storage/migrations/001_initial.sql" in names
    assert "bbdispatch/bbdispatch.tcss" in names
    assert "screens/board.py" in names
    assert not any(n.startswith("tests/") for n in names)
