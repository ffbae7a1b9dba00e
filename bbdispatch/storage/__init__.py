"""Storage: the only place that knows SQL and aiosqlite.

Each module holds the queries of one area and returns domain dataclasses.
Services receive a :class:`~bbdispatch.storage.database.Database` and never
see a cursor or a row.
"""
