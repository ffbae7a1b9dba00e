"""Polish wording a tester found wrong: a name after "dla" (needs the genitive), CLI
result lines starting lower case, and "Twój" capitalised in running text.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from bbdispatch.i18n import _

PO = Path(__file__).resolve().parents[2] / "bbdispatch/locale/pl/LC_MESSAGES/bbdispatch.po"


def _catalogue() -> list[tuple[str, str]]:
    with PO.open("rb") as f:
        catalogue = read_po(f)
    found = []
    for m in catalogue:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        found += [(str(m.id), s) for s in strings if m.id and s]
    return found


def test_the_issue_question_keeps_the_clients_name_in_the_nominative(polish: None) -> None:
    question = _(
        "Issue the statement for {client}, {start}–{end}, net {net}? It gets a number, its entries "
        "are locked and it never changes; later changes go to the next statement as corrections."
    ).format(client="Maria Zielińska", start="01.11.2026", end="30.11.2026", net="90,00 zł")
    assert question.startswith("Wystawić wykaz prac? Klient: Maria Zielińska, "), question
    assert "dla Maria" not in question


def test_polish_cli_result_lines_start_with_a_capital(polish: None) -> None:
    assert _("job {id} added for client {client}").format(id=26, client=2) == (
        "Zlecenie 26 dodane dla klienta 2"
    )
    for text in ("job {id} is now {status}", "client {id} added: {name}", "contract {id} closed",
                 "entry {id} corrected", "callback {id} done", "job {id} edited: {what}"):  # fmt: skip
        assert _(text)[0].isupper(), _(text)


def test_twoj_is_lower_case_in_running_text() -> None:
    """One form: "twój" (docs/glossary.md names no capital form); a sentence may start with it."""
    mid_sentence = re.compile(
        r"(?<![.!?\n#] )(?<!^)(?<!\n)(?<!## )\bTw(ój|oje|oja|oich|oim|ojego|ojej)\b"
    )
    found = [s for _id, s in _catalogue() if mid_sentence.search(s)]
    assert not found, found
