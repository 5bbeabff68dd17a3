"""Queries of the sign-in sessions (table ``login_session``, migration 006): the server side of
the HttpOnly session cookie. Only sha256 hashes of the one-time codes and cookie tokens are
stored; the rules (expiry, revocation, what a check returns) live in ``core/sessions.py``.

A mixin of :class:`db.store.Store` (see ``db/connected.py``). These writes do not mark the data
as changed (``_wrote``): a sign-in or a page view changes no figure, so it must not throw away
every cached read. They run as bookkeeping (:meth:`db.store.Store.bookkeeping`): beside the
pages that read, one at a time, so recording a session's activity does not hold up every page.
"""

from __future__ import annotations

import datetime as dt

from db.connected import QueryMixin, bookkeeping, reading


class SessionQueries(QueryMixin):
    @bookkeeping
    def insert_login_session(
        self, session_id: str, username: str, code_hash: str, code_expires: dt.datetime, now: dt.datetime
    ) -> None:
        """A new session waiting for its one-time code to be redeemed."""
        self.con.execute(
            "INSERT INTO login_session (id, username, code_hash, code_expires, started, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [session_id, username, code_hash, code_expires, now, now],
        )

    @bookkeeping
    def redeem_login_code(self, code_hash: str, token_hash: str, now: dt.datetime) -> str | None:
        """Turn an unexpired, unused one-time code into the session's token (once); the username,
        or ``None`` when no such code is waiting."""
        row = self._one(
            "UPDATE login_session SET token_hash = ?, code_hash = NULL, code_expires = NULL, started = ?, "
            "last_seen = ? WHERE code_hash = ? AND token_hash IS NULL AND ended IS NULL AND code_expires > ? "
            "RETURNING username",
            [token_hash, now, now, code_hash, now],
        )
        return row[0] if row else None

    @reading
    def login_session(self, token_hash: str) -> dict | None:
        """The session of a cookie token (ended ones too), or ``None``."""
        return self._dict(
            "SELECT id, username, started, last_seen, ended, ended_at FROM login_session WHERE token_hash = ?",
            [token_hash],
        )

    @bookkeeping
    def touch_login_session(self, session_id: str, now: dt.datetime) -> None:
        """Record activity (the idle timeout counts from here)."""
        self.con.execute("UPDATE login_session SET last_seen = ? WHERE id = ?", [now, session_id])

    @bookkeeping
    def end_login_session(self, session_id: str, reason: str, now: dt.datetime) -> None:
        """Revoke one session (its token stops working at once, in every tab)."""
        self.con.execute(
            "UPDATE login_session SET ended = ?, ended_at = ? WHERE id = ? AND ended IS NULL",
            [reason, now, session_id],
        )

    @bookkeeping
    def end_login_sessions(self, username: str, reason: str, now: dt.datetime) -> int:
        """Revoke every session of an account; how many were in force."""
        rows = self.con.execute(
            "UPDATE login_session SET ended = ?, ended_at = ? WHERE username = ? AND ended IS NULL RETURNING id",
            [reason, now, username],
        ).fetchall()
        return len(rows)

    @bookkeeping
    def purge_login_sessions(self, started_before: dt.datetime, now: dt.datetime) -> None:
        """Forget sessions that can no longer be in force (started before ``started_before``) and
        one-time codes never redeemed."""
        self.con.execute(
            "DELETE FROM login_session WHERE started < ? OR (token_hash IS NULL AND code_expires <= ?)",
            [started_before, now],
        )
