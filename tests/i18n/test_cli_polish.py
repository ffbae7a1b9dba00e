"""The command line's text output is Polish under ``--lang pl``: words, not codes.

Listings show roles, kinds, statuses and priorities in the words of
docs/glossary.md; ``--json`` keeps the stable codes that phone systems and
scripts read. ``doctor`` and ``audit verify`` speak Polish too.
"""

from __future__ import annotations

import json
import re

import pytest

from bbdispatch.cli import main

CODES = (
    "company", "private", "prospect", "active", "archived", "technician", "dispatcher",
    "admin", "new", "triaged", "assigned", "in_progress", "on_hold", "done", "cancelled",
    "emergency", "normal", "low", "used_up", "expired", "closed", "FIX", "left", "contract",
    "job", "phone", "street", "notes", "row", "rows", "head",
)  # fmt: skip
"""Codes and English words that a Polish text output must not show."""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo database made by ``bbdispatch demo``, as a firm would (this login is an admin)."""
    path = str(tmp_path_factory.mktemp("polish-cli") / "demo.db")
    assert main(["--lang", "pl", "--db", path, "demo"]) == 0
    return path


def run(db: str, capsys: pytest.CaptureFixture[str], *args: str, lang: str = "pl") -> str:
    """The command's stdout (and stderr after it)."""
    capsys.readouterr()
    main(["--lang", lang, "--db", db, *args])
    out, err = capsys.readouterr()
    return out + err


def codes_in(text: str) -> list[str]:
    """The codes of :data:`CODES` standing as words in ``text`` (not inside ``it-admin``)."""
    return [c for c in CODES if re.search(rf"(?<![\w/-]){re.escape(c)}(?![\w/-])", text)]


@pytest.mark.parametrize(
    ("args", "polish"),
    [
        (("clients",), ["osoba prywatna", "firma", "aktywny", "potencjalny"]),
        (("clients", "show", "1"), ["[firma, aktywny]", "umowa BB/2026/001", "pozostało 9 h"]),
        (("people", "list"), ["technik", "dyspozytor", "administrator"]),
        (("contracts",), ["aktywna", "wykorzystana"]),
        (("jobs",), ["w toku", "awaria", "zwykły", "niski", "zakończone"]),
        (("lookup", "+48601234567"), ["[firma, aktywny], 1 otwarte zlecenie", "pozostało 9 h"]),
        (("audit", "verify"), ["Dziennik zmian nienaruszony"]),
        (("calendar", "--due", "01.12.2026 10:00"), ["cel: zwykły: 1 dzień roboczy po 8 h"]),
    ],
)
def test_text_output_shows_polish_words_not_codes(
    demo_db: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], polish: list[str]
) -> None:
    shown = run(demo_db, capsys, *args)
    assert all(word in shown for word in polish), shown
    assert not codes_in(shown), shown


def test_doctor_speaks_polish(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    shown = run(demo_db, capsys, "doctor")
    assert "NAPRAW  " in shown and "konto anna: " in shown, shown
    assert not codes_in(shown.replace("--system bbdispatch", "")), shown


def test_json_keeps_the_codes(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    clients = json.loads(run(demo_db, capsys, "clients", "--json"))
    assert {c["kind"] for c in clients} == {"company", "private"}
    jobs = json.loads(run(demo_db, capsys, "jobs", "--json"))
    assert "in_progress" in {j["status"] for j in jobs}
    people = json.loads(run(demo_db, capsys, "people", "list", "--json"))
    assert "technician" in {p["role"] for p in people}


def test_english_sessions_read_english_words(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "private person" in run(demo_db, capsys, "clients", lang="en")
    assert "in progress" in run(demo_db, capsys, "jobs", lang="en")
    assert "used up" in run(demo_db, capsys, "contracts", lang="en")


def test_lookup_counts_open_jobs_the_polish_way(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = run(demo_db, capsys, "lookup", "+48713556677")
    assert re.search(
        r"\[firma, aktywny\], \d+ (otwarte zlecenie|otwarte zlecenia|otwartych zleceń)", shown
    )


def _english_fstrings() -> list[str]:
    """Messages the commands print from an f-string with English words and no ``_()``."""
    import ast

    from tests.i18n.catalogue import ROOT

    printers = {"echo", "echo_err", "CommandError", "ArgumentTypeError", "_usage"}
    found = []
    for path in sorted((ROOT / "bbdispatch" / "commands").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None)
            called = getattr(name, "id", getattr(name, "attr", None))
            if not isinstance(node, ast.Call) or called not in printers or not node.args:
                continue
            inside = list(ast.walk(node.args[0]))
            if any(
                isinstance(n, ast.Call) and getattr(n.func, "id", None) in {"_", "ngettext"}
                for n in inside
            ):
                continue
            # Dict keys (row["name"]) and lists of column names (a CSV header) are codes.
            keys = {id(n.slice) for n in inside if isinstance(n, ast.Subscript)}
            keys |= {id(e) for n in inside if isinstance(n, ast.List | ast.Tuple) for e in n.elts}
            words = [
                w
                for n in inside
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in keys
                for w in re.findall(r"(?<![-\w])[A-Za-z]{3,}", n.value)
                if w != "bbdispatch"
            ]
            if words:
                found.append(f"{path.name}:{node.lineno}: {words}")
    return found


def test_commands_print_no_untranslated_sentences() -> None:
    assert not _english_fstrings(), "wrap in _() and translate:\n" + "\n".join(_english_fstrings())
