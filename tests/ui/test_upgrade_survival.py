"""A running session survives the package being replaced under it (issue 13)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bbdispatch.preload import session_modules

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from bbdispatch.app import BBDispatch
    from tests.conftest import DEMO_NOW
    from tests.helpers import DISPATCHER, settle
    from bbdispatch.clock import FrozenClock
    from bbdispatch.pricelist import load_pricelist
    from bbdispatch.services.context import Ctx
    from bbdispatch.storage.database import Database

    async def main(path):
        async def open_ctx():
            db = await Database.open(path)
            return Ctx(db=db, clock=FrozenClock(DEMO_NOW), prices=load_pricelist(), actor="t")
        app = BBDispatch(open_ctx, DISPATCHER, poll_seconds=0.1)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for _ in range(100):  # the preload runs in the background after the first frame
                if "screens.intake" in sys.modules and "screens.help" in sys.modules:
                    break
                await asyncio.sleep(0.05)
            await app.workers.wait_for_complete()
            # The upgrade: the installed files are gone (or half-written) from now on.
            import screens
            screens.__path__[:] = []
            sys.path_importer_cache.clear()
            await pilot.press("f2")
            await settle(pilot)
            print(type(app.screen).__name__)
            await pilot.press("escape", "f1")
            await settle(pilot)
            print(type(app.screen).__name__)

    asyncio.run(main(sys.argv[1]))
    """
)


def test_screens_open_after_the_package_is_replaced(demo_db_path: Path) -> None:
    """Reinstalling killed a running dispatcher: ``ModuleNotFoundError: screens.intake``."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(demo_db_path)],
        capture_output=True, text=True, timeout=120, cwd=root, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["IntakeScreen", "HelpScreen"], done.stderr[-3000:]


def test_every_screen_module_is_preloaded() -> None:
    names = session_modules()
    screens = sorted(p.stem for p in (Path(__file__).parents[2] / "screens").glob("*.py"))
    assert {f"screens.{s}" for s in screens if s != "__init__"} <= set(names)
    assert not any(n.startswith("bbdispatch.commands") for n in names)
