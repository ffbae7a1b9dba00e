"""``--help`` of every subcommand, and argparse's own errors, are Polish under ``--lang pl``.

Three nets, each catching what the others miss:

* every help text, description, epilog and metavar of the Polish parser differs
  from the English one (a text never marked with ``_()`` stays English), except
  the few words that are the same in both languages;
* no option takes a value without a metavar (argparse would print the English
  name of the variable, ``--phone PHONE``, ``file``);
* the ``--help`` that a user sees, run through :func:`bbdispatch.cli.main` for
  every subcommand, has none of the English words below (argparse's ``usage:``,
  ``options``, and English left inside a translation).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from bbdispatch import i18n
from bbdispatch.cli import build_parser, main
from bbdispatch.foreign_messages import install_argparse

SAME_IN_BOTH = {"FORMAT", "LOGIN", "ID", "ISO", "N", "NIP", "NN-NNN", "STATUS", "JSON", "CSV"}
"""Metavars and words that Polish writes as English does (and addresses: ``postgresql://…``)."""

ENGLISH = {
    "the", "and", "or", "of", "with", "without", "when", "is", "are", "all", "what",
    "they", "before", "after", "about", "everything", "usage", "options", "optional",
    "positional", "arguments", "int", "float", "help", "exit", "error", "required", "invalid",
    "choice", "choose", "default", "this", "each", "only", "for", "from", "into", "not",
    "your", "you", "file", "number", "time", "client", "clients", "job", "jobs", "contract",
    "contracts", "hours", "admins", "people", "technician", "technicians", "dispatcher",
    "set-up", "permissions", "accounts", "well", "erase", "export", "readable", "issued",
    "statements", "kept", "law", "personal", "show", "list", "add", "name",
    "street", "city", "notes", "phone", "skills", "delimiter", "action", "month",
    "yyyy", "root", "command", "print", "write", "here", "instead", "unknown", "value",
}  # fmt: skip
"""English words that never belong in Polish help (command and option names are removed first)."""


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, (*path, name))


def _texts(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Every text of one parser that ``--help`` shows, by where it is."""
    found = {"description": parser.description or "", "epilog": parser.epilog or ""}
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        where = "/".join(action.option_strings) or action.dest
        found[f"{where} help"] = action.help or ""
        if isinstance(action.metavar, str):
            found[f"{where} metavar"] = action.metavar
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                found[f"{where} {choice.dest} help"] = choice.help or ""
    return found


def _all_texts(language: str) -> dict[tuple[str, ...], dict[str, str]]:
    i18n.set_language(language)
    install_argparse()
    return {path: _texts(parser) for path, parser in _parsers(build_parser())}


def _command_paths() -> list[tuple[str, ...]]:
    return [path for path, _parser in _parsers(build_parser())]


def test_every_help_text_and_metavar_is_translated() -> None:
    english, polish = _all_texts("en"), _all_texts("pl")
    same = [
        f"{' '.join(path) or 'bbdispatch'}: {where}: {text!r}"
        for path, texts in english.items()
        for where, text in texts.items()
        if text
        and text not in SAME_IN_BOTH
        and "://" not in text
        and polish[path].get(where) == text
    ]
    assert not same, "English in Polish --help (mark with _() and translate):\n" + "\n".join(same)


def test_every_option_with_a_value_names_it() -> None:
    unnamed = [
        f"{' '.join(path) or 'bbdispatch'}: {'/'.join(a.option_strings) or a.dest}"
        for path, parser in _parsers(build_parser())
        for a in parser._actions
        if a.nargs != 0
        and a.metavar is None
        and a.choices is None
        and a.help != argparse.SUPPRESS
        and not isinstance(a, argparse._SubParsersAction)
    ]
    assert not unnamed, "argparse would show the English variable name; add metavar=_():\n" + (
        "\n".join(unnamed)
    )


def _english_words(text: str, path: tuple[str, ...]) -> list[str]:
    """The English words of one Polish ``--help``, without command and option names."""
    names = {name for p in _command_paths() for name in p} | {"bbdispatch"}
    text = re.sub(r"(?<![\w.])--?[A-Za-z][\w-]*|\{[^}]*\}|\$\w+", " ", text)
    # Codes a file or a script uses: "yes/no", "technician/dispatcher/admin", "name,version"
    # and the column lists of CSV imports ("Kolumny (...): name, kind, nip, phone.").
    text = re.sub(r"[\w-]+(?:[/,][\w-]+)+", " ", text)
    text = re.sub(r"([:,])\s*[a-z_]+(?=\s*(?:\([^)]*\))?\s*[,.])", r"\1 ", text)
    words = re.findall(r"[A-Za-ząćęłńóśźżĄĆĘŁŃÓŚŹŻ][\w-]*", text)
    return [w for w in words if w.lower() in ENGLISH and w not in names]


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "bbdispatch")
def test_help_of_every_command_is_polish(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--lang", "pl", *path, "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("użycie: bbdispatch")
    english = _english_words(shown, path)
    assert not english, f"English in {' '.join(path)} --help: {english}\n{shown}"


@pytest.mark.parametrize(
    ("argv", "polish"),
    [
        (["jobs", "status"], "wymagane są argumenty"),
        (["jobs", "status", "1", "frob"], "to nie jest żadne z: nowe, ocenione"),
        (["frob"], "niepoprawny wybór"),
        (["backup", "--keep", "x"], "to nie jest liczba całkowita"),
        (["time", "add", "--job", "1", "--from", "x"], "To nie jest czas"),
        (["jobs", "assign", "x"], "to nie jest identyfikator"),
        (["jobs", "add", "--client", "1", "--price", "-5"], "kwota nie może być ujemna"),
        (["clients", "--frob"], "nierozpoznane argumenty"),
    ],
)
def test_argparse_errors_are_polish(
    argv: list[str], polish: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--lang", "pl", *argv])
    assert done.value.code == 2
    error = capsys.readouterr().err
    assert polish in error
    assert not _english_words(error.split("(do wyboru")[0], tuple(argv))


def test_the_english_word_net_catches_argparse_english() -> None:
    i18n.set_language("en")
    install_argparse()
    shown = build_parser().format_help()
    assert {"usage", "options"} <= {w.lower() for w in _english_words(shown, ())}
