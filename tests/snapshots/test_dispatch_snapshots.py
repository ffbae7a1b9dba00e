"""Snapshots of the dispatch board (80x24 and 160x50), the job detail and the picker."""

from __future__ import annotations

from textual.pilot import Pilot

from bbdispatch.app import BBDispatch
from tests.helpers import DISPATCHER, settle


def test_board_80x24(snap_compare, ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_board_160x50(snap_compare, ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(160, 50), run_before=settle)


def test_job_detail_80x24(snap_compare, ctx_factory) -> None:
    async def open_detail(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)

    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_detail)


def test_assign_picker_80x24(snap_compare, ctx_factory) -> None:
    async def open_picker(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "down", "a")
        await settle(pilot)

    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_picker)
