"""CI keeps the Polish catalogue whole: every string translated, none fuzzy, placeholders kept.

A new ``_()`` text without a Polish translation fails here, and so does a text
translated at import time or hidden from Babel in an f-string. To fix: run the
extraction in docs/translating.md and translate the new entries.
"""

from __future__ import annotations

import re

import pytest

from tests.i18n.catalogue import (
    PO,
    catalogue,
    extracted,
    fields,
    hidden_calls,
    import_time_calls,
    problems,
)


def test_every_string_has_a_polish_translation() -> None:
    po = catalogue()
    missing = []
    for found in extracted():
        msgid = found.msgid
        entry = po.get(msgid if isinstance(msgid, str) else msgid[0], context=found.context)
        if entry is None:
            missing.append(f"{found.where}: {msgid!r} is not in the catalogue")
        else:
            missing += [f"{found.where}: {p}" for p in problems(entry)]
    assert not missing, "Run the extraction in docs/translating.md and translate:\n" + "\n".join(
        missing
    )


def test_catalogue_entries_are_translated_not_fuzzy_and_keep_placeholders() -> None:
    bad = [p for message in catalogue() for p in problems(message)]
    assert not bad, "\n".join(bad)


def test_nothing_is_translated_at_import() -> None:
    assert not import_time_calls(), (
        "Use N_()/NP_() at module or class level and translate where the text is shown:\n"
        + "\n".join(import_time_calls())
    )


def test_no_translation_hides_in_an_f_string() -> None:
    assert not hidden_calls(), (
        "pybabel cannot see _() inside an f-string; use _('...{x}...').format(x=...):\n"
        + "\n".join(hidden_calls())
    )


def test_an_f_string_translation_is_caught() -> None:
    import ast

    from tests.i18n.catalogue import _in_fstrings

    code = "def f(n):\n    return f\"{_('Job')} {n}\" + _('fine')\n"
    assert len(_in_fstrings(ast.parse(code), "m.py")) == 1


def test_the_catalogue_declares_polish_plural_forms() -> None:
    po = catalogue()
    assert po.num_plurals == 3
    assert "n%10>=2" in po.plural_expr.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Job {no} of {client!r}", ["{client!r}", "{no}"]),
        ("%(prog)s: error: %(message)s\n", ["%(message)s", "%(prog)s"]),
        ("100% sure, %s left", ["%s"]),
        ("plain", []),
        ("{path} is {mode:o}", ["{mode:o}", "{path}"]),
    ],
)
def test_placeholders_are_found(text: str, expected: list[str]) -> None:
    assert fields(text) == expected


def test_a_dropped_placeholder_is_caught() -> None:
    from babel.messages.catalog import Message

    assert problems(Message("Job {no} saved.", "Zlecenie zapisane."))
    assert problems(Message("Job {no} saved.", "Zlecenie {nr} zapisane."))
    assert problems(Message("Job {no} saved.", "Zlecenie {no} zapisane.", flags=["fuzzy"]))
    assert not problems(Message("Job {no} saved.", "Zlecenie {no} zapisane."))
    assert problems(Message("Job {no} saved.", ""))


def test_a_class_level_translation_is_caught(tmp_path: pytest.TempPathFactory) -> None:
    import ast

    from tests.i18n.catalogue import _calls

    code = (
        "class S:\n    BINDINGS = [B('a', 'b', _('Quit'))]\n"
        "X = {1: N_('new')}\n"
        "def f():\n    return _('fine')\n"
    )
    assert [c.split(":")[1] for c in _calls(ast.parse(code), "m.py")] == ["2"]


GLOSSARY = {
    r"\bjobs?\b": ("zleceni", "zleceń", "zlec"),
    r"\btechnicians?\b": ("techni",),
    r"\btimers?\b": ("stoper",),
    r"\bstatements?\b": ("wykaz",),
    r"\bon hold\b": ("wstrzym",),
    r"\bcontracts?\b": ("umow", "umów"),
    r"\bemergenc": ("awari",),
    r"\bon-site\b": ("miejsc",),
    r"\bremote\b": ("zdaln",),
    r"\bdispatchers?\b": ("dyspozytor",),
    r"\bneeds assessment\b": ("analiz",),
    r"\bcallers?\b": ("dzwoni",),
    r"\bclients?\b": ("klient", "klienc", "osob"),
    r"\bopening balance\b": ("saldo otwarcia", "salda otwarcia", "saldem otwarcia"),
    r"\buncovered\b": ("bez pokrycia", "poza umową"),
    r"\bagreed rate\b": ("stawk",),
    r"\bagreed price\b": ("cen",),
    r"\bentr(y|ies)\b": ("wpis",),
    r"\bcorrections?\b": ("korekt",),
    r"\bbackups?\b": ("kopi",),
    r"\binventor(y|ies)\b": ("spis",),
    r"\brecurring\b": ("cykliczn",),
    r"\bresponse target": ("termin",),
    r"\bpalette\b": ("palet",),
    r"\btriage": ("oce",),
    r"\bassign": ("przypis",),
    r"\bblocks?\b": ("pakiet", "pakiec"),
    r"\bprepaid\b": ("przedpłac", "pakiet"),
    r"\bcalls?\b": ("połącz", "rozmow", "dzwon", "dzwoń"),
    r"\bcancell?ed\b": ("anulow",),
    r"\bstarter\b": ("startow",),
    r"\bprivate persons?\b": ("prywatn",),
    r"\bhand over\b": ("przekaz", "przekaż"),
    r"\bresolution\b": ("rozwiąz",),
}
"""English words of docs/glossary.md and the Polish stems their translations must use.

Matched on the English with its flags (``--client``), quoted command names
(``'bbdispatch backup'``) and placeholders (``{client}``) taken out: those are
not words to translate.
"""
GLOSSARY_EXCEPTIONS = {
    "Job",  # the job-number column: "Nr"
    "Save job",  # footer: "Zapisz"
    "Cancel job",  # footer: "Anuluj" (the tooltip says what)
    "Run {job} documented.",  # {job} is a number
    "no cron line or systemd timer runs it; see {doc}",  # a systemd timer, not ours
    "no enabled timer starts it; run: systemctl enable --now {timer}",  # systemd's, too
    "must be technician, dispatcher or admin, not '{v}'.",  # the values of a CSV column
    "{path} is in use (a dispatcher, technician or cron job has it open); close them first.",
    "--keep rotates the backups folder; it does not go with --output",  # the folder's name
    "Take call",  # footer: "Odbierz"
    "A job that is {current} cannot become {target}. {hint}",  # shown after "Zlecenie 13: "
    "Call off",  # call a callback off: "Odwołaj"
    "Mark triaged (un-assigns)",  # "zdejmuje technika": takes the technician off
}
"""Entries where the English word is a value, a placeholder or a cron job."""


def test_catalogue_keeps_to_the_glossary() -> None:
    import re

    off = []
    for message in catalogue():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not message.id or ids[0] in GLOSSARY_EXCEPTIONS or ids[0].startswith(("Columns", "##")):
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        words = [_words_of(i) for i in ids]
        for pattern, stems in GLOSSARY.items():
            if any(re.search(pattern, w, re.IGNORECASE) for w in words):
                off += [
                    f"{ids[0]!r} → {t!r}: use {stems}"
                    for t in texts
                    if t and not any(s in t.lower() for s in stems)
                ]
    assert not off, "docs/glossary.md:\n" + "\n".join(off)


def _words_of(text: str) -> str:
    """The English words of a text: flags, quoted command names and placeholders taken out."""
    text = re.sub(r"--[a-z][a-z-]*|'bbdispatch [^']*'|\{[^}]*\}", " ", text)
    return text


def test_glossary_words_are_matched_without_flags_and_placeholders() -> None:
    assert "client" not in _words_of("Give --client, or --call to answer {client}.")
    assert "backup" not in _words_of("a file made by 'bbdispatch backup'")
    assert "client" in _words_of("client {id} added")


def _forbidden_words() -> list[str]:
    """The stems of the "Words the catalogue does not use" table of docs/glossary.md."""
    from tests.i18n.catalogue import ROOT

    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    table = text.split("## Words the catalogue does not use", 1)[1].split("\n\n")[2]
    rows = [line.split("|")[1] for line in table.splitlines()[2:] if line.startswith("|")]
    return [stem.strip().rstrip("-") for row in rows for stem in row.split(",")]


def test_the_glossary_lists_words_not_to_use() -> None:
    assert {"zużyt", "bilet"} <= set(_forbidden_words())


def test_catalogue_avoids_the_words_the_glossary_forbids() -> None:
    import re

    stems = _forbidden_words()
    off = []
    for message in catalogue():
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            found = [s for s in stems if re.search(rf"\b{re.escape(s)}", text or "", re.IGNORECASE)]
            off += [f"{message.id!r} → {text!r}: {found}"] if found else []
    assert not off, "docs/glossary.md says not to use these words:\n" + "\n".join(off)


def test_each_string_is_in_the_catalogue_once() -> None:
    """A string entered twice (a merge that kept both sides) makes msgfmt refuse the file.

    Babel reads such a file without a word and keeps one of the two; GNU
    msgfmt, which translators and packagers use, stops with "duplicate message
    definition". Entries are compared by their text, however they are wrapped.
    """
    text = PO.read_text(encoding="utf-8")
    seen: set[tuple[str, str]] = set()
    twice = []
    for entry in text.split("\n\n"):
        found = re.search(r'^(msgctxt .*\n)?msgid ((?:".*"\n?)+)', entry, re.MULTILINE)
        if found is None:
            continue
        key = (found.group(1) or "", "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(2))))
        if key in seen:
            twice.append(key[1])
        seen.add(key)
    assert twice == []
