"""What every bbdispatch screen shares: typed access to the App and its services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from bbdispatch.app import BBDispatch
    from bbdispatch.services.context import Ctx

ResultT = TypeVar("ResultT")


class BBAccess(MessagePump):
    """The ``bb``/``ctx`` accessors, written once for full screens and dialogs alike."""

    @property
    def bb(self) -> BBDispatch:
        """The App, typed."""
        from bbdispatch.app import BBDispatch

        app: Any = self.app
        assert isinstance(app, BBDispatch)
        return app

    @property
    def ctx(self) -> Ctx:
        """The service context of this session."""
        return self.bb.ctx


class BBScreen(BBAccess, Screen[ResultT]):
    """A screen that works with the bbdispatch App's service context."""


class BBModal(BBAccess, ModalScreen[ResultT]):
    """A modal dialog with typed access to the App and its services."""
