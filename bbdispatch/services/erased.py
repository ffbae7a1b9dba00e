"""No save writes an erased person's details back.

A dispatcher may have a caller card, an intake or a client form open for a
client whose personal data another admin's ``privacy erase`` has just removed
(RODO art. 17). What is on that screen is what was erased: saving it would
put it back. Every service that writes about a client asks here first, in its
own transaction, and refuses with :class:`ClientErased`.

Kept apart from :mod:`bbdispatch.services.privacy` (which loads the import and
every table's storage) so the intake and the phone path stay light.
"""

from __future__ import annotations

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.storage import privacy as privacy_store


class ClientErased(DomainError):
    """The client's personal data was erased; nothing about them is saved or shown.

    Attributes:
        client_id: the erased client's id (never given to anyone else).
    """

    def __init__(self, client_id: int) -> None:
        super().__init__(
            _(
                "This client's data was erased (RODO): nothing was saved. "
                "A new request from this person is a new client."
            )
        )
        self.client_id = client_id


async def refuse_if_erased(ctx: Ctx, client_id: int | None) -> None:
    """Refuse to write or show anything about a client whose data was erased.

    Raises:
        ClientErased: ``client_id`` names an erased client (``None``: no client, nothing to do).
    """
    if client_id is not None and await privacy_store.was_erased(ctx.db, client_id):
        raise ClientErased(client_id)
