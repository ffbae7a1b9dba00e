"""Phone numbers at the edge: parse any common form, store E.164, show national."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _

DEFAULT_REGION = "PL"
"""Numbers without a country code are Polish."""


class InvalidPhoneNumber(DomainError):
    """A text that is not a valid phone number; the message is for the user."""


_EXTENSION = re.compile(r"[\s,;]*(?:wewn?\.?|w\.|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
"""An extension after the number: ``wew. 12``, ``wewn. 12``, ``w. 12``, ``ext. 12``, ``x12``."""


def split_extension(raw: str) -> tuple[str, str | None]:
    """The number and the extension given after it (``22 628 12 34 wew. 12``), if any.

    The extension reaches a person at the client's switchboard; it is kept on
    the call as typed but never takes part in matching the client.
    """
    found = _EXTENSION.search(raw)
    if found is None or not any(c.isdigit() for c in raw[: found.start()]):
        return raw, None
    return raw[: found.start()], found.group(1)


def _prepare(raw: str, region: str = DEFAULT_REGION) -> str:
    text, _extension = split_extension(raw.strip())
    text = text.strip()
    # The international prefix 00 is common on Polish business cards.
    if text.startswith("00"):
        return "+" + text[2:]
    # Caller IDs and old business cards still carry the trunk prefix 0 that
    # Polish numbers lost in 2005: "022 628 12 34", "0601234567".
    digits = digits_of(text)
    trunk = len(digits) == 10 and digits.startswith("0") and not text.startswith("+")
    if region == DEFAULT_REGION and trunk:
        return digits[1:]
    return text


def parse_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """Parse a number typed in any common form and return it in E.164.

    An extension after the number (``wew. 12``) is allowed and left out; any
    other letter makes the text no number.

    Raises:
        InvalidPhoneNumber: when the text is not a valid number.
    """
    text = _prepare(raw, region)
    if not text:
        raise InvalidPhoneNumber(_("Enter a phone number."))
    if any(c.isalpha() for c in text):
        # phonenumbers drops a stray letter ("600 700 800a" became 600 700 800):
        # a typo must not be stored as a different number without a word.
        raise InvalidPhoneNumber(
            _("Not a phone number: {raw} (a number has no letters)").format(raw=raw.strip())
        )
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as err:
        raise InvalidPhoneNumber(_("Not a phone number: {raw}").format(raw=raw.strip())) from err
    if not phonenumbers.is_valid_number(number):
        # Invalid, not unknown: no phone can have this number.
        if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
            raise InvalidPhoneNumber(_polish_refusal(number, raw.strip()))
        raise InvalidPhoneNumber(_("Not a valid phone number: {raw}").format(raw=raw.strip()))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


_WRONG_LENGTH = frozenset(
    {
        phonenumbers.ValidationResult.TOO_SHORT,
        phonenumbers.ValidationResult.TOO_LONG,
        phonenumbers.ValidationResult.INVALID_LENGTH,
    }
)
"""phonenumbers' answers that mean a digit too many or too few."""


def _polish_refusal(number: phonenumbers.PhoneNumber, raw: str) -> str:
    """Why an invalid Polish number is refused: its length, or its digits.

    phonenumbers tells the two apart for fixed lines and mobiles (nine digits
    each): ``60123456`` is a digit short, ``999999999`` has the right length
    but no Polish number starts so, and saying "9 digits" there misleads.
    """
    reason = phonenumbers.is_possible_number_for_type_with_reason(
        number, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE
    )
    if reason in _WRONG_LENGTH:
        return _("Not a valid phone number: {raw} (Polish numbers have 9 digits)").format(raw=raw)
    return _("Not a valid phone number: {raw} (no Polish number starts with these digits)").format(
        raw=raw
    )


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


def format_with_extension(e164: str | None, raw: str) -> str:
    """A reported number as the intake shows it: national, then the extension given.

    ``22 628 12 34 wew. 12`` for a ring of ``+48226281234 wew. 12``: the
    extension reaches a person at the client's switchboard and must stay in
    view, with its space. A number that did not parse is shown as reported.
    """
    if not e164:
        return raw
    _number, extension = split_extension(raw)
    shown = format_for_display(e164)
    return f"{shown} wew. {extension}" if extension else shown


def format_as_you_type(raw: str, region: str = DEFAULT_REGION) -> str:
    """Format a partially typed number the way phonenumbers' formatter does."""
    text = _prepare(raw, region)
    formatter = phonenumbers.AsYouTypeFormatter(region)
    formatted = ""
    for char in text:
        if char.isdigit() or char == "+":
            formatted = formatter.input_digit(char)
    return formatted


WITHHELD = frozenset(
    {"anonymous", "withheld", "private", "restricted", "unavailable", "unknown", "zastrzeżony"}
)
"""What phone systems report for a hidden caller ID (a real call, with no number)."""


def is_caller_id(raw: str) -> bool:
    """Whether a phone system's report names a caller (:func:`caller_id_refusal` finds none)."""
    return caller_id_refusal(raw) is None


def caller_id_refusal(raw: str) -> str | None:
    """Why a phone system's report names no caller, or None when it names one.

    ``ring`` refuses what ``lookup`` refuses (issue 13): ``""``, ``abc``,
    ``601234567abc`` (a letter that is no extension) and ``+48`` (no number
    can be that short) are a script's mistake, not a call. Three forms of a
    real call are taken: a valid number (an extension after it, ``wew. 12``,
    allowed), a withheld-number word (``anonymous``), and digits of a
    possible length that phonenumbers does not know as valid (its data can
    lag a numbering plan's new ranges; the caller is real), logged unmatched.

    Returns:
        The message for the phone system's log (in the session's language), or None.
    """
    text = raw.strip()
    if text.casefold() in WITHHELD:
        return None
    if not text:
        # "" or only spaces: quoting it would show '' and say nothing a person can read.
        return _("the number is empty")
    if not digits_of(text):
        return _("'{raw}' has no digits").format(raw=text)
    if try_parse_phone(text) is not None:
        return None
    prepared = _prepare(text)
    if any(c.isalpha() for c in prepared):
        return _("'{raw}' is no phone number (a number has no letters)").format(raw=text)
    try:
        possible = phonenumbers.is_possible_number(phonenumbers.parse(prepared, DEFAULT_REGION))
    except NumberParseException:
        possible = False
    return None if possible else _("'{raw}' is no phone number").format(raw=text)


def digits_of(raw: str) -> str:
    """Only the digits of a text, for searching by part of a number."""
    return "".join(c for c in raw if c.isdigit())
