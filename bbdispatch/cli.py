"""The ``bbdispatch`` command: the dispatcher TUI and its scriptable subcommands.

Textual is imported only when a TUI starts, so ``ring`` from a phone system or
``schedule run`` from cron start in a fraction of the time.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from bbdispatch import __version__
from bbdispatch.commands.act_as import ActAsOnce, merge
from bbdispatch.commands.language_early import firm_language_before_open
from bbdispatch.foreign_messages import install_argparse
from bbdispatch.i18n import LANGUAGES, _, choose_language, current_language, requested_language

SUBCOMMANDS = (
    "init", "demo", "pricelist", "tech", "people", "ring", "lookup", "import_clients",
    "schedule", "inventory", "contracts", "report", "backup", "privacy", "doctor", "calendar",
    "clients", "assessments", "jobs", "time", "calls", "callbacks", "language", "audit",
    "migrate",
)  # fmt: skip
"""Modules of :mod:`bbdispatch.commands`, in the order ``--help`` lists them."""


PHONE_PATH = ("ring", "lookup")
"""Commands a phone system runs on every call: only their own module is imported."""
ONE_COMMAND = (*PHONE_PATH, "tech")
"""Commands that build only their own part of the command line: the phone path, and the
technician's workspace (every SSH login starts it; the other commands' modules, from the
demo builder to the statements, would delay its first frame)."""
_VALUE_OPTIONS = ("--db", "--as", "--lang")


def terminal_columns() -> int:
    """The terminal's width in columns, as ``shutil.get_terminal_size()`` finds it.

    ``$COLUMNS`` first, then the width of the terminal on standard output, else
    80. Written here with :mod:`os` alone: ``shutil`` imports the bz2 and lzma
    modules, which the phone path (``ring``, ``lookup``) has no use for.
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's own help layout, at the width argparse itself would take.

    argparse makes a formatter for every ``add_argument`` (to check its
    metavar) and each one asks ``shutil`` for the terminal's width; importing
    ``shutil`` cost the phone path some milliseconds of every call (issue 13).
    The width is the same: the terminal's columns less two (argparse's margin).
    """

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
        width: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__(
            prog, indent_increment, max_help_position,
            terminal_columns() - 2 if width is None else width,
        )  # fmt: skip


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` with :class:`HelpFormatter`; its subcommands' parsers are too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def _phone_command(argv: Sequence[str] | None) -> str | None:
    """The command when it is one of :data:`ONE_COMMAND`, else None (global options skipped)."""
    args = list(sys.argv[1:] if argv is None else argv)
    i = 0
    while i < len(args):
        token = args[i]
        if token in _VALUE_OPTIONS:
            i += 2
            continue
        if token.startswith("-"):
            i += 1
            continue
        return token if token in ONE_COMMAND else None
    return None


def build_parser(only: Sequence[str] = SUBCOMMANDS) -> argparse.ArgumentParser:
    """The whole command line, or with only the ``only`` subcommands (the phone path).

    ``ring`` and ``lookup`` run on every incoming call, so they must start as
    fast as a bare script: importing every other command (the demo builder,
    reports, the ledger...) would double their time.
    """
    parser = Parser(
        prog="bbdispatch",
        description=_(
            "Terminal dispatcher for an IT-services firm. "
            "Without a subcommand, starts the dispatcher."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"bbdispatch {__version__}",
        help=_("show the version and exit"),
    )
    parser.add_argument(
        "--db",
        metavar=_("PATH"),
        help=_("database file (default: $BBDISPATCH_DB, else user data dir)"),
    )
    parser.add_argument(
        "--pricelist",
        metavar=_("FILE"),
        help=_("the firm's price list (default: $BBDISPATCH_PRICELIST, else the shipped example)"),
    )
    parser.add_argument("--no-mouse", action="store_true", help=_("do not capture the mouse"))
    parser.add_argument(
        "--as",
        dest="act_as",
        action=ActAsOnce,
        metavar=_("LOGIN"),
        help=_("work as another user (dispatchers and admins)"),
    )
    from bbdispatch.commands.choice import add_choice, language_choice

    add_choice(
        parser, "--lang", kind=language_choice(), metavar=_("LANGUAGE"),
        help=_("language of screens and messages (default: the locale, else the firm's setting)"),
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    for name in only:
        module = importlib.import_module(f"bbdispatch.commands.{name}")
        module.register(sub)
    _one_line_everywhere(parser)
    _merge_act_as(parser)
    from bbdispatch.commands.needs import apply_needs

    apply_needs(parser)
    return parser


def _merge_act_as(parser: argparse.ArgumentParser) -> None:
    """Every parse of the whole command line gives one ``act_as``.

    See :mod:`bbdispatch.commands.act_as`.

    ``--as`` after ``tech`` is parsed by the subcommand into its own
    namespace; it becomes ``act_as`` here, or a usage error when ``--as`` was
    also given before the command.
    """
    parse_known = parser.parse_known_args

    def parse_known_args(
        args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = parse_known(args, namespace)
        merge(parser, parsed)
        return parsed, extras

    parser.parse_known_args = parse_known_args  # type: ignore[method-assign,assignment]


def _one_line_everywhere(parser: argparse.ArgumentParser) -> None:
    """Every parser, the top one and each subcommand's, reports bad arguments in one line."""
    from bbdispatch.commands.common import one_line_errors

    one_line_errors(parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _one_line_everywhere(child)


def _tui_only(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The options when the command starts the dispatcher TUI, else ``None``.

    Starting the TUI needs none of the subcommands, and importing them all (each
    with its services) would slow down every cold start, so only the global
    options are parsed here; anything else goes to the full parser.
    """
    tui = Parser(add_help=False, exit_on_error=False)
    tui.add_argument("--db")
    tui.add_argument("--pricelist")
    tui.add_argument("--no-mouse", action="store_true")
    tui.add_argument("--as", dest="act_as", action=ActAsOnce)
    tui.add_argument("--lang", type=requested_language, choices=LANGUAGES)
    try:
        args, rest = tui.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):  # a bad option: the full parser explains
        return None
    return None if rest else args


def _early_options(argv: Sequence[str] | None) -> argparse.Namespace:
    """``--lang`` and ``--db`` from the command line, before the whole parser exists."""
    early = Parser(add_help=False, exit_on_error=False)
    early.add_argument("--lang")
    early.add_argument("--db")
    try:
        args, _rest = early.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):  # the full parser will explain
        args = argparse.Namespace(lang=None, db=None)
    return args


def _choose_language(argv: Sequence[str] | None, *, firm_from_db: bool = True) -> None:
    """Choose the language before any text is built (``--help`` and usage errors too).

    ``--lang``, else the locale, else the firm's setting in the database named by
    ``--db`` (read-only, without migrating), else English; see :mod:`bbdispatch.i18n`.
    ``firm_from_db=False`` leaves the firm's setting to the command's own
    connection (the phone path: see :func:`_firm_language_on_error`).
    """
    args = _early_options(argv)
    choose_language(args.lang)
    if firm_from_db:
        firm_language_before_open(args.db)
    install_argparse()


def _asks_for_help(argv: Sequence[str] | None) -> bool:
    """Whether the command line asks for help or the version (printed by the parser)."""
    args = sys.argv[1:] if argv is None else argv
    return any(a in ("-h", "--help", "--version") for a in args)


def _firm_language_on_error(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None, phone: str
) -> None:
    """Usage errors of the phone path in the firm's language, read only when one happens.

    ``ring`` and ``lookup`` run on every call and open the database anyway,
    which applies the firm's language (``open_ctx``) before anything they
    print: reading it first over a connection of its own cost each call a
    second connection (on PostgreSQL a whole log-in). A usage error comes
    before that connection; it reads the setting then, and when the language
    changes the parser is built again so that the message (and the names in
    it, such as ``NUMBER``) are in that language.
    """
    shown = parser.error

    def error(message: str) -> NoReturn:
        before = current_language()
        firm_language_before_open(_early_options(argv).db)
        if current_language() != before:
            build_parser((phone,)).parse_args(argv)  # the same error, in the firm's language
        shown(message)

    parser.error = error  # type: ignore[method-assign]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _firm_language_on_error(child, argv, phone)


def _choose_pricelist(argv: Sequence[str] | None) -> None:
    """Use ``--pricelist FILE`` for every price list read in this run (none: the default).

    Without the option the price list module is not even loaded (the phone path
    never reads prices), unless an earlier call in this process chose a file.
    """
    # No abbreviations: a subcommand's ``--price 350`` is not ``--pricelist``.
    early = Parser(add_help=False, exit_on_error=False, allow_abbrev=False)
    early.add_argument("--pricelist")
    try:
        args, _rest = early.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):  # the full parser will explain
        args = argparse.Namespace(pricelist=None)
    if args.pricelist is not None or "bbdispatch.pricelist" in sys.modules:
        from bbdispatch.pricelist import use_pricelist_file

        use_pricelist_file(args.pricelist)


def _not_utf8(argv: Sequence[str]) -> str:
    """One line naming the first argument that is not UTF-8 text, or ``""``.

    Python hands bytes that are not UTF-8 over as lone surrogates
    (``surrogateescape``); no name, number or file name of the firm is like
    that, and every later step would fail on them with a codec message. The
    option they belong to (``--name``) or their position names them.
    """
    for index, arg in enumerate(argv):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            from bbdispatch.text import printable  # only then: the phone path starts lean

            if arg.startswith("--") and "=" in arg:
                name, arg = arg.split("=", 1)
            elif index and argv[index - 1].startswith("-") and not arg.startswith("-"):
                name = argv[index - 1]
            else:
                name = _("argument {number}").format(number=index + 1)
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return _(
                "{name} is not UTF-8 text ('{shown}'): set the terminal, or the script "
                "that runs bbdispatch, to UTF-8 (e.g. LANG=pl_PL.UTF-8)"
            ).format(name=printable(name), shown=printable(shown))
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bbdispatch`` console script."""
    phone = _phone_command(argv)
    if phone not in PHONE_PATH:
        # ``tech`` builds only its part of the command line, as the phone path
        # does, but it runs all day: with the collector off, every reload's
        # cyclic garbage (finished workers, their frames, rendered lines) stayed
        # for good, some 65 MB for each 40 000-client import by another process.
        return _main(argv, phone)
    # ``ring`` and ``lookup`` live for a fraction of a second and import some
    # three hundred modules, whose classes and tables set off Python's cyclic
    # garbage collector over and over; nothing they build needs collecting
    # before they exit. Without it they start about a tenth faster (issue 13).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv, phone)
    finally:
        if collecting:
            gc.enable()


def command_line() -> int:
    """The ``bbdispatch`` console script and ``python -m bbdispatch``: :func:`main` as a process.

    A process of ``ring`` or ``lookup`` ends by tearing its interpreter down,
    and Python's last cyclic collections walk every object its three hundred
    modules made: about a sixth of the whole call's CPU time (issue 13), for
    nothing, since the process exits next. Freezing them (:func:`gc.freeze`)
    leaves those walks out; the teardown itself (``atexit``, closing files,
    flushing standard output) runs as before. Only here, where the process
    ends: a caller of :func:`main` that lives on (tests, a hook) keeps its
    collector as it was.

    Returns:
        The exit code of :func:`main`.
    """
    code = main()
    if _phone_command(None) is not None:
        gc.freeze()
    return code


def _main(argv: Sequence[str] | None, phone: str | None) -> int:
    """:func:`main` once it knows whether the command is one of the phone path."""
    # The phone path reads the firm's language on its own connection (open_ctx), and
    # so does the TUI (bbdispatch.launch): on PostgreSQL a peek first is a log-in more.
    fast = None if phone is not None else _tui_only(argv)
    late_firm_language = (phone is not None or fast is not None) and not _asks_for_help(argv)
    _choose_language(argv, firm_from_db=not late_firm_language)
    bad = _not_utf8(sys.argv[1:] if argv is None else argv)
    if bad and late_firm_language:
        firm_language_before_open(_early_options(argv).db)
        bad = _not_utf8(sys.argv[1:] if argv is None else argv)
    if bad:
        from bbdispatch.commands.common import echo_err

        echo_err(f"bbdispatch: {bad}")
        return 2
    _choose_pricelist(argv)
    if fast is not None:
        from bbdispatch.launch import run_dispatcher

        return run_dispatcher(fast)
    parser = build_parser((phone,) if phone else SUBCOMMANDS)
    if phone is not None and late_firm_language:
        _firm_language_on_error(parser, argv, phone)
    from bbdispatch.commands.common import to_a_reader

    tui: list[argparse.Namespace] = []

    def command() -> int:
        args = parser.parse_args(argv)  # ``--help`` prints here
        handler = getattr(args, "handler", None)
        if handler is None:
            tui.append(args)
            return 0
        from bbdispatch.commands.common import gate

        refused = gate(args)  # the right first: a refused person learns nothing of the input
        if refused:
            return refused
        result: int = handler(args)
        return result

    code = to_a_reader(command)
    if tui:
        from bbdispatch.launch import run_dispatcher

        return run_dispatcher(tui[0])
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
