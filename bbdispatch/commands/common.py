"""What every subcommand shares: opening the database and failing in one line."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

from bbdispatch.clock import SystemClock
from bbdispatch.database_url import DatabaseUrlError
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.ids import parse_id
from bbdispatch.domain.rights import Principal
from bbdispatch.i18n import _, apply_firm_language
from bbdispatch.output_file import OutputRefused
from bbdispatch.paths import database_target
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import (
    identify,
    os_fallback,
    os_login,
    refuse_foreign_database_role,
)
from bbdispatch.services.settings import firm_language
from bbdispatch.storage.database import Database, StorageError, for_command_line
from bbdispatch.text import json_text, printable

if TYPE_CHECKING:
    from bbdispatch.pricelist import PriceList

EXIT_ERROR = 1
"""Something went wrong; stderr says what in one line."""
EXIT_USAGE = 2
"""The command was called wrongly (bad argument, invalid number)."""
EXIT_PIPE = 141
"""The reader of the output went away (``| head -1``): 128 + SIGPIPE, as shells say."""


class PhoneWords(argparse.Action):
    """A phone number typed unquoted at a shell (``lookup 42 630 11 22``): its words joined.

    The phone system passes one argument; a person types the number as it is
    written, in groups. ``nargs="+"`` with this action gives the command one
    string, spaces between the groups, as if it had been quoted.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        """Store the words as one number."""
        words = [values] if isinstance(values, str) else list(values or [])
        setattr(namespace, self.dest, " ".join(str(w) for w in words))


class CommandError(Exception):
    """Ends a command with one line on stderr and the given exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


class _PricesOnFirstUse:
    """The firm's price list, read from its file when a service first asks for it.

    For the phone path (``ring``, ``lookup``), which never prices anything: a
    call is logged without reading and checking the TOML file (issue 13: the
    phone path costs at most 1.5× a bare script), and a price list broken by a
    bad edit does not stop the phone system from logging calls. A bad file
    still fails the first service that needs it, with the same message.
    """

    def __init__(self) -> None:
        self._loaded: PriceList | None = None

    def __getattr__(self, name: str) -> Any:
        if self._loaded is None:
            from bbdispatch.pricelist import load_pricelist

            self._loaded = load_pricelist()
        return getattr(self._loaded, name)


def refuse_missing_folder(args: argparse.Namespace) -> None:
    """Refuse to create a named database (``--db``, ``BBDISPATCH_DB``) in a missing folder.

    A typo in the path (``--db /srv/bbdispach/firm.db``) must not quietly make a
    new folder tree and an empty database nobody else finds. Only the default
    place (the user data folder, when no path is named) is created as needed.

    Raises:
        CommandError: exit 2, naming where the path came from and the first
            folder on it that is missing.
    """
    explicit = getattr(args, "db", None)
    named = explicit or os.environ.get("BBDISPATCH_DB")
    target = database_target(explicit)
    if not named or not isinstance(target, Path):
        return
    folder = target.parent
    if folder.exists():  # a folder, or a file in the way (the database says so)
        return
    import shlex  # only on this rare path: the phone path (``ring``) starts without it

    source = "--db" if explicit else "BBDISPATCH_DB"
    missing = folder
    while not missing.parent.exists() and missing.parent != missing:
        missing = missing.parent
    raise CommandError(
        _(
            "{source}: the folder {missing} does not exist, so {path} cannot be created there; "
            "check the path, or create the folder first: mkdir -p {folder}"
        ).format(source=source, missing=missing, path=target, folder=shlex.quote(str(folder))),
        EXIT_USAGE,
    )


@asynccontextmanager
async def open_ctx(
    args: argparse.Namespace,
    *,
    create: bool = False,
    setup: bool = False,
    prices_on_use: bool = False,
) -> AsyncIterator[Ctx]:
    """Open the database named by ``--db``/``BBDISPATCH_DB`` and build the service context.

    Only ``init`` and ``demo`` create a database: anything else on a mistyped path
    (a phone system's ``ring``, a cron job) fails loudly instead of writing into a
    new file that nobody watches.

    The context acts for the process's OS account; the services check its
    rights (``docs/rights.md``). The global ``--as LOGIN`` is applied here, for
    every subcommand alike: the context then has exactly that person's rights
    (a support session, named ``me as LOGIN`` in the audit trail), or the command
    is refused before it runs. ``setup`` is for ``demo`` filling a new, empty
    database, before anyone exists to hold a right.

    ``prices_on_use`` reads the price list only when a service first uses it
    (the phone path); otherwise it is read and checked here, before anything runs.

    Raises:
        NotFound: ``--as`` names no active person, or the OS login is none.
        NotAllowed: the OS login may not act as that person.
        PriceListError: the price list file is missing or wrong.
    """
    if create:
        refuse_missing_folder(args)
    if prices_on_use:
        prices = cast("PriceList", _PricesOnFirstUse())
    else:
        from bbdispatch.pricelist import load_pricelist

        prices = load_pricelist()
    db = await Database.open(database_target(args.db), create=create)
    fallback = Principal.SYSTEM if setup else os_fallback()
    try:
        ctx = Ctx(db=db, clock=SystemClock(), prices=prices, actor=os_login(), fallback=fallback)
        act_as = getattr(args, "act_as", None)
        # Before anything is read or audited through a role that is someone else's.
        await refuse_foreign_database_role(ctx, ctx.actor, act_as)
        apply_firm_language(await firm_language(ctx))
        if act_as is not None and act_as != ctx.actor:
            person = await identify(ctx, ctx.actor, act_as)
            ctx = ctx.acting_as(f"{ctx.actor} as {person.login}", person.login)
        yield ctx
    finally:
        await db.close()


def gate(args: argparse.Namespace) -> int:
    """Check the right the parsed command needs before its handler reads any input.

    ``args.right_needed`` comes from :data:`bbdispatch.commands.needs.COMMAND_NEEDS`;
    a refusal is the service's own (one line, exit 1, audited), so a person who
    may not run the command learns nothing about their file or the firm's data.
    Root on a database with no admin yet is told, on stderr, the command that
    makes one (one line; the command still runs).

    Returns:
        0 to go on, else the exit code of the refusal (or of a database that
        cannot be opened).
    """
    from bbdispatch.commands.needs import need_of
    from bbdispatch.services.people import root_without_admin_hint
    from bbdispatch.services.rights import scope_of

    action = need_of(args)
    if action is None:
        return 0

    async def body() -> int:
        # The right needs no prices: a broken price list is for the command to
        # report (``doctor`` lists it as one failed check among the others).
        async with open_ctx(args, prices_on_use=True) as ctx:
            await scope_of(ctx, action)
            if getattr(args, "command", None) != "doctor":  # doctor says it among its checks
                hint = await root_without_admin_hint(ctx)
                if hint:  # a hint only: the command runs, its exit code unchanged
                    echo_err(f"bbdispatch: {hint}")
        return 0

    return run(body)


class OutputClosed(Exception):
    """The command's stdout is a pipe whose reader has gone (``| head -1``)."""


def client_id_of(text: str) -> int:
    """The client id given as ``--client``, for the commands that read it after parsing.

    Read as every typed id is (:func:`~bbdispatch.domain.ids.parse_id`): a whole
    number from 1 to 2**63 - 1.

    Raises:
        CommandError: anything else, a word, zero, a sign or an id too large for
            any record (exit 2, naming ``--client``).
    """
    client_id = parse_id(text)
    if client_id is None:
        raise CommandError(_("--client: not a client id: '{v}'").format(v=text), EXIT_USAGE)
    return client_id


def quiet_stdout() -> None:
    """Point stdout at the null device, so nothing flushed later fails again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def os_error_text(err: OSError) -> str:
    """One line for an OS error, in the session's language, naming the path it concerns.

    The one formatter for what the system refused (``[Errno 2] No such file or
    directory: 'x'`` becomes ``x: no such file or folder``), so a person reads
    which file or folder is wrong and why, never Python's error numbers.
    """
    import errno

    reasons = {
        errno.ENOENT: _("no such file or folder"),
        errno.ENOTDIR: _("not a folder"),
        errno.EISDIR: _("is a folder, not a file"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("operation not permitted"),
        errno.ENOSPC: _("no space left on the device"),
        errno.EROFS: _("the file system is read-only"),
        errno.EEXIST: _("exists already"),
        errno.EPIPE: _("the reader went away"),
    }
    reason = reasons.get(err.errno or 0) or err.strerror or str(err)
    path = err.filename
    if path is None:
        return reason
    return _("{path}: {reason}").format(path=os.fsdecode(path), reason=reason)


def stdout_failed(err: OSError) -> CommandError:
    """The error for output that standard output refused (a full disk, a closed pipe)."""
    return CommandError(
        _("cannot write to standard output: {reason}").format(reason=os_error_text(err))
    )


def write_stdout(text: str) -> None:
    """Write a whole document to stdout and flush it, so a failure is known here.

    The one output helper of the commands (:func:`echo` and :func:`print_json`
    use it too). A reader that went away raises :class:`OutputClosed` (the
    command ends quietly, :data:`EXIT_PIPE`); any other refusal (``>/dev/full``:
    no space left) raises :class:`CommandError` with one clear line. Either way
    stdout then points at the null device, so nothing is written twice and
    nothing fails again at exit.
    """
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError as err:
        quiet_stdout()
        raise OutputClosed from err
    except OSError as err:
        quiet_stdout()
        raise stdout_failed(err) from err


def _write(text: str) -> None:
    """Write one line of output to stdout; see :func:`write_stdout`."""
    try:
        print(text)
    except BrokenPipeError as err:
        quiet_stdout()
        raise OutputClosed from err
    except OSError as err:
        quiet_stdout()
        raise stdout_failed(err) from err


def to_a_reader(command: Callable[[], int]) -> int:
    """Run a whole command; a reader that went away (``| head -1``) ends it quietly.

    The one place every subcommand passes through (:func:`bbdispatch.cli.main`),
    so commands that print outside :func:`run` (``pricelist``, ``calendar``,
    a report written to stdout, ``--help``) end the same way: nothing on stderr,
    exit :data:`EXIT_PIPE`.
    """
    try:
        try:
            code = command()
        except SystemExit as done:  # ``--help``, ``--version``: printed by argparse
            sys.stdout.flush()
            raise done
        sys.stdout.flush()
        return code
    except (OutputClosed, BrokenPipeError):
        quiet_stdout()
        return EXIT_PIPE
    except CommandError as err:
        echo_err(f"bbdispatch: {err}")
        return err.code
    except DatabaseUrlError as err:  # a malformed --db / BBDISPATCH_DB / --to URL
        echo_err(f"bbdispatch: {err}")
        return EXIT_USAGE
    except OSError as err:
        # The last flush of the output (``>/dev/full``): one line, no trace.
        quiet_stdout()
        echo_err(f"bbdispatch: {stdout_failed(err)}")
        return EXIT_ERROR


def run(main: Callable[[], Awaitable[int | None]]) -> int:
    """Run an async command body, turning every expected failure into one clear line.

    Output to a reader that went away (``bbdispatch clients show 1 | head -1``)
    ends the command quietly with :data:`EXIT_PIPE`: the reader has what it wanted.
    """
    try:
        code = asyncio.run(_guarded(main)) or 0
    except (OutputClosed, BrokenPipeError):
        quiet_stdout()
        return EXIT_PIPE
    except CommandError as err:
        # A report of several problems (an import's bad rows) keeps one per line.
        first, *more = str(err).split("\n")
        echo_err(f"bbdispatch: {first}")
        for line in more:
            echo_err(line)
        return err.code
    except (OutputRefused, DatabaseUrlError) as err:
        # An --output name that is a device, link, pipe or folder, or a malformed
        # database URL (--db, BBDISPATCH_DB, --to): a wrong argument.
        echo_err(f"bbdispatch: {err}")
        return EXIT_USAGE
    except (StorageError, DomainError) as err:
        echo_err(f"bbdispatch: {for_command_line(err)}")
        return EXIT_ERROR
    except sqlite3.Error as err:
        echo_err("bbdispatch: " + _("database error: {err}").format(err=err))
        return EXIT_ERROR
    except OSError as err:
        # A file or folder the system refused: which one, and why, in words.
        echo_err(f"bbdispatch: {os_error_text(err)}")
        return EXIT_ERROR
    except (OverflowError, ValueError) as err:
        # Input no check foresaw (a huge number), and a price list file that is
        # wrong (PriceListError is a ValueError): one line, no trace.
        echo_err(f"bbdispatch: {err}")
        return EXIT_ERROR
    except Exception as err:
        # A malformed CSV file: only a command that read one has loaded ``csv``
        # (the phone path starts without it, issue 13).
        csv = sys.modules.get("csv")
        if csv is None or not isinstance(err, csv.Error):
            raise
        echo_err(f"bbdispatch: {err}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        return EXIT_PIPE
    except OSError as err:
        quiet_stdout()
        echo_err(f"bbdispatch: {stdout_failed(err)}")
        return EXIT_ERROR
    return code


async def _guarded(main: Callable[[], Awaitable[int | None]]) -> int | None:
    return await main()


def echo(line: str = "") -> None:
    """Print one line of a command's output, every stored value in it shown literally.

    The only way commands print: terminal control characters in names and
    descriptions are shown as placeholders (``␛``), and a line break inside a
    value becomes a space, so one record stays one line for the scripts that read it.
    A reader that went away ends the command quietly (see :func:`run`).
    """
    _write(printable(line))


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make a (sub)parser report bad arguments in one line on stderr, exit 2.

    ``bbdispatch clients show: argument ID: not an id: 'abc'``: the command and
    what is wrong, without the usage block, so a script's log holds one line
    (``--help`` still shows the usage). :func:`bbdispatch.cli.build_parser`
    applies it to every parser, so a new subcommand cannot forget it.
    """

    def error(message: str) -> NoReturn:
        echo_err(f"{parser.prog}: {message}")
        raise SystemExit(EXIT_USAGE)

    def print_message(message: str, file: IO[str] | None = None) -> None:
        # argparse drops a failed write of ``--help`` silently (exit 0, nothing
        # shown): it goes to :func:`to_a_reader` like any other output instead.
        if message:
            out = file or sys.stdout
            out.write(message)
            out.flush()

    parser.error = error  # type: ignore[method-assign]
    parser._print_message = print_message  # type: ignore[method-assign,assignment]
    return parser


def echo_err(line: str) -> None:
    """Print one line on stderr, like :func:`echo` (messages quote what was typed)."""
    print(printable(line), file=sys.stderr)


def print_json(data: Any) -> None:
    """Print JSON for scripts: UTF-8, two-space indent, control characters escaped."""
    _write(json_text(data))
