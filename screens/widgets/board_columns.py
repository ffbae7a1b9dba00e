"""The board's columns: which ones fit the terminal, and how a job fills them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.text import Text

from bbdispatch.clock import format_age
from bbdispatch.domain.board import MODE_LABEL as MODE_LABEL  # shown by several screens
from bbdispatch.domain.board import BoardLine
from bbdispatch.domain.jobs import Priority
from bbdispatch.domain.lifecycle import STATUS_LABEL
from bbdispatch.i18n import N_, Labels, _
from screens.widgets.plain import cell

PRIORITY_LABEL = Labels(
    {
        Priority.EMERGENCY: N_("EMERG"),
        Priority.NORMAL: N_("normal"),
        Priority.LOW: N_("low"),
    }
)


@dataclass(frozen=True)
class Column:
    """One board column and the width it gets."""

    key: str
    label: str
    width: int


def columns_for(width: int) -> list[Column]:
    """Columns for a terminal ``width`` cells wide; the description takes what is left.

    Below 110 cells mode, priority and waiting time go; below 140 priority
    goes (emergencies stay highlighted and flagged, the order shows waiting,
    and the detail screen has everything); from 140 the names get room. Below
    72 (a 60x20 terminal) names shrink, so that the whole table, its Left
    column last, fits without scrolling sideways. The flags stay at every
    width, at least the three cells that hold ``!⏰`` (emergency, breached:
    :func:`flag_marks`); at 80 columns four, so that three marks fit.
    """
    wide = width >= 140
    narrow = width < 110
    tiny = width < 72  # 60x20 and the like: every column must still fit, Left whole
    flags = 3 if tiny else 4 if narrow else 5
    fixed = [
        Column("no", _("No."), 4),
        Column("flags", "⚑" if narrow else _("Flags"), flags),
        Column("client", _("Client"), 24 if wide else (7 if tiny else 12 if narrow else 14)),
    ]
    tail = []
    if not narrow:
        tail.append(Column("mode", _("Mode"), 7))
    if wide:
        tail.append(Column("priority", _("Prio"), 6))
    longest_status = max(len(label) for label in STATUS_LABEL.values())  # in this language
    tail.append(Column("status", _("Status"), max(9 if narrow else 11, longest_status)))
    tail.append(Column("tech", _("Tech"), 16 if wide else (6 if tiny else 7 if narrow else 9)))
    if not narrow:
        tail.append(Column("wait", _("Wait"), 6))
    tail.append(Column("left", _("Left"), 7))  # ``‖-12:23``, ``-12 dni`` whole
    # No header is cut, whatever the language makes of it.
    fixed = [replace(c, width=max(c.width, cell_len(c.label))) for c in fixed]
    tail = [replace(c, width=max(c.width, cell_len(c.label))) for c in tail]
    used = sum(c.width + 2 for c in fixed + tail) + 2 + 2  # cell padding, scrollbar, margin
    description = Column("description", _("Description"), max(6 if tiny else 10, width - used))
    return [*fixed, description, *tail]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


FIRST_MARKS = frozenset("!⏰")
"""Emergency and breached: the marks a dispatcher needs most, shown at every width."""


def flag_marks(symbols: str, width: int) -> str:
    """A line's marks (:attr:`bbdispatch.domain.board.Flags.symbols`) in ``width`` cells.

    All of them when they fit. Otherwise emergency and breached always (``!⏰``
    takes three cells, ``⏰`` two), then the others in their order while they
    fit with a ``…`` after them saying that more are on the job's page: the
    table would cut ``!⏰⚠`` to ``! …`` and hide the breach.
    """
    if cell_len(symbols) <= width:
        return symbols
    shown = "".join(mark for mark in symbols if mark in FIRST_MARKS)
    for mark in symbols:
        if mark in FIRST_MARKS:
            continue
        if cell_len(shown + mark) + 1 > width:
            break
        shown += mark
    return shown + "…" if cell_len(shown) < width else shown


def time_left(line: BoardLine) -> str:
    """The time left to the response target: ``1:05``, ``-2:00`` when breached, ``‖`` on hold."""
    if line.response is None:
        return ""
    left = format_age(line.response.left)
    return f"‖{left}" if line.response.paused else left


def cells(line: BoardLine, columns: list[Column], emphasis: str) -> tuple[str | Text, ...]:
    """The cells of one line for the given columns; ``emphasis`` styles emergencies."""
    job = line.row.job
    style = emphasis if line.flags.emergency else ""
    tech = line.row.technician_name or "—"
    values: dict[str, str] = {
        "no": job.number,
        "flags": line.flags.symbols,
        "client": line.row.client_name,
        "description": " ".join(job.description.split()),
        "mode": MODE_LABEL[job.mode],
        "priority": PRIORITY_LABEL[job.priority],
        "status": STATUS_LABEL[job.status],
        "tech": tech,
        "wait": format_age(line.waiting),
        "left": time_left(line),
    }
    out: list[str | Text] = []
    for column in columns:
        raw = values[column.key]
        if column.key == "tech" and column.width < 12:
            raw = raw.split()[0]
        value = flag_marks(raw, column.width) if column.key == "flags" else _fit(raw, column.width)
        if column.key == "left" and line.flags.breached:
            out.append(cell(value, style=f"bold {emphasis}".strip()))
        elif column.key == "flags" or style:
            out.append(cell(value, style=style))
        else:
            out.append(value)
    return tuple(out)
