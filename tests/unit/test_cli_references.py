"""A command naming a record that does not exist says which flag and exits 2, writing nothing.

Before, ``callbacks add --client 999`` printed the database's foreign-key error
(exit 1), and ``jobs edit --contract 9999`` or signing a service contract
without an assessment ended with exit 1 and no flag.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.unit.test_cli_office import cli, cli_json, db, new_private

__all__ = ["db"]


def count(path: str, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize(
    ("args", "flag", "what"),
    [
        (("callbacks", "add", "--client", "999", "--reason", "x"), "--client", "999"),
        (("callbacks", "add", "--call", "999", "--reason", "x"), "--call", "999"),
        (("jobs", "add", "--client", "999", "--description", "x"), "--client", "999"),
        (("jobs", "--client", "999"), "--client", "999"),
        (("contracts", "sign", "--client", "999", "--product", "starter-10h"), "--client", "999"),
        (("assessments", "add", "--client", "999", "--rules", "x"), "--client", "999"),
        (
            (
                "time",
                "add",
                "--job",
                "999",
                "--from",
                "2026-11-02T08:00",
                "--to",
                "2026-11-02T09:00",
                "--text",
                "x",
            ),
            "--job",
            "999",
        ),  # fmt: skip
    ],
)
def test_a_flag_naming_nothing_is_refused_naming_the_flag(
    db: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], flag: str, what: str
) -> None:
    err = cli(db, capsys, *args, code=2)
    assert err.startswith(f"bbdispatch: {flag}: "), err
    assert what in err and err.count("\n") == 1
    assert "FOREIGN KEY" not in err and "Traceback" not in err
    assert count(db, "callback") == 0 and count(db, "job") == 0


def test_ids_and_logins_naming_nothing_exit_2(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    job_id = str(job["id"])
    err = cli(db, capsys, "jobs", "edit", job_id, "--contract", "9999", code=2)
    assert err.startswith("bbdispatch: --contract: ") and "9999" in err
    err = cli(db, capsys, "jobs", "edit", job_id, "--tech", "nobody", code=2)
    assert err.startswith("bbdispatch: --tech: ") and "nobody" in err
    err = cli(db, capsys, "jobs", "assign", job_id, "--to", "nobody", code=2)
    assert err.startswith("bbdispatch: --to: ")
    for args in (
        ("jobs", "edit", "999", "--description", "y"),
        ("jobs", "status", "999", "done", "--reason", "x"),
        ("clients", "show", "999"),
        ("callbacks", "done", "999", "--outcome", "x"),
        ("calls", "note", "999", "x"),
        ("contracts", "close", "999", "--reason", "x"),
        ("time", "edit", "999", "--text", "y"),
    ):
        err = cli(db, capsys, *args, code=2)
        assert "999" in err and err.count("\n") == 1, args


def test_another_clients_contract_and_a_missing_assessment_name_the_flag(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Companies: a private person signs no contract (the price list's clients).
    first = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Lis")["id"]
    other = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Nowak sp.j.")
    signed = cli_json(db, capsys, "contracts", "sign", "--client", str(other["id"]),
                      "--product", "starter-10h")  # fmt: skip
    job = cli_json(db, capsys, "jobs", "add", "--client", str(first), "--description", "x")
    err = cli(db, capsys, "jobs", "edit", str(job["id"]), "--contract", str(signed["id"]), code=2)
    assert err.startswith("bbdispatch: --contract: ")
    err = cli(db, capsys, "contracts", "sign", "--client", str(first), "--product",
              "service-50h", code=2)  # fmt: skip
    assert err.startswith("bbdispatch: --product: ") and "assessment" in err
    assert count(db, "contract") == 1


def test_an_agreed_price_of_nothing_is_refused(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    for price in ("0", "0,00"):
        err = cli(db, capsys, "jobs", "edit", str(job["id"]), "--price", price, code=2)
        assert err.startswith("bbdispatch: --price: An agreed price is more than 0.00 PLN")
        err = cli(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "y",
                  "--price", price, code=2)  # fmt: skip
        assert err.startswith("bbdispatch: --price: ")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT agreed_price_grosze FROM job").fetchall() == [(None,)]
    cli(db, capsys, "jobs", "edit", str(job["id"]), "--rate", "0")  # free work: a rate of 0


def test_jobs_edit_names_the_fields_in_words(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x")
    out = cli(db, capsys, "jobs", "edit", str(job["id"]), "--price", "350", "--priority", "low")
    assert out == f"job {job['id']} edited: agreed price, priority\n"
    assert cli(db, capsys, "jobs", "edit", str(job["id"]), "--priority", "low").endswith(
        "edited: nothing changed\n"
    )
