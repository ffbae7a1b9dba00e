"""Python's cyclic garbage collector, paused while a large result is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_pauses = 0
"""How many :func:`paused` blocks are open now (coroutines of one event loop overlap)."""


@contextmanager
def paused() -> Iterator[None]:
    """Keep the cyclic garbage collector off while a large result without cycles is built.

    A year's statement of the busiest client reads ten thousand rows and builds
    as many lines and charge pieces, all alive until it is done and none in a
    reference cycle. Every 700 new objects set the collector off meanwhile: it
    walks the young objects each time and, about once per statement, every
    object of the process, some 25 ms of a statement's 140 ms of CPU at the
    benchmark's scale (``python -m benchmarks --only data``). None of that finds
    anything to free: reference counting frees the rows and what is dropped,
    and what is kept is looked at by later collections as before.

    Pauses may nest and overlap (coroutines of one event loop take turns inside
    them; everything run meanwhile runs without the collector too, for the
    fraction of a second a statement takes): the collector runs again when the
    last one ends. If it was off before the first (``ring`` and ``lookup`` run
    without it), it is left off.
    """
    global _pauses
    if not _pauses and not gc.isenabled():
        yield
        return
    _pauses += 1
    gc.disable()
    try:
        yield
    finally:
        _pauses -= 1
        if not _pauses:
            gc.enable()
