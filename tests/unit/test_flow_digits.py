"""Digit fields take full-width digits as the same digits and store ASCII (issue 13)."""

import sqlite3

import pytest

from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.services.clients import client_field_problems
from tests.unit.test_cli_office import cli, cli_json, db  # noqa: F401  (the fixture)


def _stored(path: str, client_id: int) -> sqlite3.Row:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        row: sqlite3.Row = conn.execute(
            "SELECT * FROM client WHERE id = ?", (client_id,)
        ).fetchone()
        return row
    finally:
        conn.close()


def test_a_full_width_postcode_nip_and_phone_are_stored_in_ascii_digits(
    db: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    added = cli_json(
        db, capsys, "clients", "add", "--kind", "company", "--name", "Kwiaciarnia Róża", "--nip", "５２６０００１２４６",
        "--postal-code", "１２-３４５", "--phone", "６０１ ２３４ ５６７",
    )  # fmt: skip
    row = _stored(db, int(added["id"]))
    assert (row["postal_code"], row["nip"]) == ("12-345", "5260001246")
    conn = sqlite3.connect(db)
    try:
        phones = [r[0] for r in conn.execute("SELECT e164 FROM client_phone")]
    finally:
        conn.close()
    assert "+48601234567" in phones


@pytest.mark.parametrize("typed", ["١٢-٣٤٥", "12–345", "12345", "1２-3４"])
def test_a_postcode_in_other_digits_or_shapes_is_refused_as_typed(
    db: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    typed: str,
) -> None:
    err = cli(
        db,
        capsys,
        "clients",
        "add",
        "--kind",
        "company",
        "--name",
        "Kwiaciarnia",
        "--postal-code",
        typed,
        code=2,
    )
    assert f"A postal code looks like 00-950, not {typed}." in err


def test_an_import_row_takes_a_full_width_postcode() -> None:
    new = NewClient(kind=ClientKind.COMPANY, name="Róża", postal_code="１２-３４５")
    assert client_field_problems(new) == []
