"""Reading the system files doctor checks (passwd, sshd_config, crontabs, units) under a root.

A file this login may not read is told apart from one that is not there:
a technician running doctor is told to run it as root, not that nothing is set up.
Shell lines are split into words as a shell would.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
from collections.abc import Callable, Iterable
from pathlib import Path


class Unreadable(Exception):
    """A system file or folder this login may not read (a technician running doctor)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def file_lines(path: Path) -> list[str]:
    """A system file's lines, stripped, without blank lines and ``#`` comments.

    ``[]`` when the file is not there (or not a file). Raises
    :class:`Unreadable` when this login may not read it.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except PermissionError as err:
        raise Unreadable(path) from err
    except OSError:
        return []
    return [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


def file_lines_or_none(path: Path) -> list[str]:
    """The lines of a file every login may read (``/etc/passwd``), or none."""
    try:
        return file_lines(path)
    except Unreadable:
        return []


def matching_files(root: Path, patterns: Iterable[str]) -> tuple[list[Path], list[Path]]:
    """The files matching ``patterns``, and the folders among theirs this login cannot list.

    ``Path.glob`` skips a folder it may not read without a word, which would
    turn "cannot see" into "not there"; the folders are listed here instead.
    """
    found: list[Path] = []
    unreadable: list[Path] = []
    for pattern in patterns:
        folder = (root / pattern).parent
        try:
            names = sorted(entry.name for entry in os.scandir(folder))
        except PermissionError:
            unreadable.append(folder)
            continue
        except OSError:
            continue
        found += [
            folder / name
            for name in names
            if fnmatch.fnmatchcase(name, Path(pattern).name) and (folder / name).is_file()
        ]
    return found, unreadable


def readable_lines(
    files: tuple[list[Path], list[Path]],
) -> tuple[list[tuple[Path, str]], list[Path]]:
    """Every line of ``files`` that this login can read, and what it could not read."""
    paths, unreadable = files
    lines: list[tuple[Path, str]] = []
    for path in paths:
        try:
            lines += [(path, line) for line in file_lines(path)]
        except Unreadable as err:
            unreadable.append(err.path)
    return lines, unreadable


ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
"""A ``NAME=value`` word: a variable set for what follows (a cron line, a shell line)."""


def shell_words(command: str) -> list[str]:
    """A shell command's words, operators (``;``, ``&&``, ``>>``) apart, comments dropped.

    A quoted ``sh -c '…'`` script is opened up. ``[]`` when it cannot be split.
    """
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError:
        return []
    out: list[str] = []
    for word in words:
        if " " in word and "bbdispatch" in word:
            out += [";", *shell_words(word), ";"]
        else:
            out.append(word)
    return out


def expand_variables(value: str, names: dict[str, str]) -> str:
    """A word with ``$NAME``/``${NAME}`` replaced by what the script set (else left as is)."""
    return re.sub(
        r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
        lambda m: names.get(m.group(1), m.group(0)),
        value,
    )


def command_args(words: list[str], at: int) -> list[str]:
    """The words after the program at ``words[at]``, up to the next shell operator.

    ``words`` as :func:`shell_words` splits a line; an operator is a word starting
    with ``;``, ``&``, ``|``, ``<`` or ``>``.
    """
    end = next(
        (i for i in range(at + 1, len(words)) if words[i] and words[i][0] in ";&|<>"),
        len(words),
    )
    return words[at + 1 : end]


def named_database(
    args: list[str], env_db: str | None, expand: Callable[[str], str] = str
) -> str | None:
    """The database a ``bbdispatch`` command line runs on, as bbdispatch would choose it.

    The last ``--db PATH`` or ``--db=PATH`` in ``args``, else ``env_db`` (the
    ``BBDISPATCH_DB`` the line runs with); None when neither names one (the
    user's own default database). ``expand`` turns a word into its value
    (a script's ``$NAME``); by default the word itself.
    """
    named = env_db
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            named = expand(args[i + 1])
        elif arg.startswith("--db="):
            named = expand(arg.removeprefix("--db="))
    return named


def wrong_database(named: str | None, db_path: Path, unnamed: str, elsewhere: str) -> str | None:
    """Why a command line that runs bbdispatch on ``named`` misses ``db_path``, or None.

    ``named`` as :func:`named_database` finds it. ``unnamed`` (placeholder
    ``{db}``) is said when it names no database, ``elsewhere`` (``{other}``,
    ``{db}``) when it names another; both already translated.
    """
    if named is None:
        return unnamed.format(db=shlex.quote(str(db_path)))
    if os.path.normpath(named) != os.path.normpath(str(db_path)):
        return elsewhere.format(other=named, db=db_path)
    return None
