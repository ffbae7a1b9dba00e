"""Shared fixtures: a frozen clock, a demo database per test, and App factories."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bbdispatch import i18n
from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.people import Technician
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import PriceList, load_pricelist
from bbdispatch.services.context import Ctx
from bbdispatch.services.demo import build_demo
from bbdispatch.storage.database import Database

settings.register_profile(
    "busy_machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("busy_machine")
"""Properties judge results, not speed: a loaded CI runner must not fail them on time."""

DEMO_NOW = datetime(2026, 11, 24, 9, 42, tzinfo=FIRM_ZONE)
"""The moment every test lives in: a Tuesday morning in Warsaw."""


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test speaks English unless it asks for Polish: the machine's locale never decides.

    The locale variables are cleared (``LANG=C.UTF-8`` keeps UTF-8 for child
    processes), and the language is reset after the test.
    """
    for variable in i18n.LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    i18n.choose_language("en")
    yield
    i18n.choose_language("en")


@pytest.fixture
def polish() -> Iterator[None]:
    """Polish for this test (as ``--lang pl`` would choose it)."""
    i18n.choose_language("pl")
    yield
    i18n.choose_language("en")


@pytest.fixture(scope="session")
def prices() -> PriceList:
    return load_pricelist()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(DEMO_NOW)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, prices: PriceList) -> Path:
    """The demo database built once per test session; tests get copies."""
    path = tmp_path_factory.mktemp("template") / "demo.db"

    async def build() -> None:
        db = await Database.open(path)
        ctx = Ctx(
            db=db, clock=FrozenClock(DEMO_NOW), prices=prices, actor="setup",
            fallback=Principal.SYSTEM,
        )  # fmt: skip
        await build_demo(ctx, add_login="tester")
        async with db.transaction():
            pass
        await db.close()

    asyncio.run(build())
    return path


@pytest.fixture
def demo_db_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return target


@pytest.fixture
def anna(demo_db_path: Path) -> Technician:
    """Anna, the demo's technician (a UI test signs her in to ``bbdispatch tech``)."""
    from tests.helpers import load_person  # imports the App: not for every test's conftest

    return load_person(demo_db_path, "anna")


@pytest.fixture
async def ctx(tmp_path: Path, clock: FrozenClock, prices: PriceList) -> AsyncIterator[Ctx]:
    """An empty, migrated database."""
    db = await Database.open(tmp_path / "empty.db")
    # Trusted set-up code: "tester" is no person of the empty database.
    yield Ctx(db=db, clock=clock, prices=prices, actor="tester", fallback=Principal.SYSTEM)
    await db.close()


@pytest.fixture
async def demo_ctx(demo_db_path: Path, clock: FrozenClock, prices: PriceList) -> AsyncIterator[Ctx]:
    """The demo database, opened."""
    db = await Database.open(demo_db_path)
    yield Ctx(db=db, clock=clock, prices=prices, actor="tester")
    await db.close()


@pytest.fixture
def ctx_factory(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> Callable[[], Callable[[], object]]:
    """Builds the ``open_ctx`` callable an App needs, on the demo database."""

    def make(actor: str = "tester") -> Callable[[], object]:
        async def open_ctx() -> Ctx:
            db = await Database.open(demo_db_path)
            return Ctx(db=db, clock=clock, prices=prices, actor=actor)

        return open_ctx

    return make
