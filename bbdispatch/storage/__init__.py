"""Storage: the only place that knows SQL and aiosqlite.

Each module holds the queries of one table family and is the only writer of
its tables; functions take and return domain values (aware datetimes,
Decimal money, enums, dataclasses), never stored forms, rows or tuples.
Services receive a :class:`~bbdispatch.storage.database.Database` and never
see a cursor or a row. ``docs/storage.md`` lists the families and how a
second backend joins the contract suite in ``tests/storage``.
"""
