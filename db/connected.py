"""The ``connected`` decorator shared by :class:`db.store.Store` and its query mixins.

The Store's queries live in ``db/``: ``store.py`` (connection, schema, realisation data, users,
audit) and one mixin module per area (e.g. ``db/rakor.py``, ``db/kinerja.py``) that
:class:`~db.store.Store` inherits. A mixin method uses ``self.con``, ``self._one``,
``self._value``, ``self._df``, ``self._wrote()`` and ``self.audit_many`` exactly like a method of the Store.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pandas as pd


class QueryMixin:
    """Base of the query mixins: what they use of :class:`~db.store.Store`, declared for the type
    checker only (the Store defines each of them)."""

    if TYPE_CHECKING:

        @property
        def con(self) -> duckdb.DuckDBPyConnection: ...

        def _wrote(self) -> None: ...

        def _one(self, sql: str, params: list | None = None) -> tuple | None: ...

        def _dicts(self, sql: str, params: list | None = None) -> list[dict]: ...

        def _dict(self, sql: str, params: list | None = None) -> dict | None: ...

        def _df(self, sql: str, params: list | None = None) -> pd.DataFrame: ...

    def _value(self, sql: str, params: list | None = None) -> Any:
        """The first column of a query that always returns one row (``count(*)``, ``RETURNING id``)."""
        row = self._one(sql, params)
        if row is None:
            raise RuntimeError(f"no row: {sql}")
        return row[0]


def connected(method):
    """Run a Store method that may change data inside a session that has the database alone
    (reusing the caller's session when there is one, which then stops sharing it)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.session(write=True):
            return method(self, *args, **kwargs)

    return wrapper


def reading(method):
    """Run a Store method that only reads inside a reading session (shared with the other
    readers of the process; reusing the caller's session when there is one)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.session(write=False):
            return method(self, *args, **kwargs)

    return wrapper


def bookkeeping(method):
    """Run a Store method that writes only sign-in bookkeeping (no figure depends on it) inside a
    bookkeeping session (:meth:`db.store.Store.bookkeeping`: beside the readers)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.bookkeeping():
            return method(self, *args, **kwargs)

    return wrapper
