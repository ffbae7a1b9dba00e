"""One way for the end-to-end tests to drive a real terminal: a tmux server on a socket.

Shared by the tests that send keys to ``bbdispatch`` in an 80x24 pane and read the screen.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest


def tmux(sock: Path, *args: str) -> str:
    """Run one tmux command on the server at ``sock``; its stdout (errors are not raised)."""
    done = subprocess.run(
        ["tmux", "-S", str(sock), *args], capture_output=True, text=True, timeout=20, check=False
    )
    return done.stdout


def wait_for(sock: Path, target: str, text: str, timeout: float = 20) -> str:
    """The pane's screen once ``text`` shows on it; AssertionError with the screen if never."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux(sock, "capture-pane", "-p", "-t", target)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never showed:\n{screen}")


def demo_database(folder: Path) -> Path:
    """A fresh demo database in ``folder`` (skips the test when tmux is not installed)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    db = folder / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "bbdispatch", "--db", str(db), "demo"], check=True, timeout=60
    )
    return db


def open_intake(sock: Path, target: str) -> None:
    """F2 once the board shows, then wait for the intake's number field."""
    wait_for(sock, target, "palette")
    tmux(sock, "send-keys", "-t", target, "F2")
    wait_for(sock, target, "caller's number")
