"""RODO: export everything about a person; erase leaves no byte of them in the file."""

from __future__ import annotations

import io
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.callbacks import NewCallback
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind, ClientStatus
from bbdispatch.domain.errors import NotAllowed
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority
from bbdispatch.pricelist import PriceList
from bbdispatch.services.clients import create_client
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import change_status
from bbdispatch.services.import_clients import drop_dead_imports, import_clients, parse_client_csv
from bbdispatch.services.intake import IntakeRequest, record_ring, save_intake
from bbdispatch.services.privacy import erase_client, export_client
from bbdispatch.services.statements import issue_statement
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import imports as import_store
from bbdispatch.storage import people as people_store
from bbdispatch.storage.database import HIGH_WATER_TABLES, Database
from bbdispatch.storage.imports import StagedClient

SECRETS = [
    "Zofia Przykładowa", "zofia.przykladowa@poczta.example", "+48509876543", "509876543",
    "Zenon Przykładowy", "Wyciek danych z laptopa Zosi", "ul. Sekretna 13",
    "Zosia dzwoniła dwa razy",
]  # fmt: skip
"""What the test person gave the firm; none of it may survive an erasure."""


async def add_person_with_history(ctx: Ctx, when: datetime) -> tuple[int, int]:
    client_id = await create_client(
        ctx,
        NewClient(
            kind=ClientKind.PRIVATE, name="Zofia Przykładowa", street="ul. Sekretna 13",
            city="Warszawa", email="zofia.przykladowa@poczta.example",
            phones=(("+48509876543", ""),), notes="Zosia dzwoniła dwa razy",
            status=ClientStatus.ACTIVE,
        ),
    )  # fmt: skip
    await record_ring(ctx, "509 876 543")
    await record_ring(ctx, "+48 509 876 543")
    job = NewJob(
        client_id=client_id, description="Wyciek danych z laptopa Zosi", mode=JobMode.REMOTE,
        priority=Priority.NORMAL, category=Category.SOFTWARE, caller_phone="+48509876543",
        caller_name="Zenon Przykładowy", agreed_rate=None,
    )  # fmt: skip
    result = await save_intake(
        ctx, IntakeRequest(job=job, client_id=client_id, received_at=when - timedelta(hours=1))
    )
    assert result.job_id is not None
    await save_intake(
        ctx,
        IntakeRequest(
            job=None, client_id=client_id, raw_number="509 876 543",
            callback=NewCallback("Wyciek danych z laptopa Zosi", when, name="Zenon Przykładowy"),
        ),
    )  # fmt: skip
    anna = await people_store.person_by_login(ctx.db, "anna")
    assert anna is not None
    await add_entry(
        ctx, job_id=result.job_id, technician_id=anna.id, started_at=when,
        ended_at=when + timedelta(hours=1), description="Wyciek danych z laptopa Zosi: skan",
        mode=JobMode.REMOTE,
    )  # fmt: skip
    # Erasure is for a person the firm no longer serves: the job is closed.
    await change_status(ctx, result.job_id, JobStatus.CANCELLED, "test")
    return client_id, result.job_id


def raw_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            data += extra.read_bytes()
    return data


async def test_erase_leaves_no_byte_of_a_person_with_calls_and_jobs(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    client_id, _job = await add_person_with_history(ctx, clock.now() - timedelta(days=2))
    await db.close()
    before = raw_bytes(demo_db_path)
    assert all(s.encode() in before for s in SECRETS[:2])  # the test can fail

    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    done = await erase_client(ctx, client_id)
    assert not done.kept_for_accounting and done.leftovers == () and done.wal_cleared
    audit = await db.fetch_all(
        "SELECT action, detail FROM audit_log WHERE entity = 'client' AND entity_id = ?",
        (client_id,),
    )
    assert ("privacy_erased", "{}") in [tuple(r) for r in audit]
    assert all(r[1] == "{}" for r in audit)  # the audit says it happened, not what
    await db.close()

    after = raw_bytes(demo_db_path)
    for secret in SECRETS:
        assert secret.encode() not in after, secret
    assert b"Zofia" not in after and b"Sekretna" not in after
    print(f"erase: {len(SECRETS)} details, 0 bytes of them left in {len(after)} bytes of file")


async def test_a_person_with_an_issued_statement_keeps_only_what_the_law_requires(
    demo_db_path: Path, prices: PriceList
) -> None:
    clock = FrozenClock(datetime(2026, 10, 10, 9, 0, tzinfo=FIRM_ZONE))
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    client_id, job_id = await add_person_with_history(ctx, clock.now() - timedelta(days=3))
    clock.advance(timedelta(days=30))
    await issue_statement(ctx, client_id, date(2026, 10, 1), date(2026, 10, 31))
    done = await erase_client(ctx, client_id)
    assert done.kept_for_accounting and done.statements == 1 and done.leftovers == ()
    client = await db.fetch_one("SELECT * FROM client WHERE id = ?", (client_id,))
    assert client is not None and client["name"] == "Zofia Przykładowa"  # on the statement
    assert client["email"] == "" and client["notes"] == ""
    job = await db.fetch_one("SELECT * FROM job WHERE id = ?", (job_id,))
    assert job is not None and job["caller_name"] == "" and job["caller_phone"] is None
    assert (
        await db.fetch_value("SELECT count(*) FROM client_phone WHERE client_id = ?", (client_id,))
        == 0
    )
    calls = await db.fetch_value("SELECT count(*) FROM call_log WHERE e164 = '+48509876543'")
    assert calls == 0
    await db.close()
    after = raw_bytes(demo_db_path)
    for secret in ("zofia.przykladowa@poczta.example", "Zenon Przykładowy", "509876543"):
        assert secret.encode() not in after, secret


async def test_export_holds_everything_and_both_are_for_admins(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    client_id, job_id = await add_person_with_history(demo_ctx, clock.now() - timedelta(days=2))
    data = await export_client(demo_ctx, client_id)
    text = json.dumps(data, ensure_ascii=False)
    for secret in SECRETS:
        assert secret in text, secret
    assert [j["id"] for j in data["jobs"]] == [job_id]
    assert len(data["calls"]) >= 2 and data["work_entries"]
    anna = demo_ctx.acting_as("anna")
    with pytest.raises(NotAllowed):
        await export_client(anna, client_id)
    with pytest.raises(NotAllowed):
        await erase_client(anna, client_id)
    exported = await demo_ctx.db.fetch_value(
        "SELECT detail FROM audit_log WHERE action = 'privacy_exported' AND entity_id = ?",
        (client_id,),
    )
    assert exported == "{}"


def test_privacy_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo_db_path = tmp_path / "firm.db"
    assert main(["--db", str(demo_db_path), "demo"]) == 0  # the running login is its admin
    conn = sqlite3.connect(demo_db_path)
    (wojcik,) = conn.execute("SELECT id FROM client WHERE name = 'Ewa Wójcik'").fetchone()
    conn.close()
    wojcik = str(wojcik)
    capsys.readouterr()
    assert main(["--db", str(demo_db_path), "privacy", "export", "--client", wojcik]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["client"][0]["name"] == "Ewa Wójcik"
    assert main(["--db", str(demo_db_path), "privacy", "erase", "--client", wojcik, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "erased" in out
    assert (
        main(["--db", str(demo_db_path), "privacy", "erase", "--client", "9999", "--yes"]) == 2
    )  # a flag naming nothing
    assert "No client with id 9999" in capsys.readouterr().err


async def test_the_byte_check_sees_rows_deleted_without_secure_delete(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """The check above can fail: a plain DELETE leaves the bytes in the file."""
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    client_id, _job = await add_person_with_history(ctx, clock.now() - timedelta(days=2))
    async with db.transaction():
        await db.execute("PRAGMA secure_delete = OFF")
        await db.execute("DELETE FROM callback")  # they point at the calls
        await db.execute("DELETE FROM call_log WHERE raw_number = '509 876 543'")
    await db.close()
    assert client_id and b"509 876 543" in raw_bytes(demo_db_path)


async def test_ids_of_an_erased_person_are_never_given_out_again(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    """The highest client and job erased: the next ones get new ids, and a clean export."""
    client_id, job_id = await add_person_with_history(demo_ctx, clock.now() - timedelta(days=2))
    await erase_client(demo_ctx, client_id)
    clock.advance(timedelta(minutes=5))
    new_id, new_job = await add_person_with_history(demo_ctx, clock.now() - timedelta(days=1))
    assert new_id > client_id and new_job > job_id
    data = await export_client(demo_ctx, new_id)
    actions = [row["action"] for row in data["audit"]]
    assert "privacy_erased" not in actions
    assert {row["entity_id"] for row in data["audit"] if row["entity"] == "client"} == {new_id}


async def test_no_id_of_anything_erased_is_given_out_again(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    """Callbacks, time entries and charges too (migration 012 covered four tables only)."""
    await add_person_with_history(demo_ctx, clock.now() - timedelta(days=2))
    kinds = ("callback", "work_entry", "charge", "call_log", "client", "job")
    newest = "SELECT coalesce(max(id), 0) FROM {}"
    before = {k: await demo_ctx.db.fetch_value(newest.format(k)) for k in kinds}
    client_id = await demo_ctx.db.fetch_value("SELECT max(id) FROM client")
    await erase_client(demo_ctx, client_id)
    for kind in kinds:  # the erased person's rows were the newest of each kind
        assert await demo_ctx.db.fetch_value(newest.format(kind)) < before[kind]
    clock.advance(timedelta(minutes=5))
    await add_person_with_history(demo_ctx, clock.now() - timedelta(days=1))
    after = {k: await demo_ctx.db.fetch_value(newest.format(k)) for k in kinds}
    assert all(after[k] > before[k] for k in kinds), (before, after)


async def test_every_table_with_ids_users_see_keeps_a_high_water_mark(ctx: Ctx) -> None:
    """A new table with ids must join ``id_high_water`` (migration 016) or say why not."""
    internal = {
        "client_phone": "numbers are shown by value, their ids never",
        "job_status_change": "a job's history, shown by time",
        "statement_settlement": "part of an issued statement, never erased",
        "audit_log": "the chain's own ids: a deleted row breaks the chain",
    }
    tables = await ctx.db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'client_search%'"
    )
    with_ids = set()
    for (name,) in tables:
        columns = await ctx.db.fetch_all(f"PRAGMA table_info({name})")
        if any(c["name"] == "id" and c["pk"] for c in columns):
            with_ids.add(name)
    marked = {r[0] for r in await ctx.db.fetch_all("SELECT entity FROM id_high_water")}
    assert with_ids - set(internal) == marked
    assert marked == HIGH_WATER_TABLES


async def test_export_leaves_out_an_erased_person_whose_id_was_reused(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    """A database that reused an id before migration 012: the export still tells them apart."""
    client_id, job_id = await add_person_with_history(demo_ctx, clock.now() - timedelta(days=2))
    await erase_client(demo_ctx, client_id)
    async with demo_ctx.db.transaction():
        for table in ("client", "job"):
            await demo_ctx.db.execute(
                f"UPDATE id_high_water SET last_id = (SELECT coalesce(max(id), 0) FROM {table})"
                " WHERE entity = ?",
                (table,),
            )
    clock.advance(timedelta(minutes=5))
    new_id, new_job = await add_person_with_history(demo_ctx, clock.now() - timedelta(days=1))
    assert (new_id, new_job) == (client_id, job_id)  # reused, as the old schema did
    data = await export_client(demo_ctx, new_id)
    actions = [row["action"] for row in data["audit"]]
    assert "privacy_erased" not in actions
    erased_at = await demo_ctx.db.fetch_value(
        "SELECT max(id) FROM audit_log WHERE action = 'privacy_erased'"
    )
    assert data["audit"] and all(row["id"] > erased_at for row in data["audit"])


def test_the_audit_chain_verifies_after_an_erasure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Erasing blanks audit details; the hash chain still verifies (exit 0)."""
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "demo"]) == 0
    conn = sqlite3.connect(db)
    (top,) = conn.execute("SELECT max(id) FROM client").fetchone()
    conn.close()
    assert main(["--db", str(db), "privacy", "erase", "--client", str(top), "--yes"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "audit", "verify"]) == 0, capsys.readouterr()


def test_an_erase_with_leftovers_never_says_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A killed import's staging rows kept a copy: stdout must not claim "erased everywhere"."""
    from bbdispatch.commands import privacy as command
    from bbdispatch.services.privacy import ErasureDone

    async def erased_but_staged(ctx: Ctx, client_id: int, **_: bool) -> ErasureDone:
        return ErasureDone(client_id, False, 0, ("import_row.payload",), True)

    monkeypatch.setattr(command, "erase_client", erased_but_staged)
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "demo"]) == 0
    conn = sqlite3.connect(db)
    (client,) = conn.execute("SELECT min(id) FROM client WHERE kind = 'private'").fetchone()
    conn.close()
    capsys.readouterr()
    assert main(["--db", str(db), "privacy", "erase", "--client", str(client), "--yes"]) == 1
    seen = capsys.readouterr()
    assert "everywhere" not in seen.out.replace("not everywhere", "")
    assert "run the erase again" in seen.out and "import_row.payload" in seen.err


IMPORTER = textwrap.dedent(
    """
    import asyncio, sys
    from bbdispatch.clock import SystemClock
    from bbdispatch.domain.rights import Principal
    from bbdispatch.pricelist import load_pricelist
    from bbdispatch.services.context import Ctx
    from bbdispatch.services.import_clients import import_clients, parse_client_csv
    from bbdispatch.storage.database import Database

    async def main(path, csv_path):
        db = await Database.open(path, create=False)
        ctx = Ctx(db=db, clock=SystemClock(), prices=load_pricelist(), actor="tester",
                  fallback=Principal.SYSTEM)
        with open(csv_path, encoding="utf-8") as f:
            rows = parse_client_csv(f.read())
        await import_clients(ctx, rows, source="klienci.csv", chunk=1, pause=0.3)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)
ZOFIA_ROW = "Zofia Przykładowa,private,509 876 543,zofia.przykladowa@poczta.example,Warszawa"
ZOFIA = NewClient(
    kind=ClientKind.PRIVATE, name="Zofia Przykładowa", city="Warszawa",
    email="zofia.przykladowa@poczta.example", phones=(("+48509876543", ""),),
    status=ClientStatus.ACTIVE,
)  # fmt: skip
MARKERS = [b"zofia", b"przyk", b"509876543", b"poczta.example"]
"""What of her a staged row, its search entry or her client record holds (lower case)."""


def lock_files(folder: Path) -> list[Path]:
    return list(folder.glob("*.import-*.lock"))


def kill_import_while_staging(db_path: Path, tmp_path: Path) -> None:
    """Start an import of a file with Zofia in a process; kill -9 it once she is staged."""
    csv = tmp_path / "klienci.csv"
    csv.write_text(
        "name,kind,phone,email,city\n"
        + ZOFIA_ROW
        + "\n"
        + "".join(f"Firma Testowa {n},company,,,Łódź\n" for n in range(40)),
        encoding="utf-8",
    )
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(db_path), str(csv)])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the import ended before it was killed"
            conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                staged = conn.execute(
                    "SELECT count(*) FROM import_row WHERE payload LIKE '%Zofia%'"
                ).fetchone()[0]
            except sqlite3.OperationalError:
                staged = 0
            finally:
                conn.close()
            if staged:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("Zofia was never staged")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


async def test_erase_after_a_killed_import_leaves_no_byte_of_the_person(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Killed with kill -9 while staging: erase at once (not 10 minutes later) leaves nothing.

    The killed import's staged row and search entry hold her name, number and
    e-mail; she became a client meanwhile (a call) and asks to be erased.
    """
    kill_import_while_staging(demo_db_path, tmp_path)
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
        client_id = await create_client(ctx, ZOFIA)
        sql = "SELECT count(*) FROM import_row WHERE payload LIKE '%Zofia%'"
        assert await db.fetch_value(sql) == 1  # the test can fail: her staged row is there
        done = await erase_client(ctx, client_id)
        assert done.leftovers == () and done.wal_cleared, done
        assert await db.fetch_value("SELECT count(*) FROM import_row") == 0
        sql = "SELECT count(*) FROM import_batch WHERE state = 'staging'"
        assert await db.fetch_value(sql) == 0
    finally:
        await db.close()
    after = raw_bytes(demo_db_path).lower()
    for marker in MARKERS:
        assert marker not in after, marker
    assert lock_files(tmp_path) == []


async def test_the_next_import_cleans_up_a_killed_one_at_once(
    demo_db_path: Path, tmp_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    kill_import_while_staging(demo_db_path, tmp_path)
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
        summary = await import_clients(ctx, parse_client_csv("name\nFirma Nowa\n"), pause=0)
        assert summary.added == 1
        assert await db.fetch_value("SELECT count(*) FROM import_row") == 0
        sql = "SELECT count(*) FROM import_batch WHERE state <> 'done'"
        assert await db.fetch_value(sql) == 0
        assert await db.fetch_value("SELECT count(*) FROM client WHERE name LIKE 'Zofia%'") == 0
    finally:
        await db.close()
    assert lock_files(tmp_path) == []


async def test_erase_leaves_a_running_import_alone_and_says_so(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """A live import's staged rows are not dropped under it; the erasure names where she stays."""
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
        async with db.transaction():
            batch = await import_store.create_batch(db, "klienci.csv", "tester", clock.now())
            hold = await import_store.hold_batch(db, batch)
            first = await client_store.reserve_client_ids(db, 1)
            await import_store.stage_clients(db, batch, [StagedClient(2, ZOFIA, first)])
            await client_store.index_staged(db, batch, first, first)
        client_id = await create_client(ctx, ZOFIA)
        done = await erase_client(ctx, client_id)
        assert "import_row.payload" in done.leftovers
        assert await import_store.rows_left(db, batch) == 1
        await hold.release(finished=False)  # the import gave up
        assert await drop_dead_imports(ctx) == 1
        assert await import_store.get_batch(db, batch) is None
    finally:
        await db.close()


def _client_row(db: Path, client_id: int) -> tuple[str, str] | None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT name, email FROM client WHERE id = ?", (client_id,)).fetchone()
    finally:
        conn.close()
    return None if row is None else (row[0], row[1])


class _Terminal:
    """Stdin as a person at a terminal: it is a tty and gives one typed line."""

    def __init__(self, line: str) -> None:
        self.line = line

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.line


@pytest.mark.parametrize(
    ("client_id", "reasons"),
    [
        (1, ["is a company", "running contracts (BB/2026/001)", "open jobs (12)", "--sole-trader"]),
        (7, ["is a company", "running contracts (BB/2026/007)"]),
        (11, ["open jobs (17)"]),
    ],
)
def test_erase_refuses_a_company_or_a_client_still_served(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], client_id: int, reasons: list[str]
) -> None:
    """The tester erased a company with a running contract: now refused with every reason."""
    before = _client_row(demo_db_path, client_id)
    args = ["--db", str(demo_db_path), "privacy", "erase", "--client", str(client_id), "--yes"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not erased" in err
    assert all(r in err for r in reasons), err
    assert _client_row(demo_db_path, client_id) == before


def test_a_sole_trader_recorded_as_a_company_is_erased_when_the_admin_says_so(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", str(demo_db_path), "privacy", "erase", "--client", "9", "--yes"]
    assert main(args) == 1  # Auto Serwis Wiśniewski: a company, nothing running
    assert "--sole-trader" in capsys.readouterr().err
    assert main([*args, "--sole-trader"]) == 0
    assert _client_row(demo_db_path, 9) is None


def test_erase_asks_for_the_name_on_a_terminal_and_refuses_a_script_without_yes(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jan Kowalski (10), a private person with nothing running."""
    args = ["--db", str(demo_db_path), "privacy", "erase", "--client", "10"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a script: no terminal
    assert main(args) == 2
    assert "--yes" in capsys.readouterr().err
    assert _client_row(demo_db_path, 10) is not None
    monkeypatch.setattr(sys, "stdin", _Terminal("Jan Kowal\n"))
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Jan Kowalski" in err and "nothing was erased" in err
    assert _client_row(demo_db_path, 10) is not None
    monkeypatch.setattr(sys, "stdin", _Terminal("  jan   KOWALSKI\n"))
    assert main(args) == 0
    assert "erased everywhere" in capsys.readouterr().out
    assert _client_row(demo_db_path, 10) is None


REPRO = ["Zbyszek Repro1", "nie odbiera Zbyszek Repro2", "Zbyszek Repro3 umowiony",
         "Zbyszek Repro4 bez klienta", "Repro5 wpis usunięty"]  # fmt: skip
"""Callback notes and work-entry text of a person, each only in an audit detail after it."""


async def add_callbacks_and_entries(ctx: Ctx, client_id: int, job_id: int) -> None:
    """Callbacks (by client and by the person's own number only) tried, made; an entry deleted."""
    from bbdispatch.services.callbacks import add_callback, attempt_callback, finish_callback
    from bbdispatch.services.my_entries import delete_my_entry

    due = ctx.clock.now() + timedelta(hours=1)
    by_client = await add_callback(
        ctx, NewCallback("oddzwonić", due, client_id=client_id, name=REPRO[0])
    )
    await attempt_callback(ctx, by_client, note=REPRO[1])
    await finish_callback(ctx, by_client, REPRO[2])
    by_number = await add_callback(
        ctx, NewCallback("oddzwonić na numer", due, e164="+48509876543", name="x")
    )
    await finish_callback(ctx, by_number, REPRO[3])
    anna = await people_store.person_by_login(ctx.db, "anna")
    assert anna is not None
    when = ctx.clock.now() - timedelta(days=1)
    entry = await add_entry(
        ctx, job_id=job_id, technician_id=anna.id, started_at=when,
        ended_at=when + timedelta(minutes=30), description=REPRO[4], mode=JobMode.REMOTE,
    )  # fmt: skip
    await delete_my_entry(ctx.acting_as("anna"), anna, entry)


async def test_erase_empties_the_audit_of_callbacks_and_work_entries(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """A callback's notes and a deleted entry's text lived on in audit details after erasure."""
    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    client_id, job_id = await add_person_with_history(ctx, clock.now() - timedelta(days=2))
    await add_callbacks_and_entries(ctx, client_id, job_id)
    await db.close()
    before = raw_bytes(demo_db_path)
    assert all(marker.encode() in before for marker in REPRO)  # the test can fail

    db = await Database.open(demo_db_path)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    done = await erase_client(ctx, client_id)
    assert done.leftovers == () and done.wal_cleared
    await db.close()
    after = raw_bytes(demo_db_path)
    for marker in [*REPRO, "Repro"]:
        assert marker.encode() not in after, marker


async def test_export_holds_everything_the_erasure_removes(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    """Callbacks for the person's own number and the audit of callbacks and entries are exported."""
    from bbdispatch.storage import privacy as privacy_store

    client_id, job_id = await add_person_with_history(demo_ctx, clock.now() - timedelta(days=2))
    await add_callbacks_and_entries(demo_ctx, client_id, job_id)
    data = await export_client(demo_ctx, client_id)
    text = json.dumps(data, ensure_ascii=False)
    for marker in REPRO:
        assert marker in text, marker
    fp = await privacy_store.footprint(demo_ctx.db, client_id)
    exported = {(row["entity"], row["entity_id"]) for row in data["audit"]}
    for entity, ids in fp.audit_subjects():
        held = await demo_ctx.db.fetch_all(
            "SELECT DISTINCT entity_id FROM audit_log WHERE entity = ?", (entity,)
        )
        for (entity_id,) in [tuple(r) for r in held]:
            if entity_id in ids:
                assert (entity, entity_id) in exported, (entity, entity_id)
    assert {c["id"] for c in data["callbacks"]} == set(fp.callback_ids)
    assert len(fp.callback_ids) >= 3 and fp.work_entry_ids
    erased = await erase_client(demo_ctx, client_id)
    assert erased.leftovers == ()
    for entity, ids in fp.audit_subjects():
        for entity_id in ids:
            details = await demo_ctx.db.fetch_all(
                "SELECT detail FROM audit_log WHERE entity = ? AND entity_id = ?"
                " AND action <> 'privacy_erased'",
                (entity, entity_id),
            )
            assert all(r[0] == "{}" for r in details), (entity, entity_id)


async def test_an_erased_name_cannot_be_confirmed_from_the_audit_digest(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    """Guessing an erased detail and hashing it must not match the digest the row keeps."""
    from bbdispatch.domain.audit_chain import digest
    from bbdispatch.services.audit import verify_trail

    client_id = await create_client(
        demo_ctx,
        NewClient(
            kind=ClientKind.PRIVATE, name="Zbigniew Unikatowy", city="Warszawa",
            phones=(("+48509111222", ""),), status=ClientStatus.ACTIVE,
        ),
    )  # fmt: skip
    quoting = await demo_ctx.db.fetch_all(
        "SELECT id, detail FROM audit_log WHERE instr(detail, 'Unikatowy') > 0"
    )
    assert quoting  # the test can fail: the name is in a detail before the erasure
    guesses = {int(r[0]): str(r[1]) for r in quoting}
    await erase_client(demo_ctx, client_id)
    for row_id, guess in guesses.items():
        row = await demo_ctx.db.fetch_one(
            "SELECT detail, detail_salt, detail_digest FROM audit_log WHERE id = ?", (row_id,)
        )
        assert row is not None and row["detail"] == "{}" and row["detail_salt"] is None
        assert digest(guess) != row["detail_digest"], row_id
        assert digest(guess, row["detail_salt"]) != row["detail_digest"], row_id
    check = await verify_trail(demo_ctx)
    assert check.ok and check.erased >= len(guesses)


def _keep_reading(db: Path, seconds: float) -> tuple[sqlite3.Connection, threading.Thread]:
    """Another program's read transaction on ``db``, ended after ``seconds`` in a thread."""
    reader = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM client").fetchone()

    def end() -> None:
        time.sleep(seconds)
        reader.execute("COMMIT")

    thread = threading.Thread(target=end)
    thread.start()
    return reader, thread


def _private_person_in_the_wal(db: Path) -> tuple[sqlite3.Connection, int]:
    """A private person added while another program keeps the database open (the WAL stays)."""
    keeper = sqlite3.connect(db)
    keeper.execute("SELECT 1 FROM client").fetchone()
    assert main(["--db", str(db), "clients", "add", "--kind", "private",
                 "--name", "Zbigniew Walowy"]) == 0  # fmt: skip
    (client,) = keeper.execute("SELECT id FROM client WHERE name = 'Zbigniew Walowy'").fetchone()
    assert b"Walowy" in Path(f"{db}-wal").read_bytes()  # the test can fail
    return keeper, int(client)


def test_erase_waits_out_a_short_read_and_empties_the_wal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A read ending within a second no longer leaves the erased name in the -wal file."""
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "demo"]) == 0
    keeper, client = _private_person_in_the_wal(db)
    reader, thread = _keep_reading(db, 0.5)
    capsys.readouterr()
    assert main(["--db", str(db), "privacy", "erase", "--client", str(client), "--yes"]) == 0
    thread.join()
    out = capsys.readouterr().out
    assert "erased everywhere" in out and "-wal" not in out
    assert b"Walowy" not in raw_bytes(db)
    reader.close()
    keeper.close()


def test_erase_under_a_long_read_says_until_when_the_wal_keeps_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the note promises is true: the copies leave when the last program closes."""
    from bbdispatch.services import privacy as service

    monkeypatch.setattr(service, "WAL_WAIT_SECONDS", 0.3)
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "demo"]) == 0
    keeper, client = _private_person_in_the_wal(db)
    reader, thread = _keep_reading(db, 1.0)
    capsys.readouterr()
    assert main(["--db", str(db), "privacy", "erase", "--client", str(client), "--yes"]) == 0
    thread.join()
    out = capsys.readouterr().out
    assert "until every program using the database has closed it" in out
    assert "next checkpoint" not in out  # a later PASSIVE checkpoint does not clear it
    reader.close()
    keeper.close()
    assert b"Walowy" not in raw_bytes(db)
