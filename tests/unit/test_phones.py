import pytest
from hypothesis import given
from hypothesis import strategies as st

from bbdispatch.phones import (
    InvalidPhoneNumber,
    digits_of,
    format_as_you_type,
    format_for_display,
    parse_phone,
    try_parse_phone,
)


@pytest.mark.parametrize(
    ("raw", "e164", "shown"),
    [
        ("601234567", "+48601234567", "601 234 567"),
        ("601 234 567", "+48601234567", "601 234 567"),
        ("601-234-567", "+48601234567", "601 234 567"),
        ("+48 601-234-567", "+48601234567", "601 234 567"),
        ("0048 601 234 567", "+48601234567", "601 234 567"),
        ("+48601234567", "+48601234567", "601 234 567"),
        ("(22) 123 45 67", "+48221234567", "22 123 45 67"),
        ("22 1234567", "+48221234567", "22 123 45 67"),
        ("+48 (22) 628-12-34", "+48226281234", "22 628 12 34"),
        ("  12 422 33 44 ", "+48124223344", "12 422 33 44"),
        ("+49 30 901820", "+4930901820", "+49 30 901820"),
        ("0049 30 901820", "+4930901820", "+49 30 901820"),
        ("+1 212 555 0123", "+12125550123", "+1 212-555-0123"),
    ],
)
def test_common_forms_parse_to_e164_and_display_nationally(raw: str, e164: str, shown: str) -> None:
    assert parse_phone(raw) == e164
    assert format_for_display(e164) == shown


@pytest.mark.parametrize(
    "raw", ["", "   ", "abc", "123", "60123456", "+48 123", "+999 123 456 789"]
)
def test_invalid_numbers_raise_a_clear_message(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as err:
        parse_phone(raw)
    assert str(err.value)
    assert try_parse_phone(raw) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("60123456", "(Polish numbers have 9 digits)"),
        ("6012345678", "(Polish numbers have 9 digits)"),
        ("+48 123", "(Polish numbers have 9 digits)"),
        ("999999999", "(no Polish number starts with these digits)"),
        ("999 999 999", "(no Polish number starts with these digits)"),
    ],
)
def test_an_invalid_polish_number_says_whether_its_length_or_its_digits_are_wrong(
    raw: str, reason: str
) -> None:
    with pytest.raises(InvalidPhoneNumber) as err:
        parse_phone(raw)
    assert str(err.value) == f"Not a valid phone number: {raw} {reason}"


def test_as_you_type_formats_partial_input() -> None:
    assert format_as_you_type("6012") == "601 2"
    assert format_as_you_type("601234567") == "601 234 567"
    assert format_as_you_type("+4930").startswith("+49 30")


@given(st.integers(min_value=500_000_000, max_value=899_999_999))
def test_any_valid_polish_number_round_trips(n: int) -> None:
    e164 = try_parse_phone(str(n))
    if e164 is not None:
        assert e164 == f"+48{n}"
        assert parse_phone(format_for_display(e164)) == e164
        assert digits_of(format_for_display(e164)) == str(n)
