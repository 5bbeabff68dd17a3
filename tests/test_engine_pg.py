"""The PostgreSQL engine's dialect translation (db/engine_pg.py): the store's queries are written once,
with DuckDB's parameters; these are the rewrites PostgreSQL needs, and what they must leave alone."""

from __future__ import annotations

import pytest

from db.engine_pg import is_url, pg_sql, public_url


@pytest.mark.parametrize(
    ("duck", "pg"),
    [
        ("SELECT * FROM import WHERE id = ? AND opd_kode = ?", "SELECT * FROM import WHERE id = %s AND opd_kode = %s"),
        (
            "WHERE tahun = $tahun AND ($opd::VARCHAR IS NULL OR k = $opd)",
            "WHERE tahun = %(tahun)s AND (%(opd)s::VARCHAR IS NULL OR k = %(opd)s)",
        ),
        ("DELETE FROM import WHERE list_contains(?, id)", "DELETE FROM import WHERE id = ANY(%s)"),
        (
            "AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], t.id))",
            "AND (%s::INTEGER[] IS NULL OR t.id = ANY(%s::INTEGER[]))",
        ),
        ("$behind::DOUBLE IS NULL OR x < -$behind", "%(behind)s::DOUBLE PRECISION IS NULL OR x < -%(behind)s"),
        # quoted text keeps its ? and $ (a literal % is doubled for psycopg, which undoubles it)
        ("SELECT 'a?b $c 5%' FROM t WHERE x = ?", "SELECT 'a?b $c 5%%' FROM t WHERE x = %s"),
        ("SELECT 'it''s ?', \"col?\" FROM t", "SELECT 'it''s ?', \"col?\" FROM t"),
        ("SELECT x % 2 FROM t", "SELECT x %% 2 FROM t"),
    ],
)
def test_pg_sql(duck, pg):
    assert pg_sql(duck) == pg


def test_urls():
    assert is_url("postgresql://pantau@db:5432/pantau") and is_url("postgres://u@h/d")
    assert not is_url("data/pantau.duckdb") and not is_url(":memory:") and not is_url(None)
    assert public_url("postgresql://pantau:rahasia@db:5432/pantau") == "postgresql://pantau@db:5432/pantau"
    assert public_url("data/pantau.duckdb") == "data/pantau.duckdb"
