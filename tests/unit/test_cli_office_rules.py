"""The office's rules a fresh tester found broken from the command line (issue 14).

A fee on a block, a contract dated 2020, a second starter contract, the
"individual" product, an assessment without needs, ``time edit`` with the end
before the start, and ``%``/``_`` in a search: each is exit 2 naming the flag,
and nothing is written.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FIRM_ZONE
from tests.unit.test_cli_office import cli, cli_json, db, new_private, week_ago, yesterday

__all__ = ["db"]  # the fixture, shared with the office's other command tests


def rows(path: str, sql: str, *params: object) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def one_line(err: str, flag: str) -> None:
    assert err.startswith(f"bbdispatch: {flag}: "), err
    assert err.count("\n") == 1 and "Traceback" not in err


def company(path: str, capsys: pytest.CaptureFixture[str], name: str = "Biuro Lis") -> int:
    return int(cli_json(path, capsys, "clients", "add", "--kind", "company", "--name", name)["id"])


def annas_job(db: str, capsys: pytest.CaptureFixture[str]) -> int:
    """A private client's job received a week ago and assigned to anna: its id."""
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--received-at", week_ago(), "--client",
                   str(client_id), "--description", "x")["id"]  # fmt: skip
    cli(db, capsys, "jobs", "assign", str(job), "--to", "anna")
    return int(job)


def test_a_fee_on_a_block_is_refused_not_dropped(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = company(db, capsys)
    for product in ("starter-10h", "network-1h"):
        err = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
                  product, "--fee", "500", code=2)  # fmt: skip
        one_line(err, "--fee")
        assert "IT administration" in err
    assert rows(db, "SELECT count(*) FROM contract") == [(0,)]
    signed = cli_json(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
                      "it-admin", "--fee", "900")  # fmt: skip
    assert rows(db, "SELECT net_grosze FROM contract WHERE id = ?", signed["id"]) == [(90000,)]


@pytest.mark.parametrize("starts", ["2020-01-01", "01.01.2035"])
def test_a_start_years_away_is_refused(
    db: str, capsys: pytest.CaptureFixture[str], starts: str
) -> None:
    client_id = company(db, capsys)
    err = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
              "starter-10h", "--starts", starts, code=2)  # fmt: skip
    one_line(err, "--starts")
    assert "a year" in err
    assert rows(db, "SELECT count(*) FROM contract") == [(0,)]


def test_a_start_a_few_months_back_is_signed(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = company(db, capsys)
    starts = (datetime.now(FIRM_ZONE).date() - timedelta(days=90)).isoformat()
    cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product", "starter-10h",
        "--starts", starts)  # fmt: skip
    assert rows(db, "SELECT starts_on FROM contract") == [(starts,)]


def test_the_starter_is_signed_once_per_client(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = company(db, capsys)
    first = cli_json(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
                     "starter-10h")  # fmt: skip
    err = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
              "starter-10h", code=2)  # fmt: skip
    one_line(err, "--product")
    assert first["number"] in err and "once per client" in err
    assert rows(db, "SELECT count(*) FROM contract") == [(1,)]
    other = company(db, capsys, "Biuro Nowak")  # another client still gets its own
    cli(db, capsys, "contracts", "sign", "--client", str(other), "--product", "starter-10h")
    assert rows(db, "SELECT count(*) FROM contract") == [(2,)]


def test_individual_prices_are_agreed_on_jobs_not_signed(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)
    err = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
              "individual", "--fee", "350", code=2)  # fmt: skip
    one_line(err, "--product")
    assert "agreed on each job" in err
    assert rows(db, "SELECT count(*) FROM contract") == [(0,)]


def test_an_assessment_is_its_rules_the_needs_are_optional(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue names ``assessments add --client ID --rules TEXT``: it required --needs too."""
    client_id = company(db, capsys)
    out = cli(db, capsys, "assessments", "add", "--client", str(client_id), "--rules",
              "Awarie do 2 h")  # fmt: skip
    assert out.startswith("assessment ") and out.count("\n") == 1
    assert rows(db, "SELECT needs, rules FROM needs_assessment") == [
        ("Awarie do 2 h", "Awarie do 2 h")
    ]  # the needs on file are the rules
    # The assessment is on file: a service contract may be signed.
    cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product", "service-50h")
    assert "Awarie do 2 h" in cli(db, capsys, "clients", "show", str(client_id))
    cli(db, capsys, "assessments", "add", "--client", str(client_id), "--rules", "Awarie do 4 h",
        "--needs", "Serwer plików")  # fmt: skip
    assert rows(db, "SELECT needs, rules FROM needs_assessment ORDER BY id")[-1] == (
        "Serwer plików", "Awarie do 4 h"
    )  # fmt: skip
    err = cli(db, capsys, "assessments", "add", "--client", str(client_id), "--rules", "x",
              "--needs", " ", code=2)  # fmt: skip
    one_line(err, "--needs")


def test_an_assessment_reads_its_needs_from_standard_input(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client_id = company(db, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO("Serwer plików,\n12 stanowisk\n"))
    cli(db, capsys, "assessments", "add", "--client", str(client_id), "--rules",
        "Awarie do 2 h", "--needs", "-")  # fmt: skip
    assert rows(db, "SELECT needs, rules FROM needs_assessment") == [
        ("Serwer plików,\n12 stanowisk", "Awarie do 2 h")
    ]


def test_time_edit_with_the_end_before_the_start_names_the_flag(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
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
    )
    cli(db, capsys, "jobs", "assign", str(job["id"]), "--to", "anna")
    entry = cli_json(db, capsys, "time", "add", "--job", str(job["id"]), "--from",
                     yesterday(10), "--to", yesterday(11), "--text", "Naprawa", "--tech",
                     "anna")["id"]  # fmt: skip
    before = rows(db, "SELECT started_at, ended_at FROM work_entry")
    one_line(cli(db, capsys, "time", "edit", str(entry), "--to", yesterday(9), code=2), "--to")
    one_line(cli(db, capsys, "time", "edit", str(entry), "--from", yesterday(12), code=2),
             "--from")  # fmt: skip
    err = cli(db, capsys, "time", "add", "--job", str(job["id"]), "--from", yesterday(14),
              "--to", yesterday(13), "--text", "x", "--tech", "anna", code=2)  # fmt: skip
    one_line(err, "--to")
    assert rows(db, "SELECT started_at, ended_at FROM work_entry") == before


def test_an_end_in_the_future_exits_2_naming_to(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``time add`` / ``time edit`` with a future end exited 1 without naming the flag."""
    job = annas_job(db, capsys)
    tomorrow = (datetime.now(FIRM_ZONE) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    err = cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(10), "--to",
              tomorrow, "--text", "Naprawa", "--tech", "anna", code=2)  # fmt: skip
    one_line(err, "--to")
    assert "future" in err
    assert rows(db, "SELECT count(*) FROM work_entry") == [(0,)]
    entry = cli_json(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(10),
                     "--to", yesterday(11), "--text", "Naprawa", "--tech", "anna")["id"]  # fmt: skip
    one_line(cli(db, capsys, "time", "edit", str(entry), "--to", tomorrow, code=2), "--to")


@pytest.mark.parametrize("text", ["%", "_", "%%%", "___", "a%", "!"])
def test_search_wildcards_match_literally(
    db: str, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    new_private(db, capsys)
    company(db, capsys)
    assert cli_json(db, capsys, "clients", "--search", text) == []


def test_a_name_with_a_percent_sign_is_found_by_it(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    new_private(db, capsys)
    wanted = company(db, capsys, "Rabat 50% sp. z o.o.")
    assert [c["id"] for c in cli_json(db, capsys, "clients", "--search", "50%")] == [wanted]
    assert [c["id"] for c in cli_json(db, capsys, "clients", "--search", "0%")] == [wanted]


def test_search_finds_the_city_and_the_email(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    jan = new_private(db, capsys)  # Kraków
    ewa = int(cli_json(db, capsys, "clients", "add", "--kind", "private", "--name", "Ewa Lis",
                       "--city", "Łódź", "--email", "ewa@lis.pl")["id"])  # fmt: skip
    assert [c["id"] for c in cli_json(db, capsys, "clients", "--search", "krakow")] == [jan]
    assert [c["id"] for c in cli_json(db, capsys, "clients", "--search", "LODZ lis")] == [ewa]
    assert [c["id"] for c in cli_json(db, capsys, "clients", "--search", "lis.pl")] == [ewa]
    assert cli_json(db, capsys, "clients", "--search", "krakow ewa") == []
    cli(db, capsys, "clients", "edit", str(ewa), "--city", "Gdańsk", "--email", "")
    assert cli_json(db, capsys, "clients", "--search", "lodz") == []
    assert [c["id"] for c in cli_json(db, capsys, "clients", "--search", "gdansk")] == [ewa]


def test_a_second_it_administration_over_the_same_months_is_refused(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = company(db, capsys)
    today = datetime.now(FIRM_ZONE).date()
    first = cli_json(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
                     "it-admin", "--starts", today.isoformat(), "--fee", "500")  # fmt: skip
    # Starting later still overlaps an open-ended contract; so does one ending inside it.
    later = (today + timedelta(days=40)).isoformat()
    for starts in (today.isoformat(), later):
        err = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
                  "it-admin", "--starts", starts, "--fee", "500", code=2)  # fmt: skip
        one_line(err, "--product/--starts")
        assert first["number"] in err and "twice" in err
    assert rows(db, "SELECT count(*) FROM contract") == [(1,)]
    # Once the first ends (an end date agreed), a new one may start the day after; another client is unaffected.
    ends = today + timedelta(days=30)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE contract SET ends_on = ? WHERE id = ?", (ends.isoformat(), first["id"])
        )
    err = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product", "it-admin",
              "--starts", ends.isoformat(), "--fee", "500", code=2)  # fmt: skip
    one_line(err, "--product/--starts")
    cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product", "it-admin",
        "--starts", (ends + timedelta(days=1)).isoformat(), "--fee", "600")  # fmt: skip
    other = company(db, capsys, "Biuro Nowak")
    cli(db, capsys, "contracts", "sign", "--client", str(other), "--product", "it-admin",
        "--fee", "500")  # fmt: skip
    assert rows(db, "SELECT count(*) FROM contract WHERE kind = 'monthly'") == [(3,)]


def test_jobs_edit_contract_says_where_the_time_stayed(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``jobs edit --contract`` said "contract" changed while the contract's dates undid it."""
    client_id = company(db, capsys)
    tomorrow = (datetime.now(FIRM_ZONE) + timedelta(days=1)).date().isoformat()
    contract = cli_json(db, capsys, "contracts", "sign", "--client", str(client_id),
                        "--product", "starter-10h", "--starts", tomorrow)["id"]  # fmt: skip
    job = cli_json(db, capsys, "jobs", "add", "--received-at", week_ago(), "--client",
                   str(client_id), "--description", "x")["id"]  # fmt: skip
    cli(db, capsys, "jobs", "assign", str(job), "--to", "anna")
    cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(10), "--to",
        yesterday(11), "--text", "Naprawa", "--tech", "anna")  # fmt: skip
    main_args = ["--db", db, "jobs", "edit", str(job), "--contract", str(contract)]
    assert main(main_args) == 0
    out, err = capsys.readouterr()
    assert out == f"job {job} edited: contract\n"
    assert err.startswith("warning: BB/") and err.count("\n") == 1, err
    assert "cannot take job" in err and "stays without a contract" in err
    assert rows(db, "SELECT contract_id, basis FROM charge") == [(None, "uncovered")]


def test_signing_an_expired_contract_with_the_move_says_why_nothing_moved(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "No uncovered time within its dates or hours" for work within its dates."""
    client_id = company(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--received-at", week_ago(), "--client",
                   str(client_id), "--description", "x")["id"]  # fmt: skip
    cli(db, capsys, "jobs", "assign", str(job), "--to", "anna")
    day = (datetime.now(FIRM_ZONE) - timedelta(days=3)).date()
    cli(db, capsys, "time", "add", "--job", str(job), "--from", f"{day}T10:00", "--to",
        f"{day}T11:00", "--text", "Naprawa", "--tech", "anna")  # fmt: skip
    out = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
              "starter-10h", "--starts", str(day - timedelta(days=2)), "--ends",
              str(day + timedelta(days=1)), "--move-uncovered")  # fmt: skip
    assert "within its dates" not in out
    assert "already expired" in out and "1 h stays uncovered" in out
    assert rows(db, "SELECT contract_id, basis FROM charge") == [(None, "uncovered")]


def test_a_monthly_fee_over_the_cap_is_refused_as_the_import_refuses_it(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14: ``--fee 1000000`` was signed; the import and ``jobs --price`` cap at 100 000."""
    client_id = company(db, capsys)
    err = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
              "it-admin", "--fee", "1000000", code=2)  # fmt: skip
    one_line(err, "--fee")
    assert "100" in err
    assert rows(db, "SELECT count(*) FROM contract") == [(0,)]
    signed = cli_json(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
                      "it-admin", "--fee", "100000")  # fmt: skip
    assert rows(db, "SELECT net_grosze FROM contract WHERE id = ?", signed["id"]) == [(10000000,)]


def test_assigning_an_onsite_job_without_a_visit_is_exit_2_naming_visit(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14: ``jobs assign 30 --to marek`` on an on-site job exited 1."""
    client_id = company(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description",
                   "Drukarka", "--mode", "onsite")["id"]  # fmt: skip
    err = cli(db, capsys, "jobs", "assign", str(job), "--to", "anna", code=2)
    one_line(err, "--visit")
    assert rows(db, "SELECT technician_id FROM job WHERE id = ?", job) == [(None,)]


def test_time_add_without_tech_on_a_technicians_job_says_what_to_pass(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --tech the refusal said "This technician is not on job N" of nobody named."""
    job = annas_job(db, capsys)
    err = cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(10), "--to",
              yesterday(11), "--text", "Naprawa", code=2)  # fmt: skip
    one_line(err, "--tech")
    assert "not given" in err and "Anna Tech (login anna)" in err
    assert "This technician" not in err
    assert rows(db, "SELECT count(*) FROM work_entry") == [(0,)]
    cli(db, capsys, "time", "add", "--job", str(job), "--from", yesterday(10), "--to",
        yesterday(11), "--text", "Naprawa", "--tech", "anna")  # fmt: skip
    assert rows(db, "SELECT count(*) FROM work_entry") == [(1,)]


def test_an_exact_duplicate_private_person_is_refused_unless_asked_for(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``clients add`` took the same person (same name, same phone) twice without a word."""
    first = new_private(db, capsys)
    err = cli(db, capsys, "clients", "add", "--kind", "private", "--name", "jan łukasz  WÓJCIK",
              "--phone", "+48 601 100 200", code=2)  # fmt: skip
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"is client {first} already" in err and "601 100 200" in err
    assert "--duplicate" in err
    assert rows(db, "SELECT count(*) FROM client") == [(1,)]
    # Another number, or a company of that name, is no duplicate.
    cli(db, capsys, "clients", "add", "--kind", "private", "--name", "Jan Łukasz Wójcik",
        "--phone", "601 100 201")  # fmt: skip
    second = cli_json(db, capsys, "clients", "add", "--kind", "private", "--name",
                      "Jan Łukasz Wójcik", "--phone", "601 100 200", "--duplicate")["id"]  # fmt: skip
    assert rows(db, "SELECT count(*) FROM client") == [(3,)] and second != first
