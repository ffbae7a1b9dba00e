"""Errors that carry a message meant for the person at the keyboard."""


class DomainError(ValueError):
    """A rule of the business was broken; ``str(err)`` is shown to the user as is."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to this user)."""


class NotAllowed(DomainError):
    """The user may not do this (wrong role, not their job, a locked entry)."""


class FieldError(DomainError):
    """A problem with one field of a form or command; front ends show it at that field.

    ``field`` is the form's name for it (``nip``, ``postal_code``, ``phone`` …);
    the command line prints ``--postal-code: …``.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        """Which field is wrong."""
