"""The phone system's OS account, for real: it rings and looks up, nothing else (docs/rights.md).

The test creates a temporary OS account in the groups ``bbdispatch`` and
``bbdispatch-phone`` (and the groups, when the machine has none; all removed
afterwards, also on failure), gives it the firm's database as
``docs/deploy-ssh.md`` sets it up (a setgid folder of the ``bbdispatch`` group,
files 0660), and runs bbdispatch as that account with ``runuser``: ``ring`` is
logged, ``lookup`` answers, and ``people add``, ``jobs``, ``clients``,
``report`` and the dispatcher's screen are refused with one line each, no
traceback, audited.
"""

from __future__ import annotations

import contextlib
import grp
import os
import secrets
import select
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GROUPS = ("bbdispatch", "bbdispatch-phone")

pytestmark = pytest.mark.e2e


def _run(*cmd: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)


def _missing() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root (creates an OS account and groups)"
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


def _closed_to_others(path: Path) -> str | None:
    """The first directory on the way to ``path`` that other accounts cannot enter."""
    for part in [*reversed(path.parents), path]:
        mode = part.stat().st_mode
        if not (mode & stat.S_IROTH and mode & stat.S_IXOTH):
            return str(part)
    return None


def _unusable(message: str) -> None:
    """Fail in CI, where the setup must allow the test; elsewhere skip with the reason."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class PhoneSite:
    """A firm's database and the phone system's account that may use it."""

    user: str
    db: Path
    src: Path

    def command(self, *args: str) -> list[str]:
        """``bbdispatch --db DB ARGS`` as the account, with a clean environment."""
        return [
            "runuser", "-u", self.user, "--", "env", "-i", "PATH=/usr/bin:/bin",
            "LANG=C.UTF-8", "BBDISPATCH_LANG=en", "TERM=xterm-256color", "HOME=/",
            f"PYTHONPATH={self.src}", sys.executable, "-m", "bbdispatch", "--db", str(self.db),
            *args,
        ]  # fmt: skip

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _run(*self.command(*args), check=False)

    def query(self, sql: str) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(self.db)
        try:
            return [tuple(r) for r in conn.execute(sql)]
        finally:
            conn.close()


@pytest.fixture
def phone() -> Iterator[PhoneSite]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    blocked = _closed_to_others(Path(sys.prefix) / "bin")
    if blocked:
        _unusable(
            f"another account cannot run the Python running the tests ({sys.prefix}): "
            f"{blocked} is closed to other accounts; build the venv in a world-readable place."
        )
    tag = secrets.token_hex(3)
    user = f"bbp{tag}"
    work = Path(tempfile.mkdtemp(prefix="bbdispatch-phone-"))
    cleanups: list[Callable[[], object]] = []
    old_umask = os.umask(0o022)  # not the firm's 002: the files must be 0660 anyway
    try:
        work.chmod(0o755)
        blocked = _closed_to_others(work)
        if blocked:
            _unusable(f"the temporary folder is closed to other accounts at {blocked}")
        for group in GROUPS:
            with contextlib.suppress(KeyError):
                grp.getgrnam(group)
                continue
            _run("groupadd", group)
            cleanups.append(lambda group=group: _run("groupdel", group, check=False))
        _run(
            "useradd", "--no-create-home", "--shell", "/usr/sbin/nologin",
            "-G", ",".join(GROUPS), user,
        )  # fmt: skip
        cleanups.append(lambda: _run("userdel", user, check=False))

        src = work / "src"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in ("bbdispatch", "screens", "data"):
            shutil.copytree(REPO / name, src / name, ignore=ignore)
        _run("chmod", "-R", "a+rX", str(src))

        dbdir = work / "db"
        dbdir.mkdir()
        shutil.chown(dbdir, "root", "bbdispatch")
        dbdir.chmod(0o2770)
        db = dbdir / "bbdispatch.db"
        env = {**os.environ, "PYTHONPATH": str(src), "BBDISPATCH_LANG": "en", "LANG": "C.UTF-8"}
        subprocess.run(
            [sys.executable, "-m", "bbdispatch", "--db", str(db), "demo"],
            check=True, capture_output=True, text=True, timeout=180, env=env,
        )  # fmt: skip
        site = PhoneSite(user, db, src)
        probe = site.run("--version")
        if probe.returncode:
            _unusable(f"the phone account cannot run bbdispatch: {probe.stderr.strip()}")
        yield site
    finally:
        for cleanup in reversed(cleanups):
            cleanup()
        os.umask(old_umask)
        shutil.rmtree(work, ignore_errors=True)


def _in_a_terminal(cmd: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run ``cmd`` with a pseudo-terminal as its stdin, stdout and stderr; its code and output."""
    master, slave = os.openpty()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal's other end closed: the program ended
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return code, out.decode("utf-8", "replace")


def test_the_phone_account_rings_and_looks_up_and_nothing_else(phone: PhoneSite) -> None:
    calls = len(phone.query("SELECT id FROM call_log"))
    rung = phone.run("ring", "22 601 23 45")
    assert rung.returncode == 0, rung.stderr
    assert "22 601 23 45" in rung.stdout and "Traceback" not in rung.stderr
    logged = phone.query("SELECT e164 FROM call_log ORDER BY id")
    assert len(logged) == calls + 1 and logged[-1] == ("+48226012345",)
    for path in phone.db.parent.iterdir():  # -wal/-shm made by the phone account too
        mode = path.stat()
        assert mode.st_gid == grp.getgrnam("bbdispatch").gr_gid, path
        assert stat.S_IMODE(mode.st_mode) & 0o660 == 0o660, (path, oct(mode.st_mode))

    looked = phone.run("lookup", "601 234 567")
    assert looked.returncode == 0, looked.stderr
    assert "Kancelaria Notarialna" in looked.stdout

    people = phone.query("SELECT count(*) FROM technician")
    refused = {
        ("people", "add", "x", "X", "--role", "admin"): "manage people",
        ("jobs",): "see the board",
        ("clients",): "see clients",
        ("report", "statement", "--client", "1", "--from", "2026-08-01", "--to", "2026-08-31"): (
            "see work statements"
        ),
    }
    for args, what in refused.items():
        done = phone.run(*args)
        assert (done.returncode, done.stdout) == (1, ""), (args, done)
        assert done.stderr == f"bbdispatch: Not allowed: your role (phone system) may not {what}.\n"
    assert phone.query("SELECT count(*) FROM technician") == people

    code, shown = _in_a_terminal(phone.command())
    assert code == 1, shown
    assert "Traceback" not in shown, shown
    assert f"{phone.user} is the phone system's account" in shown, shown
    assert "ask an admin to add you" not in shown, shown

    audited = phone.query(
        "SELECT json_extract(detail, '$.action') FROM audit_log"
        f" WHERE entity = 'rights' AND actor = '{phone.user}' ORDER BY id"
    )
    assert [a for (a,) in audited] == [
        "people.manage", "job.list", "client.view", "statement.view", "session",
    ]  # fmt: skip
