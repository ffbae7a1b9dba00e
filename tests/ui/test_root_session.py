"""Root that is no person of the firm: one rule for commands and screens.

root acts as an admin (docs/rights.md). A tester found the commands going on
that rule while the dispatcher refused root ("not a bbdispatch user"): the rule
now lives in ``identify`` and both take root's ``ADMIN`` fallback from the
same place; any other login that is no person is refused by both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from bbdispatch.app import BBDispatch
from bbdispatch.cli import main
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.errors import NotFound
from bbdispatch.domain.people import Role
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import identify, root_as_admin
from bbdispatch.storage.database import Database
from tests.helpers import settle_twice


def _as(monkeypatch: pytest.MonkeyPatch, login: str, fallback: Principal | None) -> None:
    """This process runs as ``login`` with ``fallback``, for commands and screens alike."""
    for where in ("bbdispatch.commands.common", "bbdispatch.launch"):
        monkeypatch.setattr(f"{where}.os_login", lambda: login)
        monkeypatch.setattr(f"{where}.os_fallback", lambda: fallback)


def _started(monkeypatch: pytest.MonkeyPatch) -> list[BBDispatch]:
    """Record the App a launch would run, instead of running it."""
    started: list[BBDispatch] = []

    async def run_async(self: BBDispatch, **_kw: Any) -> None:
        started.append(self)

    monkeypatch.setattr(BBDispatch, "run_async", run_async)
    monkeypatch.setattr("bbdispatch.launch.has_terminal", lambda: True)
    return started


def test_root_that_is_no_person_goes_in_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 0
    _as(monkeypatch, "root", Principal.ADMIN)
    started = _started(monkeypatch)
    capsys.readouterr()
    assert main(["--db", str(db), "people", "list"]) == 0
    assert "bogdan" in capsys.readouterr().out
    assert main(["--db", str(db)]) == 0
    assert "not a bbdispatch user" not in capsys.readouterr().err
    (app,) = started
    assert (app.user.login, app.user.role) == ("root", Role.ADMIN)
    # root may act as anyone, on screen as in a command
    assert main(["--db", str(db), "--as", "bogdan"]) == 0
    assert started[1].user.login == "bogdan"
    assert main(["--db", str(db), "--as", "bogdan", "people", "list"]) == 0
    # root has no jobs of its own: the technician's workspace says how to open one
    assert main(["--db", str(db), "tech"]) == 1
    assert "tech --as LOGIN" in capsys.readouterr().err


def test_a_login_that_is_no_person_is_refused_by_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 0
    _as(monkeypatch, "mallory", None)
    started = _started(monkeypatch)
    capsys.readouterr()
    assert main(["--db", str(db), "people", "list"]) == 1
    assert "mallory is not a bbdispatch user" in capsys.readouterr().err
    assert main(["--db", str(db)]) == 1
    assert "mallory is not a bbdispatch user" in capsys.readouterr().err
    assert started == []


async def test_identify_is_the_one_rule(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    db = await Database.open(demo_db_path)
    try:
        root = Ctx(db=db, clock=clock, prices=prices, actor="root", fallback=Principal.ADMIN)
        assert await identify(root, "root") == root_as_admin("root")
        assert (await identify(root, "root", "beata")).login == "beata"
        stranger = Ctx(db=db, clock=clock, prices=prices, actor="root")
        with pytest.raises(NotFound, match="root is not a bbdispatch user"):
            await identify(stranger, "root")
    finally:
        await db.close()


async def test_roots_board_loads_with_roots_rights(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    async def open_ctx() -> Ctx:
        db = await Database.open(demo_db_path)
        return Ctx(db=db, clock=clock, prices=prices, actor="root", fallback=Principal.ADMIN)

    app = BBDispatch(open_ctx, root_as_admin("root"), schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count > 0  # the board's services ran on root's admin rights
        assert "root (root)" in app.sub_title
