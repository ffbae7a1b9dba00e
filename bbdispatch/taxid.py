"""Polish tax ids (NIP), validated by python-stdnum."""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.pl import nip as stdnum_nip

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _


class InvalidNip(DomainError):
    """A NIP that fails the format or checksum; the message is for the user."""


def parse_nip(raw: str) -> str:
    """Validate a NIP in any common form (``123-456-32-18``, ``PL1234563218``).

    Returns:
        The ten digits, as stored.

    Raises:
        InvalidNip: when the number is malformed or its checksum is wrong.
    """
    try:
        return str(stdnum_nip.validate(raw))
    except ValidationError as err:
        raise InvalidNip(_("Invalid NIP: {raw}").format(raw=raw.strip())) from err


def format_nip(nip: str) -> str:
    """Show a stored NIP as ``123-456-32-18``."""
    return str(stdnum_nip.format(nip))
