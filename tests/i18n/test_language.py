"""Choosing the language: --lang, the locale, the firm's setting; Polish plurals and argparse."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bbdispatch import i18n
from bbdispatch.cli import main
from bbdispatch.i18n import (
    N_,
    Labels,
    _,
    apply_firm_language,
    choose_language,
    language_from_locale,
    ngettext,
    resolve_language,
)
from bbdispatch.services.context import Ctx
from bbdispatch.services.settings import adopt_firm_language, firm_language, set_firm_language
from bbdispatch.storage import settings as settings_store


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "pl_PL.UTF-8"}, "pl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({}, None),
        ({"LANG": "de_DE.UTF-8"}, None),
        ({"LANGUAGE": "de:pl", "LANG": "en_GB.UTF-8"}, "pl"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "pl_PL.UTF-8"}, "en"),
        ({"LC_MESSAGES": "pl_PL", "LANG": "en_GB.UTF-8"}, "pl"),
        ({"LANGUAGE": "", "LC_ALL": "", "LANG": "pl_PL.utf8"}, "pl"),
        ({"LANG": "pl_PL.UTF-8@euro"}, "pl"),
    ],
)
def test_the_locale_is_read_as_gettext_reads_it(
    environ: dict[str, str], expected: str | None
) -> None:
    assert language_from_locale(environ) == expected


def test_lang_beats_the_locale_which_beats_the_firm() -> None:
    assert resolve_language("en", firm="pl", environ={"LANG": "pl_PL.UTF-8"}) == "en"
    assert resolve_language(None, firm="en", environ={"LANG": "pl_PL.UTF-8"}) == "pl"
    assert resolve_language(None, firm="pl", environ={"LANG": "C.UTF-8"}) == "pl"
    assert resolve_language(None, firm=None, environ={}) == "en"


def test_the_firm_decides_only_when_the_session_asks_for_nothing() -> None:
    choose_language(None, {"LANG": "C.UTF-8"})
    apply_firm_language("pl")
    assert i18n.current_language() == "pl"
    choose_language(None, {"LANG": "en_GB.UTF-8"})
    apply_firm_language("pl")
    assert i18n.current_language() == "en"


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "zlecenie"), (2, "zlecenia"), (4, "zlecenia"), (5, "zleceń"), (12, "zleceń"),
     (22, "zlecenia"), (25, "zleceń"), (101, "zleceń"), (0, "zleceń")],
)  # fmt: skip
def test_polish_counts_take_three_forms(polish: None, n: int, word: str) -> None:
    text = ngettext("{n} job created", "{n} jobs created", n).format(n=n)
    assert text == f"utworzono {n} {word}"


def test_module_level_labels_follow_the_language_chosen_later() -> None:
    from bbdispatch.domain.jobs import JobStatus
    from bbdispatch.domain.lifecycle import STATUS_LABEL

    assert STATUS_LABEL[JobStatus.ON_HOLD] == "on hold"
    choose_language("pl")
    assert STATUS_LABEL[JobStatus.ON_HOLD] == "wstrzymane"
    assert dict(Labels({1: N_("Quit")})) == {1: "Wyjdź"}
    from bbdispatch.domain.schedule import WEEKDAY_NAMES

    assert WEEKDAY_NAMES["WE"] == "środa"


def test_contexts_keep_genders_apart(polish: None) -> None:
    from screens.contracts import STATUS_LABEL as CONTRACT
    from screens.widgets.caller_card import STATUS_LABEL as CLIENT

    assert CLIENT["active"] == "aktywny"
    assert CONTRACT[next(iter(CONTRACT))] == "aktywna"


def test_help_and_errors_of_the_command_line_are_polish(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("użycie: bbdispatch")
    assert "pokaż tę pomoc i zakończ" in out and "argumenty pozycyjne" in out
    assert "show this help" not in out
    with pytest.raises(SystemExit):
        main(["--no-such-option"])
    assert "bbdispatch: nierozpoznane argumenty: --no-such-option" in capsys.readouterr().err


def test_lang_en_overrides_a_polish_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    assert capsys.readouterr().out.startswith("usage: bbdispatch")


@pytest.mark.parametrize(("lang", "locale", "start"), [
    ("EN", "pl_PL.UTF-8", "usage: bbdispatch"), ("PL", "C.UTF-8", "użycie: bbdispatch"),
    ("Polski", "C.UTF-8", "użycie: bbdispatch"), (" en ", "pl_PL.UTF-8", "usage: bbdispatch"),
    # What LANG takes, --lang takes (it refused these).
    ("en_GB", "pl_PL.UTF-8", "usage: bbdispatch"), ("pl_PL.UTF-8", "C.UTF-8", "użycie: bbdispatch"),
])  # fmt: skip
def test_lang_is_taken_in_any_case(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    lang: str, locale: str, start: str,
) -> None:  # fmt: skip
    """``--lang EN`` was accepted and then ignored: the locale decided."""
    monkeypatch.setenv("LANG", locale)
    with pytest.raises(SystemExit):
        main(["--lang", lang, "--help"])
    assert capsys.readouterr().out.startswith(start)


def test_english_locale_gives_english_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "show this help message and exit" in capsys.readouterr().out


async def test_firm_language_is_set_by_admins_only(demo_ctx: Ctx) -> None:
    from bbdispatch.domain.errors import DomainError, NotAllowed

    assert await firm_language(demo_ctx) is None
    with pytest.raises(NotAllowed):
        await set_firm_language(demo_ctx.acting_as("anna"), "pl")
    await set_firm_language(demo_ctx.acting_as("bogdan"), "pl")
    assert await firm_language(demo_ctx) == "pl"
    with pytest.raises(DomainError):
        await set_firm_language(demo_ctx.acting_as("bogdan"), "de")
    assert not await adopt_firm_language(demo_ctx, "en")  # init keeps what the firm chose
    assert await firm_language(demo_ctx) == "pl"


def _run(args: list[str], lang: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "LANG": lang, "HOME": str(db.parent)}
    return subprocess.run(
        [sys.executable, "-m", "bbdispatch", "--db", str(db), *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_init_on_a_polish_machine_speaks_polish_and_sets_the_firm(tmp_path: Path) -> None:
    db = tmp_path / "firm.db"
    done = _run(["init"], "pl_PL.UTF-8", db)
    assert done.returncode == 0, done.stderr
    assert "schemat" in done.stdout
    assert _run(["language"], "C.UTF-8", db).stdout.strip() == "pl"
    # A session that asks for nothing gets the firm's language; one that asks, its own.
    assert "wymagane są argumenty" in _run(["ring"], "C.UTF-8", db).stderr
    assert "arguments are required" in _run(["ring"], "en_GB.UTF-8", db).stderr
    assert (
        "Brak bazy danych" in _run(["ring", "601234567"], "pl_PL.UTF-8", tmp_path / "x.db").stderr
    )


def test_init_on_a_c_locale_leaves_the_firm_unset(tmp_path: Path) -> None:
    db = tmp_path / "firm.db"
    assert _run(["init"], "C.UTF-8", db).returncode == 0
    assert _run(["language"], "C.UTF-8", db).stdout.strip() == "(not set)"


def test_translation_is_looked_up_when_shown(polish: None) -> None:
    assert _("Quit") == "Wyjdź"
    choose_language("en")
    assert _("Quit") == "Quit"


def test_the_phone_path_reads_the_firm_language_on_its_own_connection(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ring`` and ``lookup`` read the firm's setting over a connection of their own before
    (on PostgreSQL a second log-in per call); now the command's connection reads it, and
    only what is shown before it opens (usage errors, refusals) still peeks."""
    conn = sqlite3.connect(demo_db_path)
    conn.execute("INSERT OR REPLACE INTO firm_setting (key, value) VALUES ('language', 'pl')")
    conn.commit()
    conn.close()
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    peeked: list[object] = []
    real_peek = settings_store.peek_setting

    def peek(*args: Any) -> str | None:
        peeked.append(args)
        return real_peek(*args)

    monkeypatch.setattr(settings_store, "peek_setting", peek)
    db = str(demo_db_path)
    try:
        assert main(["--db", db, "ring", "226281234"]) == 0
        assert capsys.readouterr().out.startswith("połączenie ")
        assert main(["--db", db, "lookup", "226281234"]) == 0
        assert "Kancelaria Notarialna Nowak" in capsys.readouterr().out
        assert peeked == []
        # Shown before the database is opened: the setting is read for them.
        assert main(["--db", db, "ring", "abc"]) == 2
        assert "nie zawiera cyfr" in capsys.readouterr().err
        with pytest.raises(SystemExit):
            main(["--db", db, "lookup"])
        assert "wymagane są argumenty: NUMER" in capsys.readouterr().err
        assert len(peeked) == 2
    finally:
        choose_language("en")


@pytest.mark.parametrize("login", ["beata", "anna"])  # a dispatcher, a technician
def test_anyone_may_see_the_firms_language_only_an_admin_sets_it(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], login: str
) -> None:
    """``language`` with no value was refused to everyone but admins."""
    db = ["--db", str(demo_db_path), "--lang", "en", "--as", login, "language"]
    assert main(db) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.strip() in {"en", "pl", "(not set)"}
    assert main([*db, "pl"]) == 1
    assert "may not change the firm's settings" in capsys.readouterr().err


def test_the_dispatcher_reads_the_firm_language_on_its_own_connection(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Starting the TUI peeked at the firm's setting over a connection of its own before
    its session opened (on PostgreSQL a log-in more before the first frame, issue 13);
    now the session's connection reads it, and a start that fails before that peeks."""
    conn = sqlite3.connect(demo_db_path)
    conn.execute("INSERT OR REPLACE INTO firm_setting (key, value) VALUES ('language', 'pl')")
    conn.commit()
    conn.close()
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setattr("bbdispatch.launch.has_terminal", lambda: False)
    peeked: list[object] = []
    real_peek = settings_store.peek_setting

    def peek(*args: Any) -> str | None:
        peeked.append(args)
        return real_peek(*args)

    monkeypatch.setattr(settings_store, "peek_setting", peek)
    try:
        assert main(["--db", str(demo_db_path)]) == 2  # no terminal: one line, in Polish
        assert "program pełnoekranowy" in capsys.readouterr().err
        assert peeked == []
        # A price list that fails before the session's connection: the setting is peeked.
        broken = demo_db_path.parent / "cennik.toml"
        broken.write_text("[[product]\n", encoding="utf-8")
        assert main(["--db", str(demo_db_path), "--pricelist", str(broken)]) == 1
        assert len(peeked) == 1
    finally:
        from bbdispatch.pricelist import use_pricelist_file

        use_pricelist_file(None)
        choose_language("en")
