"""The technician's workspace speaks what an SSH session's locale asks for (tmux, a real pty).

sshd with ``AcceptEnv LANG LC_*`` (docs/deploy-ssh.md) starts the
``ForceCommand`` with an environment of its own plus the client's ``LANG``
and ``LC_*``. This runs ``bbdispatch tech`` exactly so (``env -i``, only
what sshd would pass) in an 80x24 tmux pane. ``tests/e2e/test_ssh.py`` goes
through a real sshd, but needs an interpreter another account may run.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux_pane import demo_database, tmux, wait_for


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    db = demo_database(tmp_path)
    sock = tmp_path / "tmux.sock"
    try:
        yield db, sock
    finally:
        tmux(sock, "kill-server")


def _screen_of(db: Path, sock: Path, name: str, locale: dict[str, str], text: str) -> str:
    """Start ``bbdispatch tech`` with sshd's environment plus ``locale``; the screen once ``text`` shows."""
    env = ["PATH=/usr/bin:/bin", f"HOME={db.parent}", "TERM=xterm-256color", "USER=anna",
           *(f"{k}={v}" for k, v in locale.items())]  # fmt: skip
    command = " ".join(
        ["env", "-i", *env, sys.executable, "-m", "bbdispatch", "--db", str(db), "tech", "--as",
         "anna"]
    )  # fmt: skip
    tmux(sock, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
    screen = wait_for(sock, name, text, timeout=30)
    tmux(sock, "send-keys", "-t", name, "C-q")
    return screen


@pytest.mark.parametrize(
    ("locale", "text", "english"),
    [
        ({"LANG": "pl_PL.UTF-8"}, "t Stoper", False),
        ({"LANG": "en_GB.UTF-8", "LC_ALL": "pl_PL.UTF-8"}, "t Stoper", False),  # LC_ALL wins
        ({"LANG": "pl_PL.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "t Timer", True),
        ({"LANG": "en_GB.UTF-8"}, "t Timer", True),
    ],
)
def test_tech_speaks_the_language_the_session_sends(
    demo: tuple[Path, Path], locale: dict[str, str], text: str, english: bool
) -> None:
    db, sock = demo
    screen = _screen_of(db, sock, "tech", locale, text)
    if english:
        assert "f1 Help" in screen and "Pomoc" not in screen
    else:
        assert "f1 Pomoc" in screen and "Timer" not in screen and "Help" not in screen
