"""A database that cannot be opened fails with one error and nothing after it."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bbdispatch.storage.database import Database, StorageError


def test_failed_open_leaves_no_thread_talking_to_a_closed_loop(tmp_path: Path) -> None:
    """``init`` on a folder printed "Event loop is closed" after its error (2 runs in 15)."""
    errors: list[BaseException | None] = []
    before = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)
    try:
        for _ in range(30):
            with pytest.raises(StorageError):
                asyncio.run(Database.open(tmp_path))
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and not thread.daemon:
                thread.join(2)
    finally:
        threading.excepthook = before
    assert errors == []
