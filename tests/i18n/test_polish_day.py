"""A Polish dispatcher's day on the demo, read where the tester found English.

The demo is written by an English session (as the test template is), so every
text the system stored must come out Polish when a Polish session reads it:
status history notes, charge reasons, audit rows. Also the assign dialog's
category and plural counts, and durations written one way (``0,75 h``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from babel.messages.pofile import read_po
from rich.cells import cell_len
from textual.widgets import DataTable, Label, OptionList, Static

from bbdispatch.app import BBDispatch
from bbdispatch.domain.audit import AuditEntry
from bbdispatch.domain.audit_text import audit_text
from bbdispatch.domain.messages import shown, stored
from bbdispatch.formats import format_duration, format_money, format_stopwatch
from bbdispatch.i18n import set_language
from bbdispatch.services.context import Ctx
from screens.assign import AssignScreen
from screens.job_detail import JobDetailScreen
from screens.statement import StatementScreen
from tests.helpers import DISPATCHER, settle, settle_twice
from tests.i18n.catalogue import PO

ENGLISH_IN_DETAIL = (
    "created", "edited", "assigned to", "handed over", "Run documented", "priority=",
    "to_status", "from_status", "client_id", "in_progress", "on_hold", "hardware", "network",
)  # fmt: skip
"""What the job detail's status history and audit trail showed in English."""


def _text(app: BBDispatch, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_job_detail_history_and_audit_trail_are_polish(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await app.push_screen(JobDetailScreen(12))
        await settle_twice(app, pilot)
        text = _text(app, "#detail")
    history = text.split("Historia statusów")[1]
    assert "ocenione → przypisane  Marek Dąbrowski  setup  przypisane: Marek Dąbrowski" in history
    trail = text.split("Dziennik zmian")[1]
    assert "utworzono: klient Kancelaria Notarialna Nowak i Wspólnicy, priorytet " in trail
    assert "przypisano: technik " in trail, trail
    assert not [w for w in ENGLISH_IN_DETAIL if w in history + trail], history + trail


async def test_statement_charge_reasons_are_worded_when_shown(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    from tests.ui.test_contracts_statement import ADMIN

    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(3))
        await settle_twice(app, pilot)
        table = app.screen.query_one("#statement-lines", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await settle_twice(app, pilot)
        detail = _text(app, "#line-detail")
    assert "zadanie cykliczne umowy BB/2026/003" in detail, detail
    assert "recurring task" not in detail and "bb:msg" not in detail


async def test_assign_dialog_names_the_category_and_counts_jobs_the_polish_way(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(AssignScreen(13))
        await settle_twice(app, pilot)
        title = str(app.screen.query_one("#assign-title", Label).render())
        options = app.screen.query_one("#candidates", OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        room = options.content_region.width
    assert "oprogramowanie" in title or "sprzęt" in title or "sieć" in title, title
    counts = [m for line in lines for m in re.findall(r"(\d+) (zlecenie|zlecenia|zleceń) ", line)]
    assert counts, lines
    for n, word in counts:
        k = int(n)
        few = k % 10 in (2, 3, 4) and k % 100 not in (12, 13, 14)
        assert word == ("zlecenie" if k == 1 else "zlecenia" if few else "zleceń"), (n, word)
    assert not any("jobs" in line or "zlecenia 0" in line for line in lines), lines
    assert all(cell_len(line) <= room for line in lines), (room, lines)  # one line each


def test_stored_messages_are_codes_shown_in_the_readers_language() -> None:
    text = stored("charge.block", n="BB/2026/001")
    assert "prepaid" not in text and "pakiet" not in text
    set_language("pl")
    assert shown(text) == "pakiet BB/2026/001, najstarszy z pozostałymi godzinami"
    set_language("en")
    assert shown(text) == "prepaid block BB/2026/001, oldest with hours left"
    assert shown(text, "pl").startswith("pakiet BB/2026/001")
    # Words stored by older versions are worded again; anything a person typed stays literal.
    assert shown("przypisane: Anna") == "assigned to Anna"
    assert shown("zadzwonić do Anny") == "zadzwonić do Anny"
    assert shown('{"bb:msg": "no.such"}') == '{"bb:msg": "no.such"}'
    assert shown('{"a": 1}') == '{"a": 1}'


def test_an_audit_row_reads_as_words() -> None:
    row = AuditEntry(
        1,
        None,
        "beata",
        "job",
        12,
        "status",  # type: ignore[arg-type]
        {"from_status": "assigned", "to_status": "in_progress", "note": "Jadę"},
    )
    names: dict[int | None, str] = {}
    set_language("pl")
    assert audit_text(row, lambda i: names.get(i, "—")) == (
        "zmiana statusu: z przypisane, na w toku, uwaga Jadę"
    )
    change = {"priority": {"from": "normal", "to": "emergency"}}
    edit = AuditEntry(2, None, "beata", "job", 12, "edited", change)  # type: ignore[arg-type]
    assert audit_text(edit, lambda i: "—") == "zmieniono: priorytet zwykły → awaria"
    price = {"agreed_price": {"from": "350.50", "to": "1234.50"}}
    priced = AuditEntry(3, None, "beata", "job", 26, "edited", price)  # type: ignore[arg-type]
    shown_text = audit_text(priced, lambda i: "—")
    assert shown_text == "zmieniono: cena uzgodniona {a} → {b}".format(
        a=format_money(Decimal("350.50")), b=format_money(Decimal("1234.50"))
    )
    assert "1234.50" not in shown_text and "zł" in shown_text


def test_one_duration_format(polish: None) -> None:
    # Issue 16: worked time is hours the Babel way, never a clock ("0:45").
    assert format_duration(45) == "0,75 h"
    assert format_duration(timedelta(hours=5)) == "5 h"
    assert format_duration(timedelta(minutes=15, seconds=30)) == "0,26 h"
    assert format_duration(-30) == "-0,5 h"
    assert format_stopwatch(timedelta(minutes=43)) == "0:43:00"
    set_language("en")
    assert format_duration(45) == "0.75 h"


def test_no_message_puts_h_after_an_hours_and_minutes_duration() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    suspicious = [
        m.id for m in catalogue
        if m.id and any(re.search(r"\{(time|elapsed|length|worked|billed)\} ?h\b", i)
                        for i in (m.id if isinstance(m.id, tuple) else (m.id,)))
    ]  # fmt: skip
    assert not suspicious, suspicious


async def test_a_call_closed_without_a_job_keeps_a_code_and_reads_polish(
    demo_ctx: Ctx,
) -> None:
    from bbdispatch.services.intake import get_call, log_unsaved_call

    call_id = await log_unsaved_call(
        demo_ctx, raw_number="601 234 567", call_id=None, received_at=None, client_id=1,
        typed="pyta o cenę",
    )  # fmt: skip
    assert call_id is not None
    note = (await get_call(demo_ctx, call_id)).note
    assert "Closed" not in note and "Zamknięte" not in note
    set_language("pl")
    assert shown(note) == "Zamknięte bez zlecenia: pyta o cenę"
