"""Keys sent in one write to a real terminal reach the intake in order (tmux, a real pty)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _tmux(sock: Path, *args: str) -> str:
    done = subprocess.run(
        ["tmux", "-S", str(sock), *args], capture_output=True, text=True, timeout=20, check=False
    )
    return done.stdout


@pytest.fixture
def dispatcher(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    db = tmp_path / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "bbdispatch", "--db", str(db), "demo"], check=True, timeout=60
    )
    sock = tmp_path / "tmux.sock"
    command = f"{sys.executable} -m bbdispatch --db {db}"
    _tmux(sock, "new-session", "-d", "-s", "bb", "-x", "80", "-y", "24", command)
    try:
        yield sock, "bb"
    finally:
        _tmux(sock, "send-keys", "-t", "bb", "C-q")
        time.sleep(0.5)
        _tmux(sock, "kill-server")


def _wait_for(sock: Path, target: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux(sock, "capture-pane", "-p", "-t", target)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never showed:\n{screen}")


def test_backspace_and_digit_in_one_write_find_the_known_caller(
    dispatcher: tuple[Path, str],
) -> None:
    sock, target = dispatcher
    _wait_for(sock, target, "palette")
    _tmux(sock, "send-keys", "-t", target, "F2")
    _wait_for(sock, target, "caller's number")
    _tmux(sock, "send-keys", "-t", target, "601234560")
    _wait_for(sock, target, "601 234 560")
    # One send-keys: both keys go to the terminal in one write, as over a laggy link.
    _tmux(sock, "send-keys", "-t", target, "BSpace", "7")
    screen = _wait_for(sock, target, "Kancelaria Notarialna")
    assert "601 234 567" in screen


def test_a_name_sent_with_f2_lands_in_the_intake(dispatcher: tuple[Path, str]) -> None:
    sock, target = dispatcher
    _wait_for(sock, target, "palette")
    # One send-keys: F2 and the name reach the terminal in one write.
    _tmux(sock, "send-keys", "-t", target, "F2", "Jan Kowalski")
    screen = _wait_for(sock, target, "Phone Jan Kowalski")
    assert "Incoming call" in screen
