"""A call being taken survives the session's end: SIGTERM, a closed terminal, kill -9 (tmux)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bbdispatch.domain.calls import CallLogEntry, CallOutcome, CallSource
from bbdispatch.services.intake import call_interrupted
from tests.e2e.tmux_pane import demo_database, tmux, wait_for
from tests.helpers import query


def _start(sock: Path, name: str, command: str, rc: Path) -> int:
    """Run ``command`` in an 80x24 pane, its exit status written to ``rc``; its pid."""
    tmux(sock, "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
         f"sh -c '{command}; echo $? > {rc}'")  # fmt: skip
    tmux(sock, "set-option", "-t", name, "remain-on-exit", "on")
    shell = int(tmux(sock, "display-message", "-p", "-t", name, "#{pane_pid}").strip())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with open(f"/proc/{shell}/task/{shell}/children") as children:
            found = children.read().split()
        if found:
            return int(found[0])
        time.sleep(0.05)
    raise AssertionError("the program never started")


def _exit_status(rc: Path) -> str:
    deadline = time.monotonic() + 20
    while not (rc.exists() and rc.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return rc.read_text().strip()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[Path, Path, int]]:
    """The dispatcher in an 80x24 pane: socket, db, pid (its exit status in ``rc``)."""
    db = demo_database(tmp_path)
    sock = tmp_path / "tmux.sock"
    pid = _start(sock, "bb", f"{sys.executable} -m bbdispatch --db {db}", tmp_path / "rc")
    try:
        yield sock, db, pid
    finally:
        tmux(sock, "kill-server")


def _take_a_call(sock: Path) -> None:
    wait_for(sock, "bb", "palette")
    tmux(sock, "send-keys", "-t", "bb", "F2")
    wait_for(sock, "bb", "caller's number")
    tmux(sock, "send-keys", "-t", "bb", "601234567")
    wait_for(sock, "bb", "Kancelaria Notarialna")
    tmux(sock, "send-keys", "-t", "bb", "-l", "Printer jams")
    wait_for(sock, "bb", "Printer jams")


def _gone(pid: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


def _calls(db: Path) -> list[dict[str, object]]:
    return [dict(r) for r in query(db, "SELECT * FROM call_log WHERE source = 'manual'")]


def _kept(db: Path) -> dict[str, object]:
    calls = _calls(db)
    assert len(calls) == 1, calls
    call = calls[0]
    assert (call["outcome"], call["e164"], call["client_id"]) == ("pending", "+48601234567", 1)
    note = json.loads(str(call["note"]))
    assert note["bb:msg"] == "call.interrupted_typed"
    assert note["text"] == "Printer jams"
    return call


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_keeps_the_call_and_restores_the_terminal(
    session: tuple[Path, Path, int], signum: signal.Signals
) -> None:
    sock, db, pid = session
    _take_a_call(sock)
    os.kill(pid, signum)
    assert _gone(pid), "the dispatcher did not end"
    assert _exit_status(db.parent / "rc") == "0"  # it ended itself: no 143, no 129
    if signum == signal.SIGTERM:  # the terminal is still there: restored
        assert tmux(sock, "display-message", "-p", "-t", "bb", "#{alternate_on}").strip() == "0"
    _kept(db)


def test_a_closed_terminal_keeps_the_call(session: tuple[Path, Path, int]) -> None:
    sock, db, pid = session
    _take_a_call(sock)
    tmux(sock, "kill-session", "-t", "bb")  # the terminal goes: SIGHUP, as over SSH
    assert _gone(pid), "the dispatcher did not end"
    _kept(db)


def _draft_written(db: Path, text: str, timeout: float = 20) -> bool:
    """Wait until the intake's draft (written once typing pauses) holds ``text``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in str(call["note"]) for call in _calls(db)):
            return True
        time.sleep(0.1)
    return False


def test_kill_9_leaves_the_call_in_the_log_as_interrupted(
    session: tuple[Path, Path, int],
) -> None:
    """kill -9 once typing paused: ``calls`` (text and --json) shows the number and request."""
    sock, db, pid = session
    _take_a_call(sock)
    assert _draft_written(db, "Printer jams"), _calls(db)  # the pause after typing: ~1 s
    os.kill(pid, signal.SIGKILL)
    assert _gone(pid)
    calls = _calls(db)
    assert len(calls) == 1, calls
    row = calls[0]
    assert row["outcome"] == "pending"
    entry = CallLogEntry(
        id=int(str(row["id"])), received_at=None,  # type: ignore[arg-type]
        raw_number=str(row["raw_number"]), e164=None, client_id=None,
        source=CallSource(row["source"]), outcome=CallOutcome(row["outcome"]),
        job_id=None, handled_by=str(row["handled_by"]), note=str(row["note"]),
    )  # fmt: skip
    assert call_interrupted(entry)
    command = [sys.executable, "-m", "bbdispatch", "--db", str(db), "--lang", "en", "calls"]
    shown = subprocess.run(
        [*command, "--json"], capture_output=True, text=True, timeout=60, check=True
    )
    (call,) = json.loads(shown.stdout)
    assert (call["state"], call["e164"], call["number"]) == (
        "interrupted", "+48601234567", "601 234 567",
    )  # fmt: skip
    assert call["note"].startswith("Interrupted") and call["note"].endswith(": Printer jams")
    text = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "601 234 567" in text and "Interrupted" in text and "Printer jams" in text


def test_a_dropped_link_ends_the_technicians_workspace_and_the_timer_runs_on(
    tmp_path: Path,
) -> None:
    """SIGHUP (an SSH link drop) ends `bbdispatch tech` itself; the running timer stays open."""
    db = demo_database(tmp_path)
    sock = tmp_path / "tmux.sock"
    rc = tmp_path / "rc"
    pid = _start(sock, "t", f"{sys.executable} -m bbdispatch --db {db} tech --as piotr", rc)
    try:
        wait_for(sock, "t", "Timer running on job 18")
        os.kill(pid, signal.SIGHUP)
        assert _gone(pid), "the workspace did not end"
        assert _exit_status(rc) == "0"
    finally:
        tmux(sock, "kill-server")
    running = query(db, "SELECT job_id FROM work_entry WHERE ended_at IS NULL AND job_id = 18")
    assert len(running) == 1
