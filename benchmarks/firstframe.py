"""Child process of the cold-start and memory benchmarks.

``python -m benchmarks.firstframe OUT (bbdispatch|bare) [--settle] [-- ARGS...]``

Runs the real ``bbdispatch`` command (``bbdispatch.cli.main(ARGS)``) or a bare
Textual app with the board's widgets, in whatever terminal it is given. The
moment the first frame of a screen other than Textual's blank default screen
is written to the terminal, it appends the wall-clock time to OUT and exits.
With ``--settle`` it first waits for that screen's workers (the board's data
load) and then appends its peak RSS (``VmHWM``) in KiB.

The hook wraps ``Screen._compositor_refresh`` (the method that writes a frame):
the same hook for both apps, so it costs both the same.
"""

from __future__ import annotations

import resource
import sys
import time
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

OUT = sys.argv[1]
SETTLE = "--settle" in sys.argv
_done = False
_original = Screen._compositor_refresh


def _write(text: str) -> None:
    with open(OUT, "a", encoding="utf-8") as out:
        out.write(text + "\n")


def _peak_rss_kib() -> int:
    """Peak resident memory of this process image, in KiB.

    ``VmHWM`` belongs to the memory map created by exec; ``ru_maxrss`` on Linux
    also keeps the high-water mark of the parent that forked us (the benchmark
    runner, which may have just generated the database), so it is only a fallback.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _hooked(self: Screen[Any]) -> None:
    global _done
    _original(self)
    if _done or type(self) is Screen or not self.is_current:
        return
    _done = True
    _write(f"frame {time.time()}")
    app = self.app
    if not SETTLE:
        app.exit()
        return

    def check() -> None:
        busy = [w for w in app.workers if w.node is self and w.is_running]
        if not busy:
            _write(f"rss {_peak_rss_kib()}")
            app.exit()
        else:
            app.set_timer(0.02, check)

    app.set_timer(0.02, check)


Screen._compositor_refresh = _hooked  # type: ignore[method-assign]


class BareScreen(Screen[None]):
    """The board's widgets, empty: header, summary, an 8-column table, footer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "noop", "Refresh", id="refresh")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-summary")
        yield DataTable(id="job-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in ("No.", "Client", "Description", "Mode", "Prio", "Status", "Tech", "Wait"):
            table.add_column(name)


class BareApp(App[None]):
    """A Textual app that only shows the bare screen."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", id="quit")]

    async def on_mount(self) -> None:
        await self.push_screen(BareScreen())


def main() -> int:
    which = sys.argv[2]
    args = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    if which == "bare":
        BareApp().run()
        return 0
    from bbdispatch.cli import main as bbdispatch_main

    return bbdispatch_main(args)


if __name__ == "__main__":
    sys.exit(main())
