"""An id beyond 64 bits is refused as a word is, the same on SQLite and PostgreSQL (issues 13/19).

Before, ``clients show 9223372036854775808`` (and every other command taking an
id) reached the database driver and ended with exit 1 and its own words:
SQLite's "Python int too large to convert to SQLite INTEGER", asyncpg's
"invalid input for query argument $1: … (value out of int64 range)". Now every
typed id is read by :func:`bbdispatch.domain.ids.parse_id` and refused with the
line a non-numeric id gets, exit 2, before the database is asked anything. The
largest possible id (2**63 - 1) is an id like any other: "No client with id …".
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bbdispatch.cli import build_parser, main
from bbdispatch.clock import FrozenClock
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.references import Ref, missing
from bbdispatch.storage.database import Database
from tests.storage.backends import BACKENDS, PostgresBackend

TOO_BIG = ("9223372036854775808", "99999999999999999999")
"""2**63 (one past the largest id) and a 20-digit number, the testers' examples."""
LARGEST = "9223372036854775807"

DAY = ("--from", "2026-11-02T08:00", "--to", "2026-11-02T09:00")
CASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("inventory load", "--job"): ("inventory", "load", "--job", "{id}", "export.csv"),
    ("inventory diff", "--client"): ("inventory", "diff", "--client", "{id}"),
    ("inventory show", "--client"): ("inventory", "show", "--client", "{id}"),
    ("contracts", "--client"): ("contracts", "--client", "{id}"),
    ("contracts sign", "--client"): (
        "contracts",
        "sign",
        "--client",
        "{id}",
        "--product",
        "starter-10h",
    ),  # fmt: skip
    ("contracts move", "id"): ("contracts", "move", "{id}"),
    ("contracts close", "id"): ("contracts", "close", "{id}", "--reason", "x", "--yes"),
    ("report statement", "--client"): (
        "report",
        "statement",
        "--client",
        "{id}",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
    ),  # fmt: skip
    ("report itadmin", "--client"): ("report", "itadmin", "--client", "{id}", "--month", "2026-11"),
    ("privacy export", "--client"): ("privacy", "export", "--client", "{id}"),
    ("privacy erase", "--client"): ("privacy", "erase", "--client", "{id}", "--yes"),
    ("clients show", "id"): ("clients", "show", "{id}"),
    ("clients edit", "id"): ("clients", "edit", "{id}", "--city", "Kraków"),
    ("clients archive", "id"): ("clients", "archive", "{id}"),
    ("clients reactivate", "id"): ("clients", "reactivate", "{id}"),
    ("assessments add", "--client"): ("assessments", "add", "--client", "{id}", "--rules", "x"),
    ("assessments waive", "--client"): (
        "assessments",
        "waive",
        "--client",
        "{id}",
        "--reason",
        "x",
    ),  # fmt: skip
    ("jobs", "--client"): ("jobs", "--client", "{id}"),
    ("jobs add", "--client"): ("jobs", "add", "--client", "{id}", "--description", "x"),
    ("jobs add", "--call"): ("jobs", "add", "--call", "{id}", "--description", "x"),
    ("jobs assign", "id"): ("jobs", "assign", "{id}", "--to", "anna"),
    ("jobs edit", "id"): ("jobs", "edit", "{id}", "--description", "x"),
    ("jobs edit", "--contract"): ("jobs", "edit", "1", "--contract", "{id}"),
    ("jobs status", "id"): ("jobs", "status", "{id}", "on_hold", "--reason", "x"),
    ("time add", "--job"): ("time", "add", "--job", "{id}", *DAY, "--text", "x"),
    ("time edit", "entry"): ("time", "edit", "{id}", "--text", "x"),
    ("calls note", "id"): ("calls", "note", "{id}", "x"),
    ("calls mark", "id"): ("calls", "mark", "{id}", "info"),
    ("callbacks add", "--client"): ("callbacks", "add", "--client", "{id}", "--reason", "x"),
    ("callbacks add", "--call"): ("callbacks", "add", "--call", "{id}", "--reason", "x"),
    ("callbacks done", "id"): ("callbacks", "done", "{id}", "--outcome", "x"),
    ("callbacks attempt", "id"): ("callbacks", "attempt", "{id}"),
    ("callbacks cancel", "id"): ("callbacks", "cancel", "{id}"),
}
"""Every command and flag (or positional) that takes a record's id, with the rest it needs."""

DRIVER_WORDS = ("int64", "SQLite", "INTEGER", "too large", "query argument", "Traceback")


def id_arguments() -> set[tuple[str, str]]:
    """Every (command, flag or positional) of the command line whose value is an id."""
    found: set[tuple[str, str]] = set()

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])
            elif action.metavar in ("ID", "ENTRY", "ID|none"):
                found.add((" ".join(path), action.option_strings[0] if action.option_strings
                           else action.dest))  # fmt: skip

    walk(build_parser(), [])
    return found


def test_every_argument_taking_an_id_is_in_the_sweep() -> None:
    assert id_arguments() == set(CASES)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo firm on each backend, built once by ``bbdispatch demo`` (nothing here writes)."""
    if request.param == "sqlite":
        where = str(tmp_path_factory.mktemp("bigids") / "demo.db")
    else:
        backend = BACKENDS["postgresql"]
        assert isinstance(backend, PostgresBackend)
        where = backend.server.url(backend.server.create(prefix="bigids"))
    assert main(["--db", where, "demo"]) == 0
    return where


def run(target: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> tuple[int, str]:
    """Exit code and stderr of ``bbdispatch --db TARGET ARGS`` (argparse's exit included)."""
    capsys.readouterr()
    try:
        code = main(["--db", target, *args])
    except SystemExit as done:
        code = int(done.code or 0)
    return code, capsys.readouterr().err


def refusal(command: str, where: str, value: str) -> str:
    """The line a non-numeric id gets today, with ``value`` in it."""
    if where == "--contract":
        return f"bbdispatch: --contract: Give a contract id or none, not '{value}'.\n"
    if (
        command.startswith(("report", "contracts"))
        and where == "--client"
        and command != ("contracts sign")
    ):
        return f"bbdispatch: --client: not a client id: '{value}'\n"
    name = where if where.startswith("--") else ("ENTRY" if where == "entry" else "ID")
    return f"bbdispatch {command}: argument {name}: not an id: '{value}'\n"


@pytest.mark.parametrize(("command", "where"), sorted(CASES))
def test_an_id_beyond_64_bits_is_refused_as_a_word_is(
    target: str, capsys: pytest.CaptureFixture[str], command: str, where: str, tmp_path: Path
) -> None:
    (tmp_path / "export.csv").write_text("Name,Version\n", encoding="utf-8")
    args = tuple(
        a.replace("export.csv", str(tmp_path / "export.csv")) for a in CASES[command, where]
    )
    for value in (*TOO_BIG, "abc"):
        code, err = run(target, capsys, tuple(a.replace("{id}", value) for a in args))
        assert (code, err) == (2, refusal(command, where, value))


@pytest.mark.parametrize(("command", "where"), sorted(CASES))
def test_the_largest_id_is_an_id_that_names_nothing(
    target: str, capsys: pytest.CaptureFixture[str], command: str, where: str, tmp_path: Path
) -> None:
    (tmp_path / "export.csv").write_text("Name,Version\n", encoding="utf-8")
    args = tuple(
        a.replace("export.csv", str(tmp_path / "export.csv")) for a in CASES[command, where]
    )
    code, err = run(target, capsys, tuple(a.replace("{id}", LARGEST) for a in args))
    assert code in (1, 2), err
    assert err.count("\n") == 1 and LARGEST in err, err
    assert not any(word in err for word in DRIVER_WORDS), err


async def test_the_reference_check_never_asks_storage_beyond_64_bits(
    target: str, clock: FrozenClock, prices: PriceList
) -> None:
    """Any int id past 2**63 - 1 is "No … N", however it arrived (not only through the parser)."""
    db = await Database.open(target)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
        said = {kind: await missing(ctx, kind, 2**64) for kind in (Ref.CLIENT, Ref.CONTRACT)}
        said[Ref.CALL] = await missing(ctx, Ref.CALL, 2**63)
        said[Ref.CALLBACK] = await missing(ctx, Ref.CALLBACK, 2**63)
    finally:
        await db.close()
    assert said == {
        Ref.CLIENT: f"No client with id {2**64}.",
        Ref.CONTRACT: f"No contract with id {2**64}.",
        Ref.CALL: f"No call {2**63}.",
        Ref.CALLBACK: f"No callback {2**63}.",
    }


async def test_the_palette_search_takes_a_number_beyond_64_bits(
    target: str, clock: FrozenClock, prices: PriceList
) -> None:
    """The TUI's one field that takes a typed job number (ctrl+p) finds nothing, with no error."""
    from bbdispatch.services.board import find

    db = await Database.open(target)
    try:
        found = []
        for login in ("beata", "anna"):  # a dispatcher, and a technician (own jobs only)
            ctx = Ctx(db=db, clock=clock, prices=prices, actor=login)
            found += [await find(ctx, value) for value in (*TOO_BIG, LARGEST, "#" + TOO_BIG[1])]
    finally:
        await db.close()
    assert [(f.clients, f.jobs) for f in found] == [([], [])] * 8


def test_a_limit_beyond_64_bits_lists_every_call(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``calls --limit`` past 2**63 - 1 lists all calls (it ended in the driver's overflow error)."""

    def calls(limit: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--db", target, "calls", "--limit", limit, "--json"])
        out, err = capsys.readouterr()
        return code, out, err

    for number in ("601 100 200", "22 628 12 34"):
        assert main(["--db", target, "ring", number]) == 0
    everything = calls("1000000")
    assert everything[0] == 0 and len(json.loads(everything[1])) > 1, everything
    for value in (*TOO_BIG, LARGEST):
        assert calls(value) == everything
