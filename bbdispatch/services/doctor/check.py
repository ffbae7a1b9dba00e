"""One line of the doctor's report, and the line for a check this login could not make."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bbdispatch.i18n import _


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report.

    Attributes:
        ok: True when nothing needs doing.
        what: the thing checked ("database permissions").
        message: what was found, or what to do about it.
    """

    ok: bool
    what: str
    message: str
    unchecked: bool = False
    """True when this login could not read what the check needs (not ok, not a finding)."""


def cannot_check(what: str, unreadable: list[Path]) -> Check:
    """A check this login could not make: it names what it could not read."""
    return Check(False, what, _(
        "cannot check: {paths} not readable by this login; run bbdispatch doctor as root"
    ).format(paths=", ".join(str(p) for p in unreadable)), unchecked=True)  # fmt: skip
