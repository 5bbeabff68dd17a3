"""The PostgreSQL engine of :class:`db.store.Store`: a psycopg 3 connection pool and a connection
object that answers the part of DuckDB's Python API the store's queries use.

The store's SQL is written once, in the subset DuckDB and PostgreSQL share, with DuckDB's
parameter style (``?`` and ``$name``). :func:`pg_sql` turns a query into PostgreSQL's dialect
mechanically (parameters, ``list_contains``, ``DOUBLE``); what cannot be turned mechanically is
written per engine in the module that owns the query (``if self.engine == "postgres"``).

Where DuckDB reads a DataFrame by its variable name (a replacement scan), PostgreSQL gets the
rows by ``COPY ... FROM STDIN`` into a temporary table (:meth:`PgConnection.stage`).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

URL_PREFIXES = ("postgresql://", "postgres://")
# The pool's own connection warnings go to the application's log handlers only, never straight to
# a terminal: a server that cannot be reached is said once, in Indonesian (Unreachable).
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())


def is_url(target: object) -> bool:
    """Does ``target`` (``PANTAU_DB`` / ``--db``) name a PostgreSQL database rather than a file?"""
    return isinstance(target, str) and target.startswith(URL_PREFIXES)


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$([A-Za-z_]\w*)|\?|%")
_LIST_CONTAINS = re.compile(r"list_contains\(((?:\?|\$\w+)(?:::\w+\[\])?),\s*([\w.\"]+)\)")
_DOUBLE = re.compile(r"::DOUBLE\b(?! PRECISION)")


@functools.lru_cache(maxsize=2048)
def pg_sql(sql: str) -> str:
    """A query of the store (DuckDB's dialect within the shared subset) in PostgreSQL's dialect:
    ``?`` -> ``%s``, ``$name`` -> ``%(name)s`` (never inside quotes), ``list_contains(?, x)`` ->
    ``x = ANY(?)``, ``::DOUBLE`` -> ``::DOUBLE PRECISION``, a literal ``%`` doubled."""
    sql = _LIST_CONTAINS.sub(r"\2 = ANY(\1)", sql)
    sql = _DOUBLE.sub("::DOUBLE PRECISION", sql)

    def replace(m: re.Match) -> str:
        token = m.group(0)
        if token[0] in "'\"":
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({m.group(1)})s"

    return _PLACEHOLDER.sub(replace, sql)


# PostgreSQL type oid -> Arrow type of a result column (anything else: read as Python objects).
_ARROW = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int32(),
    23: pa.int32(),
    700: pa.float64(),
    701: pa.float64(),
    1700: pa.float64(),
    25: pa.string(),
    1043: pa.string(),
    1042: pa.string(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us"),
    1082: pa.date32(),
}


def _column(values: list, oid: int) -> pa.Array:
    kind = _ARROW.get(oid)
    if kind == pa.float64():
        values = [None if v is None else float(v) for v in values]
    elif kind == pa.timestamp("us"):
        values = [v.replace(tzinfo=None) if isinstance(v, dt.datetime) and v.tzinfo else v for v in values]
    try:
        return pa.array(values, type=kind) if kind is not None else pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


class PgResult:
    """The rows of one statement, read the way the store reads DuckDB's results."""

    def __init__(self, description, rows: list[tuple]):
        self.description = description
        self._rows = rows

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def to_arrow_table(self) -> pa.Table:
        names = [d.name for d in self.description]
        columns: list[list] = [list(c) for c in zip(*self._rows)] if self._rows else [[] for _ in names]
        return pa.table({n: _column(c, d.type_code) for n, c, d in zip(names, columns, self.description)})

    def df(self) -> pd.DataFrame:
        """A DataFrame with the dtypes DuckDB's ``.df()`` gives: numpy ints and bools where no
        value is missing, nullable ``Int``/``boolean`` where one is, dates as ``datetime64[us]``."""
        table = self.to_arrow_table()
        frame = table.to_pandas(
            types_mapper={pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}.get
        )
        for name, column in zip(table.column_names, table.columns):
            if pa.types.is_date32(column.type):
                frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]")
            elif column.null_count == 0 and (pa.types.is_integer(column.type) or pa.types.is_boolean(column.type)):
                frame[name] = frame[name].to_numpy(dtype=column.type.to_pandas_dtype())
        return frame


def _pg_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    if pa.types.is_integer(arrow_type):
        return "BIGINT"
    if pa.types.is_floating(arrow_type):
        return "DOUBLE PRECISION"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"
    if pa.types.is_date(arrow_type):
        return "DATE"
    return "TEXT"


def _python(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


class PgConnection:
    """One pooled psycopg connection, in autocommit mode outside :meth:`Store.transaction`."""

    def __init__(self, conn):
        self.raw = conn

    def execute(self, sql: str, params: Sequence | dict | None = None) -> PgResult:
        """Run one statement of the store's dialect; the result is read to the end."""
        with self.raw.cursor() as cur:
            cur.execute(pg_sql(sql), _params(params))
            rows = cur.fetchall() if cur.description is not None else []
            return PgResult(cur.description, rows)

    def sql(self, sql: str, params: Sequence | dict | None = None) -> PgResult:
        return self.execute(sql, params)

    def script(self, text: str) -> None:
        """Run a migration file (several statements, no parameters)."""
        with self.raw.cursor() as cur:
            cur.execute(text.encode("utf-8"))

    def copy_rows(self, table: str, columns: list[str], rows: Iterator[tuple]) -> None:
        """``COPY table (columns) FROM STDIN`` with the rows given."""
        quoted = ", ".join(f'"{c}"' for c in columns)
        with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def stage(self, name: str, data: pa.Table | pd.DataFrame) -> None:
        """A temporary table ``name`` holding ``data`` (replaced if it exists)."""
        table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        columns = ", ".join(f'"{n}" {_pg_type(t)}' for n, t in zip(table.column_names, table.schema.types))
        self.execute(f"DROP TABLE IF EXISTS {name}")
        self.execute(f"CREATE TEMP TABLE {name} ({columns})")
        self.copy_rows(name, table.column_names, arrow_rows(table))

    def close(self) -> None:  # the pool takes the connection back (see PgPool.connection)
        pass


def arrow_rows(table: pa.Table) -> Iterator[tuple]:
    """The rows of an Arrow table as tuples of Python values (a null is ``None``; a table made from
    a DataFrame has its NaN as nulls already)."""
    return zip(*(c.to_pylist() for c in table.columns))


def _params(params: Sequence | dict | None) -> Sequence | dict | None:
    if params is None:
        return None
    if isinstance(params, dict):
        return {k: _python(v) for k, v in params.items()}
    return [_python(v) for v in params]


def _configure(conn) -> None:
    """Python ints are sent as BIGINT (psycopg picks the smallest type by value, which leaves
    ``generate_series(?, ?)`` and the like ambiguous); DuckDB's literals behave the same way."""
    from psycopg.types.numeric import Int8BinaryDumper, Int8Dumper

    conn.adapters.register_dumper(int, Int8Dumper)
    conn.adapters.register_dumper(int, Int8BinaryDumper)


class Unreachable(RuntimeError):
    """The PostgreSQL server of ``PANTAU_DB`` cannot be reached (or refuses the login)."""

    def __init__(self, where: str):
        super().__init__(
            f"Basis data PostgreSQL ({where}) tidak dapat dihubungi. Periksa bahwa server PostgreSQL "
            "berjalan, alamat, nama pengguna dan kata sandi pada PANTAU_DB benar, dan jaringan ke server "
            "terbuka; lalu coba lagi."
        )


class PoolBusy(RuntimeError):
    """Every connection of the pool stayed in use for longer than the wait allowed."""


def public_url(url: str) -> str:
    """``url`` without its password (for messages and logs)."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        user, host = rest.rsplit("@", 1)
        return f"{scheme}://{user.split(':', 1)[0]}@{host}"
    return url


class PgPool:
    """A psycopg connection pool of one database URL (``max_size`` connections at most); raises
    :class:`Unreachable` when no connection can be made within ``connect_timeout`` seconds."""

    def __init__(self, url: str, max_size: int = 10, connect_timeout: float = 15.0):
        from psycopg_pool import ConnectionPool, PoolTimeout

        self.url = url
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=True,
            kwargs={"autocommit": True, "options": "-c timezone=UTC"},
            configure=_configure,
            name="pantau",
        )
        try:
            self.pool.wait(timeout=connect_timeout)
        except PoolTimeout:
            self.pool.close()
            raise Unreachable(public_url(url)) from None

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[PgConnection]:
        """A connection for one session of the store, given back to the pool at the end
        (:class:`PoolBusy` after ``timeout`` seconds without a free one)."""
        from psycopg_pool import PoolTimeout

        try:
            conn = self.pool.getconn(timeout=timeout)
        except PoolTimeout:
            raise PoolBusy() from None
        try:
            yield PgConnection(conn)
        finally:
            self.pool.putconn(conn)

    def close(self) -> None:
        self.pool.close()


# One pool per database URL in a process, shared by every Store of that URL (the app opens a Store
# in more than one place) and closed when the last of them closes, or at exit.
_POOLS: dict[str, tuple[PgPool, int]] = {}
_POOLS_LOCK = threading.Lock()


def acquire_pool(url: str, max_size: int) -> PgPool:
    """The process's pool of ``url`` (made on first use); give it back with :func:`release_pool`."""
    with _POOLS_LOCK:
        pool, users = _POOLS.get(url) or (PgPool(url, max_size), 0)
        _POOLS[url] = (pool, users + 1)
        return pool


def release_pool(url: str) -> None:
    """One user fewer of ``url``'s pool; the last one closes it."""
    with _POOLS_LOCK:
        if url not in _POOLS:
            return
        pool, users = _POOLS[url]
        if users > 1:
            _POOLS[url] = (pool, users - 1)
            return
        del _POOLS[url]
    pool.close()


@atexit.register
def _close_pools() -> None:
    with _POOLS_LOCK:
        pools = [pool for pool, _ in _POOLS.values()]
        _POOLS.clear()
    for pool in pools:
        pool.close()
