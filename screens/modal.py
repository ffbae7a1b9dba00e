"""Dialogs that work with the bbdispatch App's service context, like ``BBScreen``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import ModalScreen

if TYPE_CHECKING:
    from bbdispatch.app import BBDispatch
    from bbdispatch.services.context import Ctx

ResultT = TypeVar("ResultT")


class BBModal(ModalScreen[ResultT]):
    """A modal dialog with typed access to the App and its services."""

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
