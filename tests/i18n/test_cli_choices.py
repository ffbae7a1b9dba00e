"""Every choice of the command line reads English and Polish; every option says what it is.

Issue 16: ``jobs status 12 zakończone``, ``--mode zdalnie`` and ``--priority pilne``
were refused, ``--help`` showed ``{emergency,normal,low}`` raw, and some options
had no description at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from bbdispatch import i18n
from bbdispatch.cli import build_parser, main
from bbdispatch.commands.choice import Choice


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, (*path, name))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_every_option_of_every_subcommand_has_help(language: str) -> None:
    i18n.choose_language(language)
    missing = [
        (" ".join(path), action.option_strings or action.dest)
        for path, parser in _parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
        and action.help != argparse.SUPPRESS
        and not (action.help or "").strip()
    ]
    assert not missing, missing


def test_no_choice_is_left_to_argparse() -> None:
    # A raw ``choices=`` prints {a,b,c} in English and refuses the Polish words.
    raw = [
        (" ".join(path), action.option_strings or action.dest)
        for path, parser in _parsers(build_parser())
        for action in parser._actions
        if action.choices and not isinstance(action, argparse._SubParsersAction)
    ]
    assert not raw, raw


def _parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_polish_and_english_words_give_the_stored_value(language: str) -> None:
    i18n.choose_language(language)
    assert _parse("jobs", "status", "12", "zakończone").status == "done"
    assert _parse("jobs", "status", "12", "ZAKONCZONE").status == "done"
    assert _parse("jobs", "status", "12", "w toku").status == "in_progress"
    assert _parse("jobs", "status", "12", "w_toku").status == "in_progress"
    assert _parse("jobs", "status", "12", "in_progress").status == "in_progress"
    assert _parse("jobs", "status", "12", "in progress").status == "in_progress"
    add = ["jobs", "add", "--client", "1", "--description", "x"]
    args = _parse(*add, "--mode", "zdalnie", "--priority", "pilne", "--category", "sieć")
    assert (args.mode, args.priority, args.category) == ("remote", "emergency", "network")
    args = _parse(*add, "--mode", "na miejscu", "--priority", "awaria")
    assert (args.mode, args.priority, args.category) == ("onsite", "emergency", "other")
    assert _parse(*add, "--mode", "on-site").mode == "onsite"
    assert _parse("clients", "add", "--kind", "osoba prywatna", "--name", "x").kind == "private"
    assert _parse("people", "add", "ola", "Ola", "--role", "dyspozytor").role == "dispatcher"
    assert _parse("calls", "mark", "3", "nieodebrane").outcome == "missed"
    assert _parse("calendar", "--priority", "niski").priority == "low"


def test_a_wrong_word_is_refused_in_one_polish_line_listing_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "pl", "jobs", "status", "12", "gotowe"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "gotowe" in err and "wstrzymane, zakończone, anulowane" in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_help_lists_the_choices_in_the_session_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "pl", "jobs", "add", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "{emergency,normal,low}" not in out
    assert "jedno z: awaria, zwykły, niski; domyślnie: zwykły" in out
    assert "domyślnie: zwykły" in out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "jobs", "add", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "one of: emergency, normal, low; default: normal" in out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "jobs", "status", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "assigned, in progress, on hold, done" in out


def test_a_choice_folds_case_accents_and_separators() -> None:
    kind = Choice(["a_b"], {"a_b": "Łódź ą"})
    assert kind("lodz a") == "a_b" and kind("A-B") == "a_b"
    with pytest.raises(argparse.ArgumentTypeError):
        kind("c")
