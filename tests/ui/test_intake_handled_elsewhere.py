"""A call handled elsewhere while its intake was open never costs the typed request (issue 13, B).

The tester: ``ring 226281234`` popped the intake, a request was typed, and
``bbdispatch calls mark <id> missed`` ran elsewhere; saving then said "root
already handled this call." and Esc said what was typed is not saved.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from bbdispatch.clock import FrozenClock
from bbdispatch.pricelist import PriceList
from screens.intake import IntakeScreen
from tests.helpers import (
    dispatcher_after,
    intake_after,
    press_settled,
    query,
    ring,
    settle,
    take_waiting_call,
    type_text,
    write,
)


async def test_saving_a_call_marked_elsewhere_saves_the_job_with_a_call_of_its_own(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    await ring(demo_db_path, clock, prices, "601 234 567")
    async with dispatcher_after(ctx_factory, "l") as (app, pilot):
        await take_waiting_call(app, pilot)
        await type_text(pilot, "printer jams")
        # Meanwhile ``calls mark <id> missed`` ran in another process.
        write(demo_db_path, "UPDATE call_log SET outcome = 'missed', handled_by = 'root'")
        await press_settled(pilot, "enter", "r", "1", "ctrl+s")
        assert not isinstance(app.screen, IntakeScreen)
        shown = [str(n.message) for n in app._notifications]
        assert any("root handled this call meanwhile" in m for m in shown), shown
    calls = query(demo_db_path, "SELECT * FROM call_log ORDER BY id")
    assert (calls[0]["outcome"], calls[0]["handled_by"]) == ("missed", "root")
    assert calls[1]["outcome"] == "job_created"
    assert calls[1]["e164"] == "+48601234567"
    job = query(demo_db_path, "SELECT * FROM job WHERE id = ?", (calls[1]["job_id"],))[0]
    assert job["description"] == "printer jams"


async def _calls_mark(db_path: Path, *args: str) -> tuple[int, str]:
    """``bbdispatch calls mark ...`` in a process of its own, as the tester ran it."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bbdispatch", "--db", str(db_path), "--lang", "en",
        "calls", "mark", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    return proc.returncode or 0, (out + err).decode()


async def test_calls_mark_refuses_a_call_an_intake_is_taking_unless_forced(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    async with intake_after(ctx_factory, *"601234567") as (app, pilot, intake):
        await type_text(pilot, "printer jams")
        call_id = await intake.call_id()
        assert call_id is not None
        code, said = await _calls_mark(demo_db_path, str(call_id), "missed")
        assert code == 1, said
        assert f"Call {call_id} is being taken by" in said
        assert (
            query(demo_db_path, "SELECT outcome FROM call_log WHERE id = ?", (call_id,))[0][0]
            == "pending"
        )
        code, said = await _calls_mark(demo_db_path, str(call_id), "missed", "--force")
        assert code == 0, said
        await press_settled(pilot, "enter", "r", "1", "ctrl+s")
        assert not isinstance(app.screen, IntakeScreen)
    calls = query(demo_db_path, "SELECT * FROM call_log WHERE id >= ? ORDER BY id", (call_id,))
    assert calls[0]["outcome"] == "missed"
    assert calls[1]["outcome"] == "job_created"
    job = query(demo_db_path, "SELECT * FROM job WHERE id = ?", (calls[1]["job_id"],))[0]
    assert job["description"] == "printer jams"


async def test_calls_mark_refuses_a_rung_call_whose_intake_is_open_and_not_once_closed(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """The tester's case: ``ring``, the intake pops up, ``calls mark`` in another process."""
    await ring(demo_db_path, clock, prices, "22 628 12 34")
    call_id = query(demo_db_path, "SELECT MAX(id) FROM call_log")[0][0]
    async with dispatcher_after(ctx_factory, "l") as (app, pilot):
        await take_waiting_call(app, pilot)
        await settle(pilot)
        code, said = await _calls_mark(demo_db_path, str(call_id), "missed")
        assert code == 1, said
        assert f"Call {call_id} is being taken by" in said
        await press_settled(pilot, "escape")  # nothing typed: it waits as it came
        assert not isinstance(app.screen, IntakeScreen)
        code, said = await _calls_mark(demo_db_path, str(call_id), "missed")
        assert code == 0, said
    row = query(demo_db_path, "SELECT outcome, note FROM call_log WHERE id = ?", (call_id,))[0]
    assert (row["outcome"], row["note"]) == ("missed", "")
