"""Root on a database with no admin is told how to make one (issue 18, a tester's finding).

Root acts as an admin without being a person (docs/rights.md), so on such a
database the screen opened, ``people list`` printed nothing and exited 0, and
only ``doctor`` said that nobody else could use the program. Every command now
prints one hint line on stderr (exit code unchanged), and the screen's first
notification says it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bbdispatch.app import BBDispatch
from bbdispatch.cli import main
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import root_as_admin
from bbdispatch.storage.database import Database
from tests.helpers import settle_until
from tests.ui.test_root_session import _as

HINT = "has no admin yet; make one with: bbdispatch --db"


async def _empty(path: Path) -> None:
    db = await Database.open(path, create=True)
    await db.close()


def test_root_is_told_on_stderr_once_per_command_exit_code_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    asyncio.run(_empty(db))
    _as(monkeypatch, "root", Principal.ADMIN)
    capsys.readouterr()
    assert main(["--db", str(db), "people", "list"]) == 0
    out = capsys.readouterr()
    (line,) = out.err.splitlines()
    assert HINT in line and "init --admin LOGIN" in line, line
    assert out.out == ""
    # doctor says it among its checks, not twice
    main(["--db", str(db), "doctor"])
    assert capsys.readouterr().out.count("has no admin yet") == 1
    # Once there is an admin, nothing more is said.
    assert main(["--db", str(db), "init", "--admin", "bogdan"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "people", "list"]) == 0
    assert capsys.readouterr().err == ""


async def test_roots_first_notification_names_the_command(
    tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    path = tmp_path / "firm.db"
    await _empty(path)

    async def open_ctx() -> Ctx:
        db = await Database.open(path)
        return Ctx(db=db, clock=clock, prices=prices, actor="root", fallback=Principal.ADMIN)

    app = BBDispatch(open_ctx, root_as_admin("root"), schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_until(pilot, lambda: len(app._notifications) > 0)
        first = next(iter(app._notifications)).message.replace("\n", " ")  # wrapped to fit
        assert "has no admin yet; make one with:" in first, first
        assert "init --admin LOGIN (as root" in first, first
