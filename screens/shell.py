"""What screens may know of the App: a small Protocol instead of the App class.

The App (``bbdispatch.app``) imports screens to install them; if screens
imported the App back, the App and every screen would form one import loop.
Screens reach the App through :class:`Shell` instead: the session's service
context, the person using it, the signal that data changed, and the call a
save awaits so that the screens below show what it saved. The App satisfies
it structurally; tests may pass anything that does.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.signal import Signal

    from bbdispatch.domain.people import Technician
    from bbdispatch.services.context import Ctx


class Shell(Protocol):
    """The App as screens see it."""

    @property
    def ctx(self) -> Ctx:
        """The service context of this session (database, clock, prices, who acts)."""
        ...

    @property
    def user(self) -> Technician:
        """The person using this session (a support login acting as them included)."""
        ...

    @property
    def data_changed(self) -> Signal[None]:
        """Published after this process commits and when another process has committed."""
        ...

    async def saved(self, job_id: int | None = None) -> None:
        """A save committed: the screens below have redrawn it (a new job under the cursor)."""
        ...


_MEMBERS = ("ctx", "user", "data_changed", "saved")


def is_shell(app: object) -> bool:
    """Whether ``app`` has every member of :class:`Shell`.

    Looked up statically: ``ctx`` is a property that refuses before the
    database is open, and asking must not evaluate it.
    """
    for name in _MEMBERS:
        try:
            inspect.getattr_static(app, name)
        except AttributeError:
            return False
    return True


def shell_of(app: object) -> Shell:
    """The running App as a :class:`Shell`.

    Raises:
        TypeError: the App is not a bbdispatch shell (a bare ``App`` in a test).
    """
    if not is_shell(app):
        raise TypeError(f"{type(app).__name__} is not a bbdispatch shell")
    return cast("Shell", app)


def in_technician_workspace(app: object) -> bool:
    """Whether ``app`` runs a technician's workspace (``bbdispatch tech``), not the desk.

    F1 and the palette word the App's keys and the guide for the person's role.
    """
    return getattr(app, "mode_name", None) == "technician"
