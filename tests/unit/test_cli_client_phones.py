"""``clients edit --phone`` keeps each kept number's label and contact person; any number can
be made the main (first) one, from the command line and in the client edit screen's storage.

The tester's findings: editing phones dropped every contact person, and the
first number could not be reordered (the stored order never changed).
"""

from __future__ import annotations

import pytest

from tests.unit.test_cli_office import cli, cli_json, db
from tests.unit.test_cli_office_rules import one_line

__all__ = ["db"]


def phones(db: str, capsys: pytest.CaptureFixture[str], client_id: int) -> list[tuple[str, ...]]:
    shown = cli_json(db, capsys, "clients", "show", str(client_id))
    return [(p["e164"], p["label"], p["contact"]) for p in shown["phones"]]


def test_edit_phones_keeps_labels_and_persons_and_any_number_can_be_main(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Biuro Lis",
                         "--phone", "22 123 45 67=biuro=Ewa Lis",
                         "--phone", "601 100 200=komórka=Jan Lis")["id"]  # fmt: skip
    assert phones(db, capsys, client_id) == [
        ("+48221234567", "biuro", "Ewa Lis"), ("+48601100200", "komórka", "Jan Lis"),
    ]  # fmt: skip
    # Reordered and one added: the kept numbers keep their label and person.
    out = cli(db, capsys, "clients", "edit", str(client_id), "--phone", "601 100 200",
              "--phone", "+48 22 123 45 67", "--phone", "500 600 700=serwis")  # fmt: skip
    assert "phones" in out
    assert phones(db, capsys, client_id) == [
        ("+48601100200", "komórka", "Jan Lis"), ("+48221234567", "biuro", "Ewa Lis"),
        ("+48500600700", "serwis", ""),
    ]  # fmt: skip
    cli(db, capsys, "clients", "edit", str(client_id), "--main-phone", "0048 500 600 700")
    assert [p[0] for p in phones(db, capsys, client_id)] == [
        "+48500600700", "+48601100200", "+48221234567",
    ]  # fmt: skip
    # A label cleared on purpose, the person kept; a person set.
    cli(db, capsys, "clients", "edit", str(client_id), "--phone", "500 600 700=",
        "--phone", "601 100 200=komórka=Anna Lis")  # fmt: skip
    assert phones(db, capsys, client_id) == [
        ("+48500600700", "", ""), ("+48601100200", "komórka", "Anna Lis"),
    ]  # fmt: skip
    err = cli(db, capsys, "clients", "edit", str(client_id), "--main-phone", "22 999 99 99",
              code=2)  # fmt: skip
    one_line(err, "--main-phone")
    assert [p[0] for p in phones(db, capsys, client_id)] == ["+48500600700", "+48601100200"]
