"""The dispatcher's first frame does not wait for the board's first load (issue 13)."""

from __future__ import annotations

import ast
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

FIRST_FRAME = """
import sys
from textual.screen import Screen
from textual.widgets import DataTable, Static

from bbdispatch.storage.database import SQLiteDatabase

original = Screen._compositor_refresh
seen = []
opens = []
open_file = SQLiteDatabase.open_file.__func__

async def counted(cls, *args, **kwargs):
    opens.append(args[0])
    return await open_file(cls, *args, **kwargs)

SQLiteDatabase.open_file = classmethod(counted)

def hooked(self):
    original(self)
    if type(self).__name__ == "BoardScreen" and self.is_current and not seen:
        table = self.query_one("#job-table", DataTable)
        summary = str(self.query_one("#board-summary", Static).render())
        seen.append(([str(c.label) for c in table.columns.values()], summary,
                     "bbdispatch.services.board" in sys.modules, self.loads, len(opens)))
        with open(sys.argv[2], "w", encoding="utf-8") as out:
            out.write(repr(seen[0]))
        self.app.exit()

Screen._compositor_refresh = hooked
from bbdispatch.cli import main
main(["--db", sys.argv[1], "--lang", "en"])
"""


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def _first_frame(db: Path, out: Path) -> tuple[list[str], str, bool, int, int]:
    """Start the dispatcher on a pseudo-terminal of 80×24 and describe its first board frame:
    (the table's column labels, the summary line, whether the board's services were
    imported, how many loads ran, how many times the database was opened)."""
    import sqlite3

    from bbdispatch.services.people import os_login
    from bbdispatch.storage import bulk

    conn = sqlite3.connect(db, isolation_level=None)
    bulk.ensure_dispatcher(conn, os_login(), "Dyspozytor Testowy")
    conn.close()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    threading.Thread(target=_drain, args=(master,), daemon=True).start()
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("TEXTUAL", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", FIRST_FRAME, str(db), str(out)],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    try:
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    found: tuple[list[str], str, bool, int, int] = ast.literal_eval(out.read_text(encoding="utf-8"))
    return found


def test_the_first_frame_shows_the_board_before_its_first_load(
    demo_db_path: Path, tmp_path: Path
) -> None:
    """The board's first frame (header, the table's columns, footer) is painted first;
    the first load then imports the board's services and reads the queue. Before, the
    frame waited for both (cold start 1.6-2× a bare Textual app with the same widgets),
    and until the first load the summary line says nothing rather than "Open 0"."""
    columns, summary, services_loaded, loads, _opens = _first_frame(
        demo_db_path, tmp_path / "first-frame.txt"
    )
    assert columns[:3] == ["No.", "⚑", "Client"] and "Status" in columns
    assert summary == ""
    assert (services_loaded, loads) == (False, 0)


def test_the_session_opens_the_database_once(demo_db_path: Path, tmp_path: Path) -> None:
    """The identity check's connection is the App's: the start opened the database a
    second time (a connection, its pragmas, the schema check) before the first frame."""
    *_seen, opens = _first_frame(demo_db_path, tmp_path / "first-frame.txt")
    assert opens == 1
