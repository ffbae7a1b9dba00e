"""A throw-away PostgreSQL server for the test session (initdb + pg_ctl, no containers).

The server runs from a temporary folder on a free TCP port of 127.0.0.1 with
``trust`` authentication and durability switched off (tests only). PostgreSQL
refuses to run as root, so under root it runs as the ``postgres`` OS account
in a folder that account owns. Without server binaries the PostgreSQL tests
are skipped, except under ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``: on PATH, ``pg_config --bindir``, or Debian's."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    config = shutil.which("pg_config")
    if config:
        found = subprocess.run([config, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(found.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A running server: its binaries, folder, port and a counter for database names."""

    bindir: Path
    folder: Path
    port: int
    run_as: list[str]
    options: str = ""
    _count: int = field(default=0)

    def url(self, dbname: str) -> str:
        """The URL bbdispatch opens for ``dbname`` (as the superuser ``postgres``)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL through ``psql`` and return its output (raises on error)."""
        done = subprocess.run(
            [str(self.bindir / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", dbname, "-c", sql],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        return done.stdout

    def new_name(self, prefix: str = "t") -> str:
        """A database name not used before in this session."""
        self._count += 1
        return f"{prefix}{os.getpid()}_{self._count}"

    def create(self, template: str | None = None, prefix: str = "t") -> str:
        """Create a database (empty, or a copy of ``template``); return its name."""
        name = self.new_name(prefix)
        copy = f" TEMPLATE {template}" if template else ""
        self.psql(f"CREATE DATABASE {name}{copy}")
        return name

    def halt(self) -> None:
        """Stop the server as an administrator would (``fast``), keeping its folder."""
        subprocess.run(
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
             "-m", "fast", "-w", "stop"],
            capture_output=True, check=True,
        )  # fmt: skip

    def resume(self) -> None:
        """Start a server stopped by :meth:`halt` again, on the same port."""
        subprocess.run(
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
             "-o", self.options, "-l", str(self.folder / "log"), "-w", "-t", "60", "start"],
            capture_output=True, check=True,
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        subprocess.run(
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
             "-m", "immediate", "-w", "stop"],
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def missing(reason: str) -> None:
    """Skip the PostgreSQL tests for ``reason``; under ``CI=true`` fail them instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: the PostgreSQL tests must run)")
    pytest.skip(reason)


def start_server() -> PgServer:
    """Start a server in a fresh temporary folder, or skip (fail under ``CI=true``)."""
    bindir = find_bindir()
    if importlib.util.find_spec("asyncpg") is None:
        missing("the asyncpg driver is not installed (pip install -e '.[dev]' after pulling)")
    if bindir is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl) not found; .ci/run installs them")
    folder = Path(tempfile.mkdtemp(prefix="bbdispatch-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        runuser = shutil.which("runuser")
        run_as = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-c"]
    port = _free_port()
    data = folder / "data"
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "-E", "UTF8", "--locale=C", "--no-sync"],
        capture_output=True, check=True,
    )  # fmt: skip
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        " -c max_connections=200 -c shared_buffers=64MB"
    )
    subprocess.run(
        [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
         str(folder / "log"), "-w", "-t", "60", "start"],
        capture_output=True, check=True,
    )  # fmt: skip
    return PgServer(bindir=bindir, folder=folder, port=port, run_as=run_as, options=options)
