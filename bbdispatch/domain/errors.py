"""Errors that carry a message meant for the person at the keyboard."""


def one_period(message: str) -> str:
    """End a sentence with one period, even when a name in it ends with one.

    ``"NIP … already belongs to {name}."`` with a company ``… sp. z o.o.``
    would end in ``o.o..``; this keeps the abbreviation's own period only.
    An ellipsis (``...``) is left alone.
    """
    if message.endswith("..") and not message.endswith("..."):
        return message[:-1]
    return message


class DomainError(ValueError):
    """A rule of the business was broken; ``str(err)`` is shown to the user as is.

    Messages end with one period even when a name they quote ends with one
    (:func:`one_period`).
    """

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str):
            args = (one_period(args[0]), *args[1:])
        super().__init__(*args)


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
