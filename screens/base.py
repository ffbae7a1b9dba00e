"""What every bbdispatch screen shares: typed access to the App and its services.

Screens reach the App through :class:`screens.shell.Shell`, never by importing
it: the App imports the screens, and the dependency runs that way only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen

from screens.shell import Shell, shell_of

if TYPE_CHECKING:
    from bbdispatch.services.context import Ctx

ResultT = TypeVar("ResultT")


class BBAccess(MessagePump):
    """The ``bb``/``ctx`` accessors, written once for full screens and dialogs alike."""

    @property
    def bb(self) -> Shell:
        """The App, as far as screens may know it."""
        return shell_of(self.app)

    @property
    def ctx(self) -> Ctx:
        """The service context of this session."""
        return self.bb.ctx


class BBScreen(BBAccess, Screen[ResultT]):
    """A screen that works with the bbdispatch App's service context."""


class BBModal(BBAccess, ModalScreen[ResultT]):
    """A modal dialog with typed access to the App and its services."""
