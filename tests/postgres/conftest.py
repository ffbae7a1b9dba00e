"""Fixtures of the PostgreSQL tests: the session's server and demo databases on it."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from bbdispatch.clock import FrozenClock
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.storage.database import Database
from tests.pg_server import PgServer
from tests.storage.backends import BACKENDS, PostgresBackend

if importlib.util.find_spec("asyncpg") is None and os.environ.get("CI") != "true":
    # A venv made before the driver was a dependency: skip, don't break collection.
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture
def pg() -> PgServer:
    """The session's PostgreSQL server (started at first use; skipped without binaries)."""
    backend = BACKENDS["postgresql"]
    assert isinstance(backend, PostgresBackend)
    return backend.server


@pytest.fixture
async def pg_demo_url(pg: PgServer, tmp_path: Path) -> str:
    """The URL of a private copy of the demo (built through the services) on the server."""
    backend = BACKENDS["postgresql"]
    db = await backend.open_copy_of(tmp_path / "unused.db", tmp_path)
    url = str(db.target)
    await db.close()
    return url


@pytest.fixture
def pg_ctx_factory(
    pg_demo_url: str, clock: FrozenClock, prices: PriceList
) -> Callable[..., Callable[[], object]]:
    """Builds the ``open_ctx`` callable an App needs, on the PostgreSQL demo."""

    def make(actor: str = "tester") -> Callable[[], object]:
        async def open_ctx() -> Ctx:
            db = await Database.open(pg_demo_url)
            return Ctx(db=db, clock=clock, prices=prices, actor=actor)

        return open_ctx

    return make


ROLES = resources.files("bbdispatch.storage").joinpath("pg_roles.sql").read_text("utf-8")


async def as_role(url: str, login: str) -> Database:
    """The database at ``url`` opened as the login role ``login`` (no migrations)."""
    return await Database.open(url.replace("postgres@", f"{login}@"), migrate=False)


@pytest.fixture
async def roles_url(pg: PgServer, pg_demo_url: str) -> str:
    """The demo with the roles script applied, and logins for a dispatcher and a technician."""
    import asyncpg  # a venv made before the driver was a dependency skips these tests

    admin = await asyncpg.connect(pg_demo_url)
    try:
        await admin.execute(ROLES)
        await admin.execute(ROLES)  # it may run again (after each upgrade)
        await admin.execute(
            "DO $$ BEGIN"
            " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'beata') THEN"
            "  CREATE ROLE beata LOGIN IN ROLE bbdispatch_app; END IF;"
            " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kasia') THEN"
            "  CREATE ROLE kasia LOGIN IN ROLE bbdispatch_technician; END IF;"
            " END $$"
        )
    finally:
        await admin.close()
    return pg_demo_url
