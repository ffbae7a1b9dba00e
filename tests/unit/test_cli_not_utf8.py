"""Arguments that are not UTF-8 get one clean line, whatever the command (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["clients", "add", "--kind", "company", "--name", b"Ala\xff"], "--name"),
        (["clients", "add", "--kind", "company", b"--name=Ala\xff"], "--name"),
        (["people", "add", b"x\xff", "X"], "argument 5"),
        (["ring", b"\xff601"], "argument 4"),
    ],
)
def test_an_argument_that_is_not_utf8_is_named_without_a_traceback(
    tmp_path: Path, args: list[str | bytes], named: str
) -> None:
    db = tmp_path / "firm.db"
    argv = [a if isinstance(a, bytes) else a.encode() for a in args]
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"bbdispatch", b"--db", os.fsencode(db), *argv],
        capture_output=True, timeout=120, check=False,
        env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    )  # fmt: skip
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert err.startswith(f"bbdispatch: {named} is not UTF-8 text ('")
    assert "\ufffd" in err  # the bad byte is shown, visibly
    assert "codec" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not db.exists()  # refused before anything was opened
