"""``inventory load`` checks the right and the job before it opens the file (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _load(db: Path, login: str, job: int, file: Path) -> subprocess.CompletedProcess[str]:
    # root (the test's account, or not) acts as ``login``: --as is root's and admins' right
    return subprocess.run(
        [sys.executable, "-m", "bbdispatch", "--db", str(db), "--as", login,
         "inventory", "load", "--job", str(job), str(file)],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "LANG": "C.UTF-8", "BBDISPATCH_LANG": "en"},
    )  # fmt: skip


@pytest.mark.skipif(os.getuid() != 0, reason="acting as a technician needs root's --as")
@pytest.mark.parametrize(
    ("login", "job", "says"),
    [
        ("anna", 23, "No job 23 on your list."),  # kasia's inventory run
        ("kasia", 21, "No job 21 on your list."),  # piotr's backup run
        ("kasia", 999999, "No job 999999 on your list."),  # the same answer
    ],
)
def test_a_refused_load_never_opens_the_file(
    demo_db_path: Path, tmp_path: Path, login: str, job: int, says: str
) -> None:
    """A named pipe would hang a command that opened it first; nobody writes to this one."""
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    done = _load(demo_db_path, login, job, fifo)
    assert done.returncode in (1, 2)
    assert says in done.stderr
    assert "pipe" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(os.getuid() != 0, reason="acting as a technician needs root's --as")
def test_the_runs_own_technician_gets_a_pipe_refused_not_a_hang(
    demo_db_path: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    done = _load(demo_db_path, "kasia", 23, fifo)
    assert done.returncode == 1
    assert "is not a plain file" in done.stderr
    assert "Traceback" not in done.stderr
