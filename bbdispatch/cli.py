"""The ``bbdispatch`` command: the dispatcher TUI and its scriptable subcommands.

Textual is imported only when a TUI starts, so ``ring`` from a phone system or
``schedule run`` from cron start in a fraction of the time.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bbdispatch import __version__
from bbdispatch.commands.act_as import ActAsOnce, merge
from bbdispatch.foreign_messages import install_argparse
from bbdispatch.i18n import LANGUAGES, _, apply_firm_language, asked_language, choose_language

SUBCOMMANDS = (
    "init", "demo", "pricelist", "tech", "people", "ring", "lookup", "import_clients",
    "schedule", "inventory", "contracts", "report", "backup", "privacy", "doctor", "calendar",
    "clients", "assessments", "jobs", "time", "calls", "callbacks", "language", "audit",
    "migrate",
)  # fmt: skip
"""Modules of :mod:`bbdispatch.commands`, in the order ``--help`` lists them."""


PHONE_PATH = ("ring", "lookup")
"""Commands a phone system runs on every call: only their own module is imported."""
_VALUE_OPTIONS = ("--db", "--as", "--lang")


def _phone_command(argv: Sequence[str] | None) -> str | None:
    """``ring`` or ``lookup`` when that is the command, else None (global options skipped)."""
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
        return token if token in PHONE_PATH else None
    return None


def build_parser(only: Sequence[str] = SUBCOMMANDS) -> argparse.ArgumentParser:
    """The whole command line, or with only the ``only`` subcommands (the phone path).

    ``ring`` and ``lookup`` run on every incoming call, so they must start as
    fast as a bare script: importing every other command (the demo builder,
    reports, the ledger...) would double their time.
    """
    parser = argparse.ArgumentParser(
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
    tui = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    tui.add_argument("--db")
    tui.add_argument("--pricelist")
    tui.add_argument("--no-mouse", action="store_true")
    tui.add_argument("--as", dest="act_as", action=ActAsOnce)
    tui.add_argument("--lang", choices=LANGUAGES)
    try:
        args, rest = tui.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):  # a bad option: the full parser explains
        return None
    return None if rest else args


def _choose_language(argv: Sequence[str] | None) -> None:
    """Choose the language before any text is built (``--help`` and usage errors too).

    ``--lang``, else the locale, else the firm's setting in the database named by
    ``--db`` (read-only, without migrating), else English; see :mod:`bbdispatch.i18n`.
    """
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    early.add_argument("--lang")
    early.add_argument("--db")
    try:
        args, _rest = early.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):  # the full parser will explain
        args = argparse.Namespace(lang=None, db=None)
    if choose_language(args.lang) and asked_language() is None:
        from bbdispatch.paths import database_target
        from bbdispatch.storage.settings import peek_setting

        apply_firm_language(peek_setting(database_target(args.db), "language"))
    install_argparse()


def _choose_pricelist(argv: Sequence[str] | None) -> None:
    """Use ``--pricelist FILE`` for every price list read in this run (none: the default).

    Without the option the price list module is not even loaded (the phone path
    never reads prices), unless an earlier call in this process chose a file.
    """
    # No abbreviations: a subcommand's ``--price 350`` is not ``--pricelist``.
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False, allow_abbrev=False)
    early.add_argument("--pricelist")
    try:
        args, _rest = early.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):  # the full parser will explain
        args = argparse.Namespace(pricelist=None)
    if args.pricelist is not None or "bbdispatch.pricelist" in sys.modules:
        from bbdispatch.pricelist import use_pricelist_file

        use_pricelist_file(args.pricelist)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bbdispatch`` console script."""
    _choose_language(argv)
    _choose_pricelist(argv)
    fast = _tui_only(argv)
    if fast is not None:
        from bbdispatch.launch import run_dispatcher

        return run_dispatcher(fast)
    phone = _phone_command(argv)
    parser = build_parser((phone,) if phone else SUBCOMMANDS)
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
