"""Fixtures of the end-to-end tests that drive the dispatcher in a real terminal (tmux)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux_pane import demo_database, tmux


@pytest.fixture
def dispatcher(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The dispatcher on a fresh demo database in an 80x24 tmux pane, in English.

    Yields the tmux socket and the pane's target; the database is
    ``tmp_path / "demo.db"``.
    """
    db = demo_database(tmp_path)
    sock = tmp_path / "tmux.sock"
    command = f"{sys.executable} -m bbdispatch --db {db} --lang en"
    tmux(sock, "new-session", "-d", "-s", "bb", "-x", "80", "-y", "24", command)
    try:
        yield sock, "bb"
    finally:
        tmux(sock, "send-keys", "-t", "bb", "C-q")
        time.sleep(0.5)
        tmux(sock, "kill-server")
