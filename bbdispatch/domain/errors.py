"""Errors that carry a message meant for the person at the keyboard."""


class DomainError(ValueError):
    """A rule of the business was broken; ``str(err)`` is shown to the user as is."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to this user)."""


class NotAllowed(DomainError):
    """The user may not do this (wrong role, not their job, a locked entry)."""
