"""The ``connected`` decorator shared by :class:`db.store.Store` and its query mixins.

The Store's queries live in ``db/``: ``store.py`` (connection, schema, realisation data, users,
audit) and one mixin module per area (e.g. ``db/rakor.py``, ``db/kinerja.py``) that
:class:`~db.store.Store` inherits. A mixin method uses ``self.con``, ``self._one``,
``self._df``, ``self._wrote()`` and ``self.audit_many`` exactly like a method of the Store.
"""

from __future__ import annotations

import functools


def connected(method):
    """Run a Store method inside a session (reusing the caller's session when there is one)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.session():
            return method(self, *args, **kwargs)

    return wrapper
