"""Phone numbers at the edge: parse any common form, store E.164, show national."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _

DEFAULT_REGION = "PL"
"""Numbers without a country code are Polish."""


class InvalidPhoneNumber(DomainError):
    """A text that is not a valid phone number; the message is for the user."""


def _prepare(raw: str) -> str:
    text = raw.strip()
    # The international prefix 00 is common on Polish business cards.
    if text.startswith("00"):
        text = "+" + text[2:]
    return text


def parse_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """Parse a number typed in any common form and return it in E.164.

    Raises:
        InvalidPhoneNumber: when the text is not a valid number.
    """
    text = _prepare(raw)
    if not text:
        raise InvalidPhoneNumber(_("Enter a phone number."))
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as err:
        raise InvalidPhoneNumber(_("Not a phone number: {raw}").format(raw=raw.strip())) from err
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(_("No such phone number: {raw}").format(raw=raw.strip()))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def try_parse_phone(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """Parse like :func:`parse_phone` but return ``None`` for invalid input."""
    try:
        return parse_phone(raw, region)
    except InvalidPhoneNumber:
        return None


def format_for_display(e164: str | None) -> str:
    """Show a stored number the way people read it: national for Polish ones."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        PhoneNumberFormat.NATIONAL if region == DEFAULT_REGION else PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def format_as_you_type(raw: str, region: str = DEFAULT_REGION) -> str:
    """Format a partially typed number the way phonenumbers' formatter does."""
    text = _prepare(raw)
    formatter = phonenumbers.AsYouTypeFormatter(region)
    formatted = ""
    for char in text:
        if char.isdigit() or char == "+":
            formatted = formatter.input_digit(char)
    return formatted


def digits_of(raw: str) -> str:
    """Only the digits of a text, for searching by part of a number."""
    return "".join(c for c in raw if c.isdigit())
