"""Every client field has a length limit, on every path that takes a client.

The tester's example: a 10 000-character e-mail was accepted by the client
edit. The same limits hold for the intake's new-client form, a client file's
rows and the command line (``tests/unit/test_cli_office.py``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bbdispatch.domain.client_details import ClientDetails, NewClient, PhoneLine
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.errors import FieldError
from bbdispatch.services.clients import FIELD_LIMITS, check_details
from bbdispatch.services.intake import new_prospect_problems

TEXT_FIELDS = ("name", "nip", "street", "postal_code", "city", "email", "contact_person", "notes")


def _long(field: str) -> str:
    return "a" * 9_988 + "@example.com" if field == "email" else "x" * 10_000


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_client_edit_names_the_overlong_field(field: str) -> None:
    details = replace(ClientDetails(kind=ClientKind.COMPANY, name="Lis"), **{field: _long(field)})
    with pytest.raises(FieldError, match=f"at most {FIELD_LIMITS[field]} characters") as err:
        check_details(details)
    assert err.value.field == field


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_intake_and_a_client_file_name_the_overlong_field(field: str) -> None:
    new = replace(NewClient(kind=ClientKind.COMPANY, name="Lis"), **{field: _long(field)})
    problems = new_prospect_problems(new)
    assert [p.field for p in problems] == [field]
    assert len(str(problems[0])) < 100  # the message does not quote the text back


@pytest.mark.parametrize("part", ["label", "contact_person"])
def test_a_phones_label_and_contact_have_limits(part: str) -> None:
    phone = replace(PhoneLine("601 234 567", "", ""), **{part: "x" * 1_000})
    details = ClientDetails(kind=ClientKind.COMPANY, name="Lis", phones=(phone,))
    with pytest.raises(FieldError) as err:
        check_details(details)
    assert err.value.field == "phone"


def test_at_the_limit_is_fine() -> None:
    details = ClientDetails(
        kind=ClientKind.PRIVATE, name="x" * FIELD_LIMITS["name"],
        email="a" * (FIELD_LIMITS["email"] - 12) + "@example.com",
        notes="n" * FIELD_LIMITS["notes"],
    )  # fmt: skip
    assert check_details(details).name == details.name
