"""A malformed database URL gives one line naming the wrong part, exit 2, no password.

Issue 19 (found by a fresh tester): ``--db postgresql://user@host:notaport/db``
printed Python's ``invalid literal for int()``. Every malformed URL, wherever
it is given (``--db``, ``BBDISPATCH_DB``, ``migrate --to``) and whichever
front end reads it (a command, the dispatcher's TUI, the technician's), is
checked by the one parser, :func:`bbdispatch.database_url.parse_database_url`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.database_url import DatabaseUrlError, parse_database_url
from bbdispatch.paths import pg_side_folder
from bbdispatch.storage.postgres import public_url

MALFORMED = [
    # (URL, words the one line must hold: the part that is wrong)
    ("postgresql://user@host:notaport/db", "the port 'notaport'"),
    ("postgresql://anna:Sekret1@host:99999/db", "the port '99999'"),
    ("postgresql://anna:Sekret1@host:0/db", "the port '0'"),
    ("postgres://user@host:5432/", "no database is named"),
    ("postgresql://user@host", "no database is named"),
    ("mysql://user@host/db", "'mysql://'"),
    ("postgresql:/user@host/db", "'postgresql:' must be followed by two slashes"),
    ("postgres:user@host/db", "'postgres:' must be followed by two slashes"),
    ("http://host/db", "'http://'"),
    ("postgresql://us%zzer@host/db", "the user name has a '%'"),
    ("postgresql://anna:Sek%G1@host/db", "the password has a '%'"),
    ("postgresql://user@host/d%b", "the database name has a '%'"),
    ("postgresql://user@host/d%ff", "the database name is not UTF-8"),
    ("postgresql://user@ho%zst/db", "the host has a '%'"),
    ("postgresql://user@[::1/db", "the IPv6 address '[::1'"),
    ("postgresql://user@::1/db", "in brackets"),
    ("postgresql://user@h1,,h2/db", "a host in the list is empty"),
    ("postgresql://user@ho st/db", "a space"),
    ("postgresql://user@host/db#x", "'#'"),
    ("postgresql://user@host/db?sslmode=sometimes", "sslmode='sometimes'"),
    ("postgresql://user@host/db?port=abc", "the port 'abc'"),
    ("postgresql://user@host/db?sslmode", "the option 'sslmode' is not NAME=VALUE"),
    # A password holding '/' or '?' unescaped: its tail must not be quoted as a port.
    ("postgresql://anna:Sek/ret1@host/db", "'@' as %40"),
    ("postgresql://anna:Sek?ret1@host/db", "'@' as %40"),
    ("postgresql://anna:Sek@ret1@host/db", "'@' as %40"),
]


@pytest.mark.parametrize(("url", "part"), MALFORMED)
def test_a_command_names_the_wrong_part_in_one_line(
    url: str, part: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", url, "clients"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("bbdispatch: --db: ")
    assert part in err
    assert "Sek" not in err and "ret1" not in err  # no piece of the password
    assert "int()" not in err and "Traceback" not in err


@pytest.mark.parametrize(("url", "part"), MALFORMED)
def test_the_dispatcher_tui_names_the_wrong_part_before_it_starts(
    url: str, part: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and part in err and "Sek" not in err


def test_the_technician_tui_and_bbdispatch_db_say_where_the_url_came_from(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BBDISPATCH_DB", "postgresql://anna:Sekret1@host:notaport/db")
    for command in ([], ["tech"], ["clients"], ["ring", "601234567"], ["demo"]):
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert err == (
            "bbdispatch: BBDISPATCH_DB: the port 'notaport' is not a number from 1 to 65535 "
            "(in postgresql://anna:***@host:notaport/db)\n"
        ), command


def test_migrate_to_names_the_wrong_part(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for url, part in MALFORMED:
        assert main(["--db", str(demo_db_path), "migrate", "--to", url]) == 2, url
        err = capsys.readouterr().err
        assert err.startswith("bbdispatch: --to: ") and part in err, err
        assert err.count("\n") == 1 and "Sek" not in err


@pytest.mark.parametrize(
    ("url", "user", "hosts", "database"),
    [
        ("postgresql://postgres@127.0.0.1:5433/bbdispatch", "postgres",
         (("127.0.0.1", 5433),), "bbdispatch"),
        ("postgres://anna:p%40ss@db.firma/bb", "anna", (("db.firma", None),), "bb"),
        ("postgresql://u@[::1]:5433,db2:5434/bb", "u", (("::1", 5433), ("db2", 5434)), "bb"),
        ("postgresql:///bb", None, (), "bb"),
        ("postgresql://u@/bb?host=/run/postgresql", "u", (), "bb"),
        ("postgresql://u@h/?dbname=bb&sslmode=require", "u", (("h", None),), "bb"),
        ("postgresql://u@h:/b%C5%82%C4%85d", "u", (("h", None),), "błąd"),
    ],
)  # fmt: skip
def test_a_well_formed_url_is_read_as_the_driver_reads_it(
    url: str, user: str | None, hosts: tuple[tuple[str, int | None], ...], database: str
) -> None:
    parsed = parse_database_url(url)
    assert (parsed.user, parsed.hosts, parsed.database) == (user, hosts, database)


def test_messages_and_side_files_read_the_url_through_the_one_parser() -> None:
    assert public_url("postgresql://anna:secret@db.firma:5433/bb?password=x") == (
        "postgresql://anna@db.firma:5433/bb?password=***"
    )
    parsed = parse_database_url("postgresql://u@h1:5433,[::1]/bb")
    assert parsed.server == "h1:5433,[::1]:5432"
    assert pg_side_folder("postgresql://u@h1:5433,h2/bb").name == "h1_5433_h2_5432_bb"
    assert pg_side_folder("postgresql://u:pw@10.0.0.5:5433/bbdispatch").name == (
        "10.0.0.5_5433_bbdispatch"
    )
    with pytest.raises(DatabaseUrlError, match="the port 'x'"):
        pg_side_folder("postgresql://u@h:x/bb")
