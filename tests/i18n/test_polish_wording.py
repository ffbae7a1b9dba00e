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


def test_hours_left_are_pozostalo_never_zostalo() -> None:
    """docs/glossary.md: *wykorzystano 41 h z 50 h, pozostało 9 h*; "Użyte/zostało" drifted."""
    hours_left = re.compile(r"\bleft\b", re.IGNORECASE)
    plain_zostalo = re.compile(r"(?<!\w)zosta(ło|ły|ła)\b")
    found = [(i, s) for i, s in _catalogue() if hours_left.search(i) and plain_zostalo.search(s)]
    assert not found, found
    assert "Użyte" not in {s.split("/")[0] for _i, s in _catalogue()}


def test_the_glossary_words_of_the_hours_line(polish: None) -> None:
    line = _("{number} {product}: {used} of {included} used, {left} left ({percent})").format(
        number="BB/2026/001", product="Serwisowa", used="41 h", included="50 h", left="9 h",
        percent="82%",
    )  # fmt: skip
    assert line == "BB/2026/001 Serwisowa: wykorzystano 41 h z 50 h, pozostało 9 h (82%)"
    assert _("Used/left") == "Wykorz./pozost."


def test_the_assign_command_says_przypisz_as_the_key_a_does(polish: None) -> None:
    """docs/glossary.md: assign is *przypisać* (key a, status *przypisane*); *przekazać* is
    handing over a job someone already has. ``jobs assign --help`` said *przekaż*."""
    assert _("give a job to a technician") == "przypisz zlecenie technikowi"
    assert _("give the job to this technician") == "przypisz zlecenie temu technikowi"


def test_counts_of_tasks_and_products_take_plural_forms(polish: None) -> None:
    """ "1 tasks" / "1 products" in English and "zadania: 1" in Polish: now ngettext."""
    from bbdispatch.i18n import choose_language, ngettext

    task = ("{client} · {number} · {n} task", "{client} · {number} · {n} tasks")
    words = {n: ngettext(*task, n).format(client="K", number="BB/1", n=n) for n in (1, 2, 5, 22)}
    assert words == {
        1: "K · BB/1 · 1 zadanie", 2: "K · BB/1 · 2 zadania", 5: "K · BB/1 · 5 zadań",
        22: "K · BB/1 · 22 zadania",
    }  # fmt: skip
    product = ("{n} product", "{n} products")
    assert [ngettext(*product, n).format(n=n) for n in (1, 3, 12)] == [
        "1 produkt", "3 produkty", "12 produktów",
    ]  # fmt: skip
    choose_language("en")
    assert ngettext(*task, 1).format(client="K", number="BB/1", n=1) == "K · BB/1 · 1 task"


def test_a_refused_step_does_not_repeat_the_job(polish: None) -> None:
    """The board writes "Zlecenie 13: " before the refusal, which began "Zlecenie w stanie"."""
    from bbdispatch.domain.jobs import JobStatus
    from bbdispatch.domain.lifecycle import transition_refusal

    refusal = transition_refusal(JobStatus.NEW, JobStatus.IN_PROGRESS)
    text = _("Job {no}: ").format(no=13) + str(refusal)
    assert text.startswith("Zlecenie 13: Ze stanu „nowe” nie można przejść w stan „w toku”."), text
    assert text.count("Zlecenie") == 1, text
