"""Import every module a running session may need later, while they are on disk.

Screens, dialogs and some services are imported lazily so that the first frame
comes fast. But a package upgrade (``pip install -U`` while technicians are
logged in over SSH) replaces the files under a running process: the next
screen it opens would fail with ``ModuleNotFoundError: screens.intake``. So,
once the first screen is up, a session imports all of them in the background;
from then on an upgrade cannot take a screen away from it (the new code runs
from the next start).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

PACKAGES = ("screens", "bbdispatch")
"""Packages whose modules a session preloads."""
SKIP = ("bbdispatch.commands", "bbdispatch.cli", "bbdispatch.__main__", "bbdispatch.launch")
"""Command-line only modules: a running TUI never opens them."""


def session_modules(packages: Iterable[str] = PACKAGES) -> list[str]:
    """The dotted names of every module of ``packages`` a session may import."""
    names: list[str] = []
    for package in packages:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not info.name.startswith(SKIP):
                names.append(info.name)
    return names


def preload(packages: Iterable[str] = PACKAGES) -> list[str]:
    """Import every session module now; returns those that could not be imported.

    A module that cannot be imported (an optional backend's driver missing)
    is skipped: the session never needed it.
    """
    failed = []
    for name in session_modules(packages):
        try:
            importlib.import_module(name)
        except ImportError:
            failed.append(name)
    return failed
