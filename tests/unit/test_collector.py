"""The cyclic collector is off while a statement's lines are built, and comes back."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from bbdispatch import collector
from bbdispatch.services.context import Ctx


@pytest.fixture
def collecting() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.usefixtures("collecting")
def test_pauses_nest_and_the_collector_runs_again_after_the_last() -> None:
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer one is still building
    assert gc.isenabled()


@pytest.mark.usefixtures("collecting")
def test_a_failure_inside_gives_the_collector_back() -> None:
    with pytest.raises(ZeroDivisionError), collector.paused():
        _ = 1 / 0
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.usefixtures("collecting")
async def test_a_statement_reads_and_prices_its_lines_without_the_collector(
    demo_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bbdispatch.services import statements as service

    seen: list[bool] = []
    real = service.store.statement_lines

    async def spy(*args: Any, **kwargs: Any) -> Any:
        found = await real(*args, **kwargs)
        seen.append(gc.isenabled())
        return found

    monkeypatch.setattr(service.store, "statement_lines", spy)
    statement = await service.build_statement(demo_ctx, 1, date(2025, 1, 1), date(2026, 12, 31))
    assert seen == [False]
    assert gc.isenabled()
    assert statement.lines  # the demo's first client has work in the period
