"""Fixtures of the storage contract suite: every test runs once per backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bbdispatch.storage.database import Database
from tests.storage.backends import BACKENDS, Backend

AT = datetime(2026, 11, 24, 8, 42, 0, tzinfo=UTC)
"""A stored moment: whole seconds, UTC (what the clock hands storage)."""


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    """One backend per run of each test."""
    return BACKENDS[request.param]


@pytest.fixture
async def db(backend: Backend, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty, migrated database of the backend."""
    opened = await backend.open_empty(tmp_path)
    yield opened
    await opened.close()


@pytest.fixture
async def demo(backend: Backend, demo_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    """The demo data (built through the services) in a database of the backend."""
    opened = await backend.open_copy_of(demo_template, tmp_path)
    yield opened
    await opened.close()
