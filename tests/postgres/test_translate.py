"""SQLite's SQL as PostgreSQL reads it (no server needed)."""

from __future__ import annotations

from decimal import Decimal

from bbdispatch.storage.database import latest_schema_version, migrations
from bbdispatch.storage.postgres import _numeric, pg_migrations, public_url, translate


def test_placeholders_become_numbered_and_typed_by_value() -> None:
    sql, args = translate("SELECT * FROM job WHERE id = ? AND alert = ? AND x IS ?", (3, "a", None))
    assert sql == (
        "SELECT * FROM job WHERE id = $1::bigint AND alert = $2::text AND x IS NOT DISTINCT FROM $3"
    )
    assert args == [3, "a", None]


def test_named_placeholders_repeat_their_number() -> None:
    sql, args = translate(
        "SELECT :now, :day WHERE a > :day AND b < :now", {"day": "2026-11-24", "now": "x"}
    )
    assert sql == "SELECT $1::text, $2::text WHERE a > $2::text AND b < $1::text"
    assert args == ["x", "2026-11-24"]


def test_quoted_text_and_casts_are_left_alone() -> None:
    sql, _args = translate("SELECT 'a ? :b', x::text, \"q?\" FROM t WHERE y = ?", (1,))
    assert sql == "SELECT 'a ? :b', x::text, \"q?\" FROM t WHERE y = $1::bigint"


def test_like_folds_ascii_case_without_an_escape_character() -> None:
    sql, _ = translate("SELECT 1 FROM t WHERE a LIKE ? AND b NOT LIKE 'x%'", ("%\\%",))
    assert sql == "SELECT 1 FROM t WHERE a ILIKE $1::text ESCAPE '' AND b NOT ILIKE 'x%'"
    sql, _ = translate("SELECT 1 FROM t WHERE a LIKE ? ESCAPE '!'", ("%a%",))
    assert sql == "SELECT 1 FROM t WHERE a ILIKE $1::text ESCAPE '!'"


def test_is_not_and_bare_where_one() -> None:
    assert translate("SELECT 1 FROM t WHERE id IS NOT ?", (None,))[0] == (
        "SELECT 1 FROM t WHERE id IS DISTINCT FROM $1"
    )
    assert translate("SELECT 1 FROM t WHERE 1 ORDER BY a", ())[0] == (
        "SELECT 1 FROM t WHERE TRUE ORDER BY a"
    )
    assert translate("SELECT 1 FROM t WHERE 1 = 1", ())[0] == "SELECT 1 FROM t WHERE 1 = 1"


def test_sums_come_back_as_sqlite_gives_them() -> None:
    assert _numeric("12345") == 12345 and isinstance(_numeric("12345"), int)
    assert _numeric("2.5000") == 2.5
    assert translate("SELECT ?", (Decimal("1.5"),))[0] == "SELECT $1::numeric"


def test_every_sqlite_schema_version_has_a_postgresql_twin_from_013() -> None:
    numbers = [n for n, _name, _sql in pg_migrations()]
    assert numbers[0] == 13
    assert numbers == [n for n, _name, _sql in migrations() if n >= 13]
    assert numbers[-1] == latest_schema_version()


def test_messages_never_show_the_password() -> None:
    assert public_url("postgresql://anna:secret@db.firma:5433/bb") == (
        "postgresql://anna@db.firma:5433/bb"
    )
    assert public_url("postgresql://anna@db/bb") == "postgresql://anna@db/bb"
