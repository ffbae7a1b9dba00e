"""Numbers and messages of the dispatcher's flow (issue 13)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.cli import main
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.errors import DomainError, FieldError, one_period
from bbdispatch.domain.people import Role
from bbdispatch.phones import InvalidPhoneNumber, is_caller_id, parse_phone, split_extension
from bbdispatch.services.clients import create_client, validate_new_client
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import (
    IntakeFieldError,
    IntakeRequest,
    get_call,
    lookup_number,
    record_ring,
    save_intake,
)
from bbdispatch.services.people import add_person
from tests.helpers import query


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("022 628 12 34", "+48226281234"),  # the trunk prefix of before 2005
        ("0601234567", "+48601234567"),
        ("22 628 12 34 wew. 12", "+48226281234"),
        ("22 628 12 34, wewn. 12", "+48226281234"),
        ("+48 22 628 12 34 ext. 7", "+48226281234"),
        ("0048 601 234 567", "+48601234567"),
    ],
)
async def test_trunk_prefix_and_extensions_find_the_client(
    demo_ctx: Ctx, raw: str, e164: str
) -> None:
    assert parse_phone(raw) == e164
    match = await lookup_number(demo_ctx, raw)
    assert [c.id for c in match.clients] == [1]  # Kancelaria Notarialna Nowak


async def test_ring_keeps_the_extension_on_the_call(demo_ctx: Ctx) -> None:
    call_id, match = await record_ring(demo_ctx, "22 628 12 34 wew. 12")
    assert match is not None
    call = await get_call(demo_ctx, call_id)
    assert (call.e164, call.client_id, call.raw_number) == (
        "+48226281234", 1, "22 628 12 34 wew. 12",
    )  # fmt: skip
    assert split_extension(call.raw_number) == ("22 628 12 34", "12")


@pytest.mark.parametrize(("raw", "names_a_caller"), [("", False), ("abc", False), ("   ", False),
                                                   ("anonymous", True), ("Zastrzeżony", True),
                                                   ("12", False), ("+48", False),
                                                   ("601234567abc", False),
                                                   ("22 628 12 34 wew. 12", True),
                                                   ("0601234567", True),
                                                   # possible, unknown to phonenumbers' data
                                                   ("+48 900 000 000", True)])  # fmt: skip
def test_what_names_a_caller(raw: str, names_a_caller: bool) -> None:
    assert is_caller_id(raw) is names_a_caller


@pytest.mark.parametrize("raw", ["", "   ", "abc", "601234567abc", "+48", "12"])
def test_ring_command_refuses_what_lookup_refuses_exits_2_and_logs_nothing(
    demo_template: Path, tmp_path: Path, raw: str
) -> None:
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    before = query(db, "SELECT count(*) AS n FROM call_log")[0]["n"]
    done = subprocess.run(
        [sys.executable, "-m", "bbdispatch", "--db", str(db), "ring", raw],
        capture_output=True, text=True, timeout=60, env=dict(os.environ), check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("bbdispatch: ring: ") and "nothing logged" in done.stderr
    # An empty number (issue 13: also one of spaces) is said in words, never quoted as ''.
    assert ("the number is empty" in done.stderr) is (not raw.strip())
    assert "''" not in done.stderr
    assert ("no digits" in done.stderr) is (raw == "abc")
    assert query(db, "SELECT count(*) AS n FROM call_log")[0]["n"] == before
    looked_up = subprocess.run(
        [sys.executable, "-m", "bbdispatch", "--db", str(db), "lookup", raw],
        capture_output=True, text=True, timeout=60, env=dict(os.environ), check=False,
    )  # fmt: skip
    assert looked_up.returncode == 2, looked_up.stdout  # the same text, the same refusal


def test_invalid_and_unknown_numbers_say_different_things() -> None:
    with pytest.raises(InvalidPhoneNumber) as invalid:
        parse_phone("60123456")
    assert "Not a valid phone number" in str(invalid.value)
    assert "9 digits" in str(invalid.value)
    assert "No such" not in str(invalid.value)


def test_a_name_ending_in_a_period_ends_the_message_once() -> None:
    assert one_period("belongs to Bilans sp. z o.o..") == "belongs to Bilans sp. z o.o."
    assert one_period("Wait...") == "Wait..."
    assert str(FieldError("nip", "belongs to X sp. z o.o..")) == "belongs to X sp. z o.o."


async def test_taken_nip_message_has_one_period(demo_ctx: Ctx) -> None:
    with pytest.raises(DomainError) as taken:
        await create_client(
            demo_ctx, NewClient(kind=ClientKind.COMPANY, name="Copy", nip="6762455328")
        )
    assert str(taken.value).endswith("sp. z o.o.")
    assert not str(taken.value).endswith("..")


def test_postcode_must_be_nn_nnn() -> None:
    with pytest.raises(FieldError) as bad:
        validate_new_client(NewClient(kind=ClientKind.COMPANY, name="Roza", postal_code="ABC"))
    assert bad.value.field == "postal_code"
    ok = validate_new_client(NewClient(kind=ClientKind.COMPANY, name="R", postal_code=" 00-950 "))
    assert ok.postal_code == "00-950"


async def test_intake_refuses_a_bad_postcode_at_the_field(demo_ctx: Ctx) -> None:
    new = NewClient(kind=ClientKind.COMPANY, name="Kwiaciarnia", postal_code="ABC")
    with pytest.raises(IntakeFieldError) as bad:
        await save_intake(demo_ctx, IntakeRequest(job=None, new_client=new, raw_number="500600700"))
    assert bad.value.field == "postal_code"


@pytest.mark.parametrize("login", ["Zła Nazwa", "Anna", "1anna", "-x", "a" * 40])
async def test_people_add_takes_only_os_logins(demo_ctx: Ctx, login: str) -> None:
    with pytest.raises(FieldError) as bad:
        await add_person(demo_ctx, login, "Someone", Role.TECHNICIAN)
    assert bad.value.field == "login"


async def test_people_add_accepts_a_plain_login(demo_ctx: Ctx) -> None:
    assert await add_person(demo_ctx, "jan.kowalski", "Jan Kowalski", Role.TECHNICIAN) > 0


async def test_a_withheld_number_is_still_a_call(demo_ctx: Ctx) -> None:
    call_id, match = await record_ring(demo_ctx, "anonymous")
    assert match is None
    assert (await get_call(demo_ctx, call_id)).raw_number == "anonymous"


def test_the_phone_path_imports_only_its_own_command() -> None:
    """``lookup``/``ring`` imported every command (the demo builder and more) on each call."""
    code = (
        "import sys; from bbdispatch.cli import build_parser, _phone_command;"
        "cmd = _phone_command(['--db', 'x.db', 'ring', '601']); build_parser((cmd,));"
        "print(cmd, 'bbdispatch.services.demo' in sys.modules,"
        " 'bbdispatch.commands.report' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["ring", "False", "False"]


HEAVY_FOR_A_LOOKUP = (
    "platformdirs", "stdnum", "importlib.resources", "babel", "textual", "html", "tempfile",
    "zipfile", "tomllib", "hashlib", "bbdispatch.pricelist", "bbdispatch.services.contracts",
    "bbdispatch.domain.ledger", "bbdispatch.domain.statements", "bbdispatch.domain.board",
    "bbdispatch.services.clients", "bbdispatch.services.jobs", "bbdispatch.services.intake",
    "bbdispatch.services.audit", "bbdispatch.domain.audit_chain", "bbdispatch.storage.callbacks",
    "holidays", "asyncpg", "psycopg", "json", "csv", "shlex", "zoneinfo",
    "bbdispatch.domain.job_edits", "bbdispatch.domain.client_details",
    "bbdispatch.domain.callbacks", "bbdispatch.domain.lifecycle", "bbdispatch.domain.labels",
)  # fmt: skip
"""Modules ``lookup`` has no use for, even showing a dispatcher the caller's contracts and
open jobs; each cost its start-up time (issue 13: ≤ 1.5× a bare script). No price list
(the phone path prices nothing), no Babel (hours below 1000 need no locale data), no
audit trail (nothing is written), no PostgreSQL driver on a SQLite file, no holiday
calendar, and no ``json``/``csv``/``shlex`` unless the output or an error needs them. No
time zone (it shows no time), and none of the forms that write clients, jobs or callbacks:
each frozen dataclass costs about half a millisecond to build (:mod:`bbdispatch.lazy`)."""

HEAVY_FOR_A_RING = (
    *HEAVY_FOR_A_LOOKUP, "decimal", "bbdispatch.domain.jobs", "bbdispatch.domain.contracts",
    "bbdispatch.storage.jobs", "bbdispatch.services.caller_card",
)  # fmt: skip
"""A ``ring`` also needs no job, contract or money module: it logs one call."""


def test_a_ring_loads_no_module_it_does_not_use(demo_db_path: Path) -> None:
    code = (
        "import sys, io, contextlib; from bbdispatch.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--db', {str(demo_db_path)!r}, 'ring', '601234567'])\n"
        f"print([m for m in {HEAVY_FOR_A_RING!r} if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert query(demo_db_path, "SELECT count(*) FROM call_log WHERE raw_number = '601234567'")[0][
        0
    ]  # and it did log the call


def test_a_lookup_loads_no_module_it_does_not_use(demo_db_path: Path) -> None:
    code = (
        "import sys, io, contextlib; from bbdispatch.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main(['--db', {str(demo_db_path)!r}, 'lookup', '601234567'])\n"
        f"print([m for m in {HEAVY_FOR_A_LOOKUP!r} if m in sys.modules])\n"
        "print(out.getvalue())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, shown = done.stdout.split("\n", 1)
    assert loaded == "[]"
    # and it did look the caller up, contracts and hours left included
    assert "Kancelaria Notarialna Nowak" in shown and " left" in shown, shown
    # a product reads by name, never as its code, though no price list was read
    assert "service-50h" not in shown and "50 h" in shown, shown


HEAVY_FOR_A_DISPATCHERS_LOOKUP = (
    "shutil", "bz2", "lzma", "bbdispatch.storage.audit", "bbdispatch.domain.audit_chain",
    "bbdispatch.domain.audit", "bbdispatch.services.audit", "bbdispatch.domain.jobs",
    "bbdispatch.storage.jobs", "bbdispatch.domain.calls", "bbdispatch.storage.calls",
)  # fmt: skip
"""What a dispatcher's ``lookup`` still has no use for: checking the one audit row that
records their role needs the chain's hashing and ``json``, not the audit trail's modules;
argparse's help width needs no ``shutil`` (which loads bz2 and lzma); counting the caller's
open jobs decodes no job; a lookup logs no call."""


def test_a_dispatchers_lookup_checks_the_role_without_the_audit_modules(
    demo_db_path: Path,
) -> None:
    import sqlite3

    from bbdispatch.services.people import os_login
    from bbdispatch.storage import bulk

    conn = sqlite3.connect(demo_db_path, isolation_level=None)
    bulk.ensure_dispatcher(conn, os_login(), "Dyspozytor Testowy")
    conn.close()
    code = (
        "import sys, io, contextlib; from bbdispatch.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main(['--db', {str(demo_db_path)!r}, 'lookup', '601234567'])\n"
        f"print([m for m in {HEAVY_FOR_A_DISPATCHERS_LOOKUP!r} if m in sys.modules],"
        " 'bbdispatch.storage.role_records' in sys.modules)\n"
        "print(out.getvalue())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, shown = done.stdout.split("\n", 1)
    assert loaded == "[] True"  # the role was checked, with nothing more than that needs
    assert "Kancelaria Notarialna Nowak" in shown and " left" in shown, shown


def test_a_malformed_csv_still_ends_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """``csv`` is no longer imported up front: its errors still end a command in one line."""
    import csv

    from bbdispatch.commands.common import EXIT_ERROR, run

    async def body() -> int:
        raise csv.Error("field larger than field limit (131072)")

    assert run(body) == EXIT_ERROR
    assert capsys.readouterr().err == "bbdispatch: field larger than field limit (131072)\n"


def test_other_unexpected_errors_are_not_swallowed() -> None:
    from bbdispatch.commands.common import run

    async def body() -> int:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run(body)


def test_the_phone_path_starts_without_the_cyclic_collector(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ring``/``lookup`` import some three hundred modules; the collector ran over their
    objects again and again during that second (issue 13: ≤ 1.5× a bare script). Other
    commands (imports, the TUI) keep it, and the caller gets it back."""
    import gc

    import bbdispatch.commands.ring as ring_command

    seen: list[bool] = []
    real = ring_command.record_ring

    async def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return await real(*args, **kwargs)

    monkeypatch.setattr(ring_command, "record_ring", spy)
    assert gc.isenabled()
    assert main(["--db", str(demo_db_path), "ring", "601234567"]) == 0
    assert seen == [False]
    assert gc.isenabled()


def test_a_ring_process_ends_without_walking_its_modules_objects(demo_db_path: Path) -> None:
    """``python -m bbdispatch ring`` (and the console script) freezes the collector before
    the interpreter's teardown: its last collections walked every object of some three
    hundred modules, a sixth of the call's CPU time (issue 13). The call is logged and
    printed as before."""
    code = (
        "import atexit, gc, runpy, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        f"sys.argv = ['bbdispatch', '--db', {str(demo_db_path)!r}, 'ring', '601234567']\n"
        "runpy.run_module('bbdispatch', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("call ") and done.stdout.endswith("frozen True\n"), done.stdout
    assert query(demo_db_path, "SELECT count(*) FROM call_log WHERE raw_number = '601234567'")[0][0]


def test_the_technicians_workspace_runs_with_the_cyclic_collector(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``tech`` starts the way the phone path does, but it runs all day: with the collector
    off, each reload's cyclic garbage stayed for the whole session (RSS grew with every
    commit of another process)."""
    import gc

    import bbdispatch.launch as launch

    seen: list[tuple[str, bool]] = []

    def fake_tui(args: Any, mode: str) -> int:
        seen.append((mode, gc.isenabled()))
        return 0

    monkeypatch.setattr(launch, "run_tui", fake_tui)
    assert main(["--db", str(demo_db_path), "tech", "--as", "anna"]) == 0
    assert seen == [("technician", True)]
    assert gc.isenabled()
