"""A hostile corpus of stored text, and a demo database holding it everywhere.

Shared by the screen tests (``tests/ui/test_hostile_text.py``) and the output
tests (``tests/unit/test_hostile_output.py``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

BOLD = "[b]Ala[/b]"
QUIT = "[@click=app.quit]Q[/]"
SHOT = "[@click=app.screenshot('pwned.svg','.')]S[/]"
OSC = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
C0_C1 = "\x00\x07\x08\x0b\x0c\x7f\x85\x9b"
BIDI = "\u202e\u2066"
LONG = "Ł" * 10_000

CORPUS = [
    f"{BOLD} Kowalska",
    f"{QUIT} Firma",
    f"{SHOT} Serwis",
    f"{OSC}{CLEAR}Kancelaria",
    f"{BIDI}Ala {C0_C1} koniec",
    LONG,
]
"""One hostile value per row, cycled over every text column below."""

MARKERS = ("[b]Ala[/b]", "[@click", "␛]0;pwned", "␛[2J", "�", "ŁŁŁŁŁŁ", "␀␇")
"""What a screen shows of the corpus when it shows it literally."""

COLUMNS = {
    "client": ("name", "contact_person", "notes", "street", "city"),
    "technician": ("name",),
    "job": ("description", "caller_name", "site_address", "resolution", "status_reason"),
    "call_log": ("note", "handled_by"),
    "contract": ("title",),
    "recurring_task": ("title", "instructions"),
    "work_entry": ("description",),
    "software_item": ("name", "version"),
    "needs_assessment": ("needs", "rules"),
    "run_log": ("checked", "problem"),
    "backup_check": ("location", "note"),
}
"""Stored free text, table by table."""


def poison(path: Path) -> None:
    """Overwrite the demo's free text with the corpus (row by row, cycling)."""
    conn = sqlite3.connect(path)
    try:
        for table, columns in COLUMNS.items():
            ids = [r[0] for r in conn.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]  # noqa: S608
            for n, row_id in enumerate(ids):
                for k, column in enumerate(columns):
                    value = f"{CORPUS[(n + k) % len(CORPUS)]} #{row_id}"
                    conn.execute(
                        f"UPDATE {table} SET {column} = ? WHERE rowid = ?",  # noqa: S608
                        (value, row_id),
                    )
        conn.commit()
    finally:
        conn.close()
