"""The office's commands: clients, assessments, contracts sign, jobs, time.

Each runs through ``bbdispatch.cli.main`` on a fresh database where the OS login
running the tests is a dispatcher, as a script on the office's machine would.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FIRM_ZONE
from bbdispatch.services.people import os_login


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "office.db")
    assert main(["--db", path, "init", "--admin", "boss"]) == 0
    # Root (the tests' account) acts as admin until it is a person itself, then as that person.
    assert main(["--db", path, "people", "add", "anna", "Anna Tech", "--role", "technician"]) == 0
    assert main(["--db", path, "people", "add", os_login(), "Office", "--role", "dispatcher"]) == 0
    capsys.readouterr()
    return path


def cli(db: str, capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> str:
    try:
        result = main(["--db", db, *args])
    except SystemExit as done:  # argparse refusing an argument
        result = int(done.code or 0)
    out, err = capsys.readouterr()
    assert result == code, err
    return out if code == 0 else err


def cli_json(db: str, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    return json.loads(cli(db, capsys, *args, "--json"))


def yesterday(hour: int, minute: int = 0) -> str:
    day = datetime.now(FIRM_ZONE).date() - timedelta(days=1)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def week_ago() -> str:
    """A job's received moment well before the work the tests record (work before it is refused)."""
    day = datetime.now(FIRM_ZONE).date() - timedelta(days=8)
    return f"{day.isoformat()}T07:00"


def new_private(db: str, capsys: pytest.CaptureFixture[str]) -> int:
    return int(
        cli_json(
            db, capsys, "clients", "add", "--kind", "private", "--name", "Jan Łukasz Wójcik",
            "--phone", "601 100 200=komórka", "--city", "Kraków", "--postal-code", "30-001",
        )["id"]
    )  # fmt: skip


def test_clients_add_list_and_search_every_word_without_polish_letters(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)
    found = cli_json(db, capsys, "clients", "--search", "wojcik jan")
    assert [c["id"] for c in found] == [client_id]
    assert found[0]["phones"] == [{"e164": "+48601100200", "label": "komórka", "contact": ""}]
    assert cli_json(db, capsys, "clients", "--search", "601 100 200")[0]["id"] == client_id
    assert cli_json(db, capsys, "clients", "--search", "wojcik anna") == []
    assert "Jan Łukasz Wójcik" in cli(db, capsys, "clients")


def test_clients_show_edit_archive_reactivate(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    out = cli(db, capsys, "clients", "edit", str(client_id), "--email", "jan@example.pl")
    assert out == f"client {client_id} edited: e-mail\n"  # the field in words, not its code
    shown = cli_json(db, capsys, "clients", "show", str(client_id))
    assert shown["email"] == "jan@example.pl" and shown["city"] == "Kraków"
    assert shown["phones"][0]["e164"] == "+48601100200"  # not given: kept
    assert cli_json(db, capsys, "clients", "archive", str(client_id))["status"] == "archived"
    err = cli(db, capsys, "clients", "archive", str(client_id), code=1)
    assert "already archived" in err
    assert cli_json(db, capsys, "clients", "reactivate", str(client_id))["status"] == "prospect"


@pytest.mark.parametrize(
    ("flags", "field"),
    [
        (["--postal-code", "30001"], "--postal-code"),
        (["--nip", "123-456-78-90"], "--nip"),
        (["--email", "jan(at)example.pl"], "--email"),
        (["--phone", "12"], "--phone"),
    ],
)
def test_bad_client_input_is_exit_2_and_one_line_naming_the_field(
    db: str, capsys: pytest.CaptureFixture[str], flags: list[str], field: str
) -> None:
    err = cli(db, capsys, "clients", "add", "--kind", "company", "--name", "X", *flags, code=2)
    assert err.count("\n") == 1 and field in err and "Traceback" not in err


def test_bad_ids_and_times_are_exit_2_naming_the_flag(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = cli(db, capsys, "jobs", "add", "--client", "x", "--description", "y", code=2)
    assert err.count("\n") == 1 and "--client" in err
    err = cli(db, capsys, "time", "add", "--job", "1", "--from", "yesterday", "--to", "x",
              "--text", "t", code=2)  # fmt: skip
    assert err.count("\n") == 1 and "--from" in err
    err = cli(db, capsys, "jobs", "add", "--client", "1", "--description", "y", "--price", "1",
              "--rate", "2", code=2)  # fmt: skip
    assert err.count("\n") == 1 and "--rate" in err


def test_empty_texts_name_their_own_flag(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The tester's examples: ``--rules ""`` blamed ``--needs``; ``--text ""`` named nothing."""
    client_id = new_private(db, capsys)
    err = cli(db, capsys, "assessments", "add", "--client", str(client_id), "--rules", "",
              code=2)  # fmt: skip
    assert err.startswith("bbdispatch: --rules: ") and err.count("\n") == 1
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    cli(db, capsys, "jobs", "assign", str(job["id"]), "--to", "anna")
    err = cli(db, capsys, "time", "add", "--job", str(job["id"]), "--from", yesterday(10),
              "--to", yesterday(11), "--text", " ", "--tech", "anna", code=2)  # fmt: skip
    assert err.startswith("bbdispatch: --text: ") and err.count("\n") == 1


def test_private_job_at_an_agreed_price_bills_the_price_not_the_hours(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--received-at", week_ago(), "--client", str(client_id), "--description",
                   "Laptop nie startuje", "--price", "350")["id"]  # fmt: skip
    assert "anna" in cli(db, capsys, "jobs", "assign", str(job), "--to", "anna")
    cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(10), "--to",
        yesterday(11, 30), "--text", "Naprawa", "--tech", "anna")  # fmt: skip
    listed = cli_json(db, capsys, "jobs", "--client", str(client_id))
    assert listed[0]["price"] == "350.00" and listed[0]["rate"] is None
    assert listed[0]["technician"] == "anna" and listed[0]["status"] == "assigned"
    assert datetime.fromisoformat(listed[0]["received_at"]).utcoffset() is not None
    day = yesterday(0)[:10]
    statement = json.loads(cli(db, capsys, "report", "statement", "--client", str(client_id),
                               "--from", day, "--to", day, "--format", "json"))  # fmt: skip
    assert statement["totals"]["net"] == "350.00"


def test_company_signs_the_starter_and_its_first_job_lands_on_it(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    company = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Lis",
                       "--nip", "526-000-12-46")["id"]  # fmt: skip
    out = cli(db, capsys, "contracts", "sign", "--client", str(company), "--product",
              "starter-10h", "--starts", yesterday(0)[:10])  # fmt: skip
    assert "Lis" in out and "net 600.00 PLN, VAT 138.00 PLN, gross 738.00 PLN" in out
    job = cli_json(db, capsys, "jobs", "add", "--received-at", week_ago(), "--client", str(company), "--description",
                   "Drukarka")["id"]  # fmt: skip
    entry = cli_json(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(12),
                     "--to", yesterday(13), "--text", "Drukarka", "--tech", "anna")["id"]  # fmt: skip
    contracts = cli_json(db, capsys, "contracts", "--client", str(company))
    assert contracts[0]["code"] == "starter-10h" and contracts[0]["hours_used"] == "1.00"
    cli(db, capsys, "time", "edit", str(entry), "--to", yesterday(13, 30))
    assert cli_json(db, capsys, "contracts", "--client", str(company))[0]["hours_used"] == "1.50"


def test_service_contract_needs_an_assessment_and_it_admin_a_fee(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    company = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Lis")["id"]
    err = cli(db, capsys, "contracts", "sign", "--client", str(company), "--product",
              "service-50h", code=2)  # fmt: skip
    assert "needs assessment" in err
    cli_json(db, capsys, "assessments", "add", "--client", str(company), "--rules", "Backup",
             "--needs", "Kopie zapasowe")  # fmt: skip
    signed = cli_json(db, capsys, "contracts", "sign", "--client", str(company), "--product",
                      "service-50h")  # fmt: skip
    assert signed["number"].startswith("BB/")
    err = cli(db, capsys, "contracts", "sign", "--client", str(company), "--product", "it-admin",
              code=2)  # fmt: skip
    assert "--fee" in err
    cli(db, capsys, "contracts", "sign", "--client", str(company), "--product", "it-admin",
        "--fee", "800")  # fmt: skip


def test_uncovered_time_moves_onto_a_newly_signed_contract(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    company = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Lis")["id"]
    job = cli_json(
        db,
        capsys,
        "jobs",
        "add",
        "--received-at",
        week_ago(),
        "--client",
        str(company),
        "--description",
        "x",
    )["id"]
    cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(9), "--to",
        yesterday(10), "--text", "Serwis", "--tech", "anna")  # fmt: skip
    # Signed from the day of the work: only time within the contract's dates moves.
    signed = cli_json(db, capsys, "contracts", "sign", "--client", str(company), "--product",
                      "starter-10h", "--starts", yesterday(9)[:10], "--move-uncovered")  # fmt: skip
    assert signed["moved_minutes"] == 60


def test_job_status_needs_a_reason_to_cancel(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(
        db,
        capsys,
        "jobs",
        "add",
        "--received-at",
        week_ago(),
        "--client",
        str(client_id),
        "--description",
        "x",
    )["id"]
    err = cli(db, capsys, "jobs", "status", str(job), "cancelled", code=2)
    assert err.count("\n") == 1
    assert "--reason" in err
    cli(db, capsys, "jobs", "status", str(job), "cancelled", "--reason", "client withdrew")
    assert cli_json(db, capsys, "jobs", "--open") == []


def test_job_on_hold_needs_a_reason(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The tester's example: ``jobs status ID on_hold`` without ``--reason`` exited 0."""
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    cli(db, capsys, "jobs", "assign", str(job["id"]), "--to", "anna")
    err = cli(db, capsys, "jobs", "status", str(job["id"]), "on_hold", code=2)
    assert err.startswith("bbdispatch: --reason: ")
    assert err.count("\n") == 1
    assert cli_json(db, capsys, "jobs")[0]["status"] == "assigned"
    cli(db, capsys, "jobs", "status", str(job["id"]), "on_hold", "--reason", "parts")
    assert cli_json(db, capsys, "jobs")[0]["status"] == "on_hold"


def test_a_technician_may_not_handle_clients(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bbdispatch.commands.common.os_login", lambda: "anna")
    err = cli(db, capsys, "clients", code=1)
    assert "Not allowed: your role (technician) may not see clients." in err


def test_clients_show_gives_call_times_in_warsaw(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: call times were printed in UTC (``+00:00``)."""
    client_id = new_private(db, capsys)
    cli(db, capsys, "ring", "601 100 200")
    lines = [x for x in cli(db, capsys, "clients", "show", str(client_id)).splitlines()
             if x.lstrip().startswith("call ")]  # fmt: skip
    assert len(lines) == 1
    # A person reads Warsaw time as the session writes it (dd/mm/yyyy HH:MM in English);
    # --json keeps ISO with the offset.
    shown = cli_json(db, capsys, "clients", "show", str(client_id))["calls"][0]["received_at"]
    at = datetime.fromisoformat(shown)
    assert at.utcoffset() == datetime.now(FIRM_ZONE).utcoffset()
    assert lines[0].split()[1:3] == [at.strftime("%d/%m/%Y"), at.strftime("%H:%M")]


def test_a_private_client_with_a_nip_is_refused(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: ``--kind private --nip …`` dropped the NIP without a word."""
    err = cli(db, capsys, "clients", "add", "--kind", "private", "--name", "Jan Nowak",
              "--nip", "5260001246", code=2)  # fmt: skip
    assert err.startswith("bbdispatch: --nip: ") and err.count("\n") == 1
    assert cli_json(db, capsys, "clients") == []
    client_id = new_private(db, capsys)
    err = cli(db, capsys, "clients", "edit", str(client_id), "--nip", "5260001246", code=2)
    assert err.startswith("bbdispatch: --nip: ")
    company = cli_json(db, capsys, "clients", "edit", str(client_id), "--kind", "company",
                       "--nip", "5260001246")  # fmt: skip
    assert "nip" in company["changed"]


def test_a_company_made_private_keeps_its_nip_unless_told_to_drop_it(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: ``clients edit ID --kind private`` dropped the company's NIP."""
    company = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Lis",
                       "--nip", "5260001246")["id"]  # fmt: skip
    err = cli(db, capsys, "clients", "edit", str(company), "--kind", "private", code=2)
    assert err.startswith("bbdispatch: --kind: ") and err.count("\n") == 1
    assert "5260001246" in err and "--nip ''" in err
    assert cli_json(db, capsys, "clients", "show", str(company))["nip"] == "5260001246"
    done = cli_json(db, capsys, "clients", "edit", str(company), "--kind", "private", "--nip", "")
    assert done["changed"] == ["kind", "nip"]
    assert cli_json(db, capsys, "clients", "show", str(company))["nip"] is None


def test_jobs_json_names_the_contract_the_time_landed_on(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: a job billed to a contract still showed ``contract: null``."""
    company = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Lis")["id"]
    job = cli_json(
        db,
        capsys,
        "jobs",
        "add",
        "--received-at",
        week_ago(),
        "--client",
        str(company),
        "--description",
        "x",
    )["id"]
    cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(9), "--to",
        yesterday(10), "--text", "Serwis", "--tech", "anna")  # fmt: skip
    listed = cli_json(db, capsys, "jobs")[0]
    assert (listed["contract"], listed["charged_to"]) == (None, [])  # uncovered so far
    signed = cli_json(db, capsys, "contracts", "sign", "--client", str(company), "--product",
                      "starter-10h", "--starts", yesterday(9)[:10], "--move-uncovered")  # fmt: skip
    listed = cli_json(db, capsys, "jobs")[0]
    assert listed["contract"] == signed["number"]
    assert listed["charged_to"] == [signed["number"]]


@pytest.mark.parametrize(
    ("flag", "limit"),
    [("--name", 200), ("--street", 200), ("--city", 100), ("--email", 254),
     ("--contact", 200), ("--notes", 4000), ("--nip", 20), ("--postal-code", 10)],
)  # fmt: skip
def test_every_client_field_has_a_length_limit(
    db: str, capsys: pytest.CaptureFixture[str], flag: str, limit: int
) -> None:
    """The tester's example: a 10 000-character e-mail was accepted."""
    value = "a" * 9_988 + "@example.com" if flag == "--email" else "x" * 10_000
    args = ["--name", "Lis"] if flag != "--name" else []
    err = cli(db, capsys, "clients", "add", "--kind", "company", *args, flag, value, code=2)
    assert err.startswith(f"bbdispatch: {flag}: Too long: at most {limit} characters")
    assert err.count("\n") == 1 and len(err) < 200
    assert cli_json(db, capsys, "clients") == []


def test_a_client_with_open_jobs_is_not_archived(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: archiving a client with open jobs went through silently."""
    client_id = new_private(db, capsys)
    for text in ("Laptop", "Drukarka"):
        cli(db, capsys, "jobs", "add", "--client", str(client_id), "--description", text)
    err = cli(db, capsys, "clients", "archive", str(client_id), code=1)
    assert "has 2 open jobs" in err and err.count("\n") == 1
    for job in cli_json(db, capsys, "jobs", "--open"):
        cli(db, capsys, "jobs", "status", str(job["id"]), "cancelled", "--reason", "x")
    cli(db, capsys, "clients", "archive", str(client_id))
    assert cli_json(db, capsys, "clients", "show", str(client_id))["status"] == "archived"


def test_time_on_a_closed_job_ends_by_its_closing(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: ``time add`` took work done after the job was done or cancelled."""
    import sqlite3

    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--received-at", week_ago(),
                   "--client", str(client_id), "--description", "x")["id"]  # fmt: skip
    cli(db, capsys, "jobs", "status", str(job), "cancelled", "--reason", "client withdrew")
    closed = datetime.now(FIRM_ZONE).replace(second=0, microsecond=0) - timedelta(days=2)
    with sqlite3.connect(db) as conn:  # as if cancelled two days ago
        conn.execute("UPDATE job SET closed_at = ? WHERE id = ?",
                     (closed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), job))  # fmt: skip
    iso = "%Y-%m-%dT%H:%M"
    err = cli(db, capsys, "time", "add", "--job", str(job),
              "--from", closed.strftime(iso), "--to", (closed + timedelta(hours=1)).strftime(iso),
              "--text", "Po odwołaniu", "--tech", "anna", code=2)  # fmt: skip
    assert err.startswith(f"bbdispatch: --to: Job {job} was closed (cancelled) on ")
    assert "a new job" in err and err.count("\n") == 1
    out = cli(db, capsys, "time", "add", "--job", str(job),
              "--from", (closed - timedelta(hours=1)).strftime(iso), "--to", closed.strftime(iso),
              "--text", "Diagnoza przed odwołaniem", "--tech", "anna")  # fmt: skip
    assert out.startswith("entry ")


def test_clients_show_and_calls_text_say_what_json_says(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: ``clients show`` left out uncovered time, ``calls`` the number/source."""
    db = str(demo_db_path)
    assert main(["--db", db, "ring", "601 234 567"]) == 0
    capsys.readouterr()
    shown = cli(db, capsys, "clients", "show", "6")  # the demo's Lingwa: 2.25 h uncovered
    assert "  uncovered time: 2.25 h (no contract covers it)" in shown.splitlines()
    line = cli(db, capsys, "calls", "--limit", "1").splitlines()[0]
    assert "601 234 567" in line and "phone system" in line and "waiting" in line


def test_an_agreed_rate_bills_its_time_though_the_job_names_a_block(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's example: a job on a starter with a rate billed 0,25 h at 0,00 zł."""
    company = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Lis")["id"]
    signed = cli_json(db, capsys, "contracts", "sign", "--client", str(company), "--product",
                      "starter-10h", "--starts", week_ago()[:10])  # fmt: skip
    job = cli_json(db, capsys, "jobs", "add", "--received-at", week_ago(), "--client",
                   str(company), "--description", "Drukarka", "--rate", "80")["id"]  # fmt: skip
    cli(db, capsys, "jobs", "edit", str(job), "--contract", str(signed["id"]))
    cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(9), "--to",
        yesterday(9, 15), "--text", "Serwis", "--tech", "anna")  # fmt: skip
    listed = cli_json(db, capsys, "jobs")[0]
    assert (listed["rate"], listed["charged_to"]) == ("80.00", [])
    assert cli_json(db, capsys, "contracts", "--client", str(company))[0]["hours_used"] == "0.00"
    day = yesterday(0)[:10]
    statement = json.loads(cli(db, capsys, "report", "statement", "--client", str(company),
                               "--from", day, "--to", day, "--format", "json"))  # fmt: skip
    assert statement["totals"]["net"] == "20.00"


def test_calls_reads_a_call_left_being_taken_by_a_gone_process_as_interrupted(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: ``calls`` said "Being taken by hand (F2)" long after the process was killed."""
    import socket
    import sqlite3

    db = str(demo_db_path)
    assert main(["--db", db, "ring", "426 301 122"]) == 0
    capsys.readouterr()
    note = json.dumps(
        {
            "bb:msg": "call.being_taken_typed",
            "session": f"{socket.gethostname()}:1:0",
            "text": "Drukarka nie drukuje",
        }  # fmt: skip
    )
    with sqlite3.connect(demo_db_path) as conn:  # as an F2 intake killed with -9 left it
        conn.execute(
            "UPDATE call_log SET source = 'manual', note = ?"
            " WHERE id = (SELECT MAX(id) FROM call_log)",
            (note,),
        )
    line = cli(db, capsys, "calls", "--limit", "1").splitlines()[0]
    assert "Interrupted: the session ended before the call was saved: Drukarka nie drukuje" in line
    assert "Being taken" not in line
    # The state column says it too, as --json's "state" does (it said "waiting").
    assert " interrupted " in line and " waiting " not in line
    call = cli_json(db, capsys, "calls", "--limit", "1")[0]
    assert (call["outcome"], call["state"]) == ("pending", "interrupted")
    assert (call["note"], call["note_code"]) == (
        "Interrupted: the session ended before the call was saved: Drukarka nie drukuje",
        "call.interrupted_typed",
    )
