"""Screens reach the App through the Shell protocol, which the App satisfies."""

from __future__ import annotations

import pytest
from textual.app import App

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician
from screens.shell import is_shell, shell_of

BEATA = Technician(1, "beata", "Beata J", Role.DISPATCHER, False, None, True)


async def _never() -> object:
    raise AssertionError("the database is not opened by this test")


def test_the_app_is_a_shell_before_its_database_is_open() -> None:
    app = BBDispatch(_never, BEATA)  # type: ignore[arg-type]
    assert is_shell(app)
    assert shell_of(app) is app
    with pytest.raises(RuntimeError, match="not open yet"):
        _ = shell_of(app).ctx


def test_a_bare_app_is_not() -> None:
    bare: App[None] = App()
    assert not is_shell(bare)
    with pytest.raises(TypeError, match="not a bbdispatch shell"):
        shell_of(bare)
