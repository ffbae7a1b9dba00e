"""Polish words are longer: nothing on the main screens may be cut at 80x24.

Footer texts stay within the 12 characters that let a footer fit 80 columns
(STYLE.md); table headers are never cut; the triage bar's lines fit the width.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from rich.cells import cell_len
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import DataTable

import screens
from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Technician
from bbdispatch.i18n import _, choose_language
from screens.statement import StatementScreen
from tests.helpers import DISPATCHER, settle

FOOTER_TEXT = 12
"""Most characters of a footer description (STYLE.md: so a footer fits 80 columns)."""


def _shown_bindings() -> list[tuple[str, Binding]]:
    found: list[tuple[str, Binding]] = []
    classes: list[type[DOMNode]] = [BBDispatch]
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        classes += [
            c for _n, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, DOMNode) and c.__module__ == module.__name__
        ]  # fmt: skip
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.show and binding.description:
                found.append((f"{cls.__name__} {binding.key}", binding))
    return found


@pytest.mark.parametrize("language", ["pl", "en"])
def test_footer_texts_are_short(language: str) -> None:
    choose_language(language)
    long = [
        f"{where}: {_(b.description)!r}"
        for where, b in _shown_bindings()
        if cell_len(_(b.description)) > FOOTER_TEXT
    ]
    assert not long, "\n".join(long)


LABEL_COLUMNS = {"status", "mode", "outcome"}
"""Columns whose cells are words of the catalogue: never cut either."""


def _cut_headers(app: BBDispatch) -> list[str]:
    cut = []
    for table in app.screen.query(DataTable):
        for key, column in table.columns.items():
            if column.label.cell_len > column.width and not column.auto_width:
                cut.append(f"{type(app.screen).__name__}: {column.label.plain!r}")
            if key.value not in LABEL_COLUMNS or column.auto_width:
                continue
            for row in table.ordered_rows:
                cell = table.get_cell(row.key, key)
                text = cell.plain if hasattr(cell, "plain") else str(cell)
                if len(text) > column.width or text.endswith("…"):
                    cut.append(f"{type(app.screen).__name__}: {key.value} {text!r}")
    return cut


async def _open_and_check(app: BBDispatch, *keys: str, push: Any = None) -> list[str]:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if push is not None:
            await app.push_screen(push)
            await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        await settle(pilot)
        return _cut_headers(app)


async def test_board_call_log_and_contracts_headers_fit(ctx_factory: Any, polish: None) -> None:
    assert not await _open_and_check(BBDispatch(ctx_factory(), DISPATCHER))
    assert not await _open_and_check(BBDispatch(ctx_factory(), DISPATCHER), "l")
    assert not await _open_and_check(BBDispatch(ctx_factory(), DISPATCHER), "c")


async def test_statement_headers_fit(ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert not await _open_and_check(app, push=StatementScreen(3))


async def test_technician_headers_fit(ctx_factory: Any, anna: Technician, polish: None) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    assert not await _open_and_check(app)
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    assert not await _open_and_check(app, "e")


async def test_triage_bar_fits_80_columns(ctx_factory: Any, polish: None) -> None:
    from screens.widgets.triage_bar import TriageBar

    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        bar = app.screen.query_one(TriageBar)
        lines = bar.render().plain.splitlines()
        assert lines and all(cell_len(line) <= 78 for line in lines), lines
        assert "o:na miejscu" in lines[0]


async def test_intake_site_shows_a_warsaw_address_whole(ctx_factory: Any, polish: None) -> None:
    # Issue 16: "ul. Marszałkowska 84/92 lok. 12, 00-514 Warsz" beside "Uzgodniono".
    from textual.widgets import Input

    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        site = app.screen.query_one("#site", Input)
        assert site.value.endswith("00-514 Warszawa"), site.value
        assert cell_len(site.value) < site.content_region.width, (site.value, site.region)
        agreed = app.screen.query_one("#agreed", Input)
        assert agreed.region.width > 0 and agreed.region.y > site.region.y
        assert agreed.region.bottom <= 23  # above the footer


# --- Footers: what the Footer draws, measured in cells, fits 80 columns ------------------------

WIDTH = 80


def _footer_overflow(app: BBDispatch, palette: bool) -> str | None:
    """What the screen's footer draws, if it needs more than 80 cells; None if it fits.

    Measures the Footer's own keys as laid out (key display, description,
    padding, margins and the palette key's separator), not description lengths.
    """
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    assert keys, f"{type(app.screen).__name__}: the footer shows no keys"
    # The technician's workspace has no palette (docs/rights.md); the dispatcher's screens do.
    assert any("-command-palette" in k.classes for k in keys) == palette, "palette hint"
    needed = sum(k.outer_size.width for k in keys)
    if needed <= WIDTH and footer.virtual_size.width <= footer.size.width:
        return None
    shown = " | ".join(f"{k.key_display} {k.description}" for k in keys)
    return f"{type(app.screen).__name__}: {needed} cells: {shown}"


async def _footer_after(
    app: BBDispatch, *keys: str, push: Any = None, palette: bool = True
) -> str | None:
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await settle(pilot)
        if push is not None:
            await app.push_screen(push)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot)
        return _footer_overflow(app, palette)


DISPATCHER_SCREENS: dict[str, tuple[str, ...]] = {
    "board": (),
    "job detail": ("enter",),
    "intake": ("f2",),
    "caller card": ("f2", *"601234567"),
    "client page": ("k",),
    "contracts": ("c",),
    "call log": ("l",),
    "callbacks": ("b",),
    "IT administration": ("i", "enter"),
    "run history": ("i", "enter", "h"),
}


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("screen", list(DISPATCHER_SCREENS))
async def test_dispatcher_footers_fit_80_columns(
    ctx_factory: Any, language: str, screen: str
) -> None:
    choose_language(language)
    try:
        app = BBDispatch(ctx_factory(), DISPATCHER)
        assert await _footer_after(app, *DISPATCHER_SCREENS[screen]) is None
    finally:
        choose_language("en")


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_statement_footer_fits_80_columns(ctx_factory: Any, language: str) -> None:
    choose_language(language)
    try:
        app = BBDispatch(ctx_factory(), DISPATCHER)
        assert await _footer_after(app, push=StatementScreen(3)) is None
    finally:
        choose_language("en")


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("keys", [(), ("e",)], ids=["workspace", "entries"])
async def test_technician_footers_fit_80_columns(
    ctx_factory: Any, anna: Technician, language: str, keys: tuple[str, ...]
) -> None:
    choose_language(language)
    try:
        app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
        assert await _footer_after(app, *keys, palette=False) is None
    finally:
        choose_language("en")
