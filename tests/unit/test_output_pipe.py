"""Output to a closed pipe ends quietly, for every command (``… | head -1``).

The tester's example: ``bbdispatch clients show 1 | head -1`` printed
"bbdispatch: [Errno 32] Broken pipe". All output goes through the one helper
in ``bbdispatch.commands.common``, and every subcommand runs inside
``to_a_reader`` at the entry point, so one fix covers every command, those that
print outside ``run`` too (``pricelist``, ``calendar``, a statement on stdout).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = [
    ("clients", "show", "1"),
    ("clients", "--json"),
    ("jobs",),
    ("contracts", "--json"),
    ("people", "list"),
    ("pricelist",),
    ("calendar",),
    ("calendar", "--json"),
    ("lookup", "+48226281234"),
    ("report", "statement", "--client", "3", "--from", "2026-10-01", "--to", "2026-11-30"),
    ("audit", "verify"),
    ("--help",),
    ("clients", "--help"),
    ("--version",),
]


@pytest.mark.parametrize("reader", ["head -1", "true"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_reader_that_goes_away_ends_the_command_quietly(
    demo_db_path: Path, tmp_path: Path, command: tuple[str, ...], reader: str
) -> None:
    """No message on stderr, and exit 0 or 141 (128 + SIGPIPE), never 1."""
    err = tmp_path / "err.txt"
    # ``true`` has gone before the command writes, so the pipe is surely closed.
    line = shlex.join([sys.executable, "-m", "bbdispatch", "--db", str(demo_db_path), *command])
    script = f'{line} 2>{shlex.quote(str(err))} | {reader}; echo "${{PIPESTATUS[0]}}"'
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    code = int(done.stdout.strip().splitlines()[-1])
    assert err.read_text(encoding="utf-8") == ""
    assert code in (0, 141)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_full_disk_on_stdout_is_one_clear_line(
    demo_db_path: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """``>/dev/full``: exit 1 and one line naming standard output, never a traceback."""
    err = tmp_path / "err.txt"
    line = shlex.join([sys.executable, "-m", "bbdispatch", "--db", str(demo_db_path), *command])
    script = f"{line} 2>{shlex.quote(str(err))} >/dev/full; echo $?"
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    message = err.read_text(encoding="utf-8")
    assert int(done.stdout.strip()) == 1
    assert message == "bbdispatch: cannot write to standard output: no space left on the device\n"
