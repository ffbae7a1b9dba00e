"""Storage contract: the firm's settings (its language)."""

from __future__ import annotations

from pathlib import Path

from bbdispatch.storage import settings
from bbdispatch.storage.database import Database


async def test_a_setting_is_stored_and_replaced(db: Database) -> None:
    assert await settings.get_setting(db, "language") is None
    async with db.transaction():
        await settings.put_setting(db, "language", "pl")
    assert await settings.get_setting(db, "language") == "pl"
    async with db.transaction():
        await settings.put_setting(db, "language", "en")
    assert await settings.get_setting(db, "language") == "en"


async def test_a_setting_is_peeked_without_opening_for_work(db: Database, tmp_path: Path) -> None:
    async with db.transaction():
        await settings.put_setting(db, "language", "pl")
    assert settings.peek_setting(db.target, "language") == "pl"
    assert settings.peek_setting(db.target, "nothing") is None
    assert settings.peek_setting(tmp_path / "missing.db", "language") is None
    not_a_db = tmp_path / "junk.db"
    not_a_db.write_text("not sqlite")
    assert settings.peek_setting(not_a_db, "language") is None
