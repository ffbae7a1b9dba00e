"""Timing helpers and the result table: every figure next to its bare baseline."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of samples."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def stat(samples: list[float], which: str) -> float:
    """``median``, ``p95``, ``p99`` or ``max`` of samples."""
    if which == "median":
        return statistics.median(samples)
    if which == "max":
        return max(samples)
    return percentile(samples, float(which[1:]))


def time_sync(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


async def time_async(fn: Callable[[], Awaitable[object]], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` awaited calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


@dataclass
class Timings:
    """Milliseconds per call of one side of a pair: wall clock and the process's CPU time."""

    wall: list[float]
    cpu: list[float]


async def time_alternating(
    service: Callable[[], Awaitable[object]], bare: Callable[[], object], repeat: int
) -> tuple[Timings, Timings]:
    """The service and its bare baseline called in turn, ``repeat`` times each.

    Alternating puts both under the same load from other programs; the CPU
    time (``time.process_time``: every thread of this process, so aiosqlite's
    and the bare PostgreSQL connection's too) is the work itself, which the
    scheduler of a busy machine does not stretch as it stretches wall time.
    """
    ours, plain = Timings([], []), Timings([], [])
    for _ in range(repeat):
        for side, call in ((ours, None), (plain, bare)):
            start, cpu = time.perf_counter(), time.process_time()
            if call is None:
                await service()
            else:
                call()
            side.cpu.append((time.process_time() - cpu) * 1000)
            side.wall.append((time.perf_counter() - start) * 1000)
    return ours, plain


@dataclass
class Target:
    """A limit a figure must stay under: absolute (ms/MB) and/or a ratio to the bare one."""

    limit: float | None = None
    ratio: float | None = None
    unit: str = "ms"

    def describe(self) -> str:
        """E.g. ``< 5 ms, ≤ 3×``."""
        parts = []
        if self.limit is not None:
            parts.append(f"< {self.limit:g} {self.unit}")
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}× bare")
        return ", ".join(parts)

    def met(self, value: float, bare: float | None) -> bool:
        """Whether a figure meets the target."""
        ok = self.limit is None or value < self.limit
        if self.ratio is not None and bare:
            ok = ok and value <= self.ratio * bare
        return ok


@dataclass
class Row:
    """One line of the table."""

    name: str
    measure: str
    value: float
    bare: float | None
    target: Target | None
    note: str = ""
    unit: str = "ms"

    @property
    def ratio(self) -> float | None:
        """bbdispatch figure / bare figure."""
        return None if not self.bare else self.value / self.bare

    @property
    def verdict(self) -> str:
        """``met``, ``MISSED`` or empty when there is no target."""
        if self.target is None:
            return ""
        return "met" if self.target.met(self.value, self.bare) else "MISSED"


def rows_for(
    name: str,
    samples: list[float],
    bare: list[float] | None,
    measures: tuple[str, ...],
    targets: dict[str, Target],
    note: str = "",
) -> list[Row]:
    """Rows for several statistics of one benchmark."""
    return [
        Row(name, m, stat(samples, m), stat(bare, m) if bare else None, targets.get(m), note)
        for m in measures
    ]


def paired_rows(
    name: str,
    ours: Timings,
    bare: Timings,
    measures: tuple[str, ...],
    targets: dict[str, Target],
    note: str = "",
) -> list[Row]:
    """Rows of wall-clock statistics, then the median CPU time, each against the bare.

    The CPU row carries the median's ratio target (an absolute limit is about
    what a person waits, so wall clock only).
    """
    rows = rows_for(name, ours.wall, bare.wall, measures, targets, note)
    wanted = targets.get("median")
    cpu_target = Target(ratio=wanted.ratio) if wanted and wanted.ratio else None
    rows.append(
        Row(name, "median CPU", statistics.median(ours.cpu), statistics.median(bare.cpu),
            cpu_target, note)
    )  # fmt: skip
    return rows


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "%":
        return f"{value:.1f} %"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def render(rows: list[Row]) -> str:
    """The table as Markdown (readable in a terminal and pasteable into README)."""
    header = ("benchmark", "stat", "bbdispatch", "bare", "ratio", "target", "result")
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        target = r.target.describe() if r.target else ""
        cells = (r.name, r.measure, _num(r.value, r.unit), _num(r.bare, r.unit), ratio, target,
                 r.verdict)  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    seen: list[str] = []
    for n in notes:
        if n not in seen:
            seen.append(n)
    return "\n".join(lines + ([""] + seen if seen else []))
