"""A ring lands or is queued within a second of the phone system starting it.

The tester's finding: at load 10-13 a ring on an open connection took up to
1.07 s and a whole ``ring`` process 2.7 s, because it waited up to 3 s for the
write lock whatever its start-up had already cost. The lock wait is now what
is left of one second since the process started, less the time to queue the
call. How fast rings are is measured by ``benchmarks/rings_during_import.py``;
here only the rule and its inputs are checked, never a duration.
"""

from __future__ import annotations

import time

from bbdispatch.commands.ring import FRESH_PROCESS_SECONDS, process_started
from bbdispatch.services.rings import (
    MIN_LOCK_WAIT_SECONDS,
    RING_DEADLINE_SECONDS,
    RING_LOCK_WAIT_SECONDS,
    SPOOL_MARGIN_SECONDS,
    ring_lock_wait,
)


def test_the_lock_wait_is_what_is_left_of_the_second() -> None:
    assert RING_LOCK_WAIT_SECONDS + SPOOL_MARGIN_SECONDS == RING_DEADLINE_SECONDS == 1.0
    assert ring_lock_wait(10.0, 10.0) == RING_LOCK_WAIT_SECONDS  # a quick start: all of it
    assert abs(ring_lock_wait(10.0, 10.5) - (RING_LOCK_WAIT_SECONDS - 0.5)) < 1e-9
    assert ring_lock_wait(10.0, 12.7) == MIN_LOCK_WAIT_SECONDS  # a slow start: queue soon
    assert ring_lock_wait(10.0, 9.0) == RING_LOCK_WAIT_SECONDS  # clocks never give more


def test_the_deadline_starts_with_the_process_or_with_a_call_into_an_old_one() -> None:
    """pytest has run for more than a few seconds by now: its deadline starts with the call."""
    started = process_started()
    now = time.monotonic()
    assert 0 <= now - started < FRESH_PROCESS_SECONDS


def test_a_fresh_process_counts_its_own_start_up() -> None:
    """A new process (as the phone system starts ``ring``) dates the deadline from its start."""
    import subprocess
    import sys

    script = (
        "import time\n"
        "from bbdispatch.commands.ring import process_started\n"
        "print(time.monotonic() - process_started())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert 0 < float(done.stdout) < FRESH_PROCESS_SECONDS  # the interpreter's start counted
