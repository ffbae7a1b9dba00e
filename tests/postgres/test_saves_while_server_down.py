"""With the PostgreSQL server down, every dialog's save says "Not saved" (issue 19).

Found by a fresh tester: Save in a dialog while the server was down said "The
database could not be read". A save reads first (who acts, the record it
changes) and those reads were worded as plain reads. Each dialog of
``tests/ui/test_dialog_failures.py`` is filled on a PostgreSQL demo, the
server is stopped, and Save must say the change was not saved, keep what was
typed, and save it once the server is back. A plain read while it is down
still says it could not be read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from textual.widgets import Input

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.job_edits import JobEdit
from bbdispatch.domain.jobs import JobMode, Priority
from bbdispatch.domain.people import Technician
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import PriceList, load_pricelist
from bbdispatch.services.board import board_lines
from bbdispatch.services.context import Ctx
from bbdispatch.services.demo import build_demo
from bbdispatch.services.dispatch import edit_job
from bbdispatch.storage.database import Database, ReadFailed, WriteFailed
from tests.conftest import DEMO_NOW
from tests.pg_server import PgServer, start_server
from tests.ui.test_dialog_failures import CASES, Case, _shown_now, make, settle, shown


@pytest.fixture(scope="module")
def own_server() -> Iterator[tuple[PgServer, str]]:
    """A server of this module's own (stopping the session's would fail other tests),
    with the demo built once; each test works on a copy of it."""
    server = start_server()
    name = server.create(prefix="demo")

    async def build() -> None:
        db = await Database.open(server.url(name))
        ctx = Ctx(
            db=db, clock=FrozenClock(DEMO_NOW), prices=load_pricelist(), actor="setup",
            fallback=Principal.SYSTEM,
        )  # fmt: skip
        try:
            await build_demo(ctx, add_login="tester")
        finally:
            await db.close()

    try:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, build()).result()
        yield server, name
    finally:
        server.stop()


@pytest.fixture
def down_url(own_server: tuple[PgServer, str]) -> str:
    """A copy of the demo (each test starts the server again after stopping it)."""
    server, demo = own_server
    return server.url(server.create(template=demo))


def pg_ctx_factory(url: str, clock: FrozenClock, prices: PriceList) -> Callable[..., object]:
    def make_ctx(actor: str = "tester") -> Callable[[], object]:
        async def open_ctx() -> Ctx:
            return Ctx(db=await Database.open(url), clock=clock, prices=prices, actor=actor)

        return open_ctx

    return make_ctx


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_a_save_with_the_server_down_says_not_saved_and_keeps_the_text(
    case: Case,
    down_url: str,
    own_server: tuple[PgServer, str],
    clock: FrozenClock,
    prices: PriceList,
    anna: Technician,  # noqa: F811 - the fixture imported above
) -> None:
    server, _demo = own_server
    app = make(case, pg_ctx_factory(down_url, clock, prices), anna)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await case.opener(app, pilot)
        assert isinstance(app.screen, case.dialog)
        server.halt()
        try:
            await pilot.press(*case.save_keys)
            await settle(app, pilot)
            await settle_long(pilot, lambda: "Not saved" in _shown_now(app, case.error))
            assert isinstance(app.screen, case.dialog), "the dialog stays open"
            message = shown(app, case.error)
            assert message.startswith("Not saved: the database server 127.0.0.1:"), message
            assert "cannot be reached" in message and "kept" in message
            assert "could not be read" not in message
            for selector, value in case.kept.items():
                assert app.screen.query_one(selector, Input).value == value
        finally:
            server.resume()
        await pilot.press(*case.save_keys)  # the server is back: the same text saves
        await settle(app, pilot)
        await settle_long(pilot, lambda: not isinstance(app.screen, case.dialog))
        assert not isinstance(app.screen, case.dialog)


async def settle_long(pilot: Any, done: Callable[[], bool]) -> None:
    """Settle until ``done()`` (a failed connect may take a while to say so)."""
    from tests.helpers import settle_until

    await settle_until(pilot, done, seconds=30)


async def test_a_service_save_says_not_saved_and_a_read_could_not_be_read(
    down_url: str, own_server: tuple[PgServer, str], clock: FrozenClock, prices: PriceList
) -> None:
    server, _demo = own_server
    db = await Database.open(down_url)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    try:
        await board_lines(ctx)  # connected and working
        server.halt()
        edit = JobEdit("Toner", Priority.NORMAL, JobMode.REMOTE, None)
        with pytest.raises(WriteFailed) as saved:
            await edit_job(ctx, 12, edit)
        assert str(saved.value).startswith("Not saved: the database server 127.0.0.1:")
        with pytest.raises(ReadFailed) as read:
            await board_lines(ctx)
        assert str(read.value).startswith("The database could not be read")
    finally:
        server.resume()
        await db.close()
