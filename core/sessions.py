"""Sign-in sessions held by the server: the rules behind the HttpOnly session cookie.

A sign-in (the form, the first-run setup or single sign-on) calls :func:`begin`, which records a
session for the account and returns a one-time code (valid :data:`CODE_TTL`). The browser posts
that code to the cookie route (``ui/web.py``), which calls :func:`redeem`: the code becomes a
random token, stored hashed (sha256), and the route puts the token in an HttpOnly,
SameSite=Strict cookie. Every script run and every download then calls :func:`check` with the
cookie's token: the Streamlit session id alone grants nothing. Sessions expire as
:func:`core.auth.session_expired` says (idle :data:`core.auth.IDLE_TIMEOUT`, at most
:data:`core.auth.MAX_SESSION`) and are revoked by :func:`end` (Keluar), and by
:func:`end_all` on a password change or reset and when an account is disabled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from core.access import User
from core.auth import MAX_SESSION, current_account, session_expired
from db.store import Store

COOKIE = "pantau_sesi"  # the cookie that carries the token
CODE_TTL = dt.timedelta(seconds=60)  # a sign-in's one-time code must be redeemed within this
TOUCH_EVERY = dt.timedelta(seconds=15)  # activity is written at most this often per session
MAX_TOKEN = 128  # longer cookie values are refused without hashing

# Why a session that was in force ended (the reason decides the message on the login screen).
ENDED_IDLE = "idle"
ENDED_MAX = "max"
ENDED_LOGOUT = "logout"
ENDED_PASSWORD = "password"
ENDED_RESET = "reset"
ENDED_DISABLED = "disabled"
ENDED_ACCOUNT = "account"  # the account was deleted or disabled while the session was open

MESSAGES = {
    ENDED_IDLE: "Sesi Anda berakhir karena terlalu lama tidak aktif. Silakan masuk kembali.",
    ENDED_MAX: "Sesi Anda berakhir karena sudah berjalan 10 jam. Silakan masuk kembali.",
    ENDED_LOGOUT: "Anda telah keluar.",
    ENDED_PASSWORD: "Kata sandi akun ini baru saja diganti. Silakan masuk dengan kata sandi baru.",
    ENDED_RESET: "Admin mengatur ulang kata sandi akun ini. Silakan masuk dengan kata sandi dari admin.",
    ENDED_DISABLED: "Akun Anda dinonaktifkan. Hubungi admin Pantau.",
    ENDED_ACCOUNT: "Akun Anda dinonaktifkan atau dihapus. Hubungi admin Pantau.",
}


@dataclass(frozen=True)
class SessionCheck:
    """Outcome of :func:`check`: the signed-in user, or why there is none.

    ``ended`` is set when the token named a session that is no longer in force (a key of
    :data:`MESSAGES`); ``None`` with no user means there was no known session at all."""

    user: User | None
    must_change: bool = False
    ended: str | None = None
    session_id: str | None = None

    @property
    def message(self) -> str | None:
        """The Indonesian notice for the login screen, when a session ended."""
        return MESSAGES.get(self.ended or "")


def _now() -> dt.datetime:
    return dt.datetime.now()


def digest(secret: str) -> str:
    """sha256 hex of a code or token: what the database stores in its place."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _usable(secret: object) -> bool:
    return isinstance(secret, str) and 0 < len(secret) <= MAX_TOKEN and secret.isascii()


def begin(store: Store, username: str, now: dt.datetime | None = None) -> str:
    """Start a session for ``username`` (already authenticated) and return its one-time code,
    to be redeemed by :func:`redeem` within :data:`CODE_TTL`. Sessions that can no longer be in
    force are forgotten on the way."""
    now = now or _now()
    code = secrets.token_urlsafe(32)
    with store.bookkeeping():  # beside the pages that read
        store.purge_login_sessions(now - MAX_SESSION - dt.timedelta(days=1), now)
        store.insert_login_session(secrets.token_hex(8), username, digest(code), now + CODE_TTL, now)
    return code


def redeem(store: Store, code: str | None, now: dt.datetime | None = None) -> str | None:
    """The cookie token for a one-time code (only once, only within :data:`CODE_TTL`), or ``None``."""
    if not _usable(code):
        return None
    now = now or _now()
    token = secrets.token_urlsafe(32)
    return token if store.redeem_login_code(digest(code or ""), digest(token), now) else None


def check(store: Store, token: str | None, now: dt.datetime | None = None) -> SessionCheck:
    """The user a cookie token signs in, as the database says now (role, scope, temporary
    password), or why not. An expired session is ended here (audited once: ``session_expired``)
    and activity is recorded for the idle timeout."""
    if not _usable(token):
        return SessionCheck(None)
    now = now or _now()
    # Most checks change nothing but the session's last activity (bookkeeping, written beside
    # the readers): read in a session shared with the other readers, and only when the session
    # must end, check again in a session that has the database alone.
    with store.session(write=False):
        result = _check(store, token, now, write=False)
    if result is not None:
        return result
    with store.session(write=True):
        result = _check(store, token, now, write=True)
    assert result is not None
    return result


def _check(store: Store, token: str | None, now: dt.datetime, write: bool) -> SessionCheck | None:
    """:func:`check` inside a session; ``None`` when it must write and ``write`` is false."""
    row = store.login_session(digest(token or ""))
    if row is None:
        return SessionCheck(None)
    if row["ended"]:
        return SessionCheck(None, ended=row["ended"], session_id=row["id"])
    if session_expired(row["started"], row["last_seen"], now):
        if not write:
            return None
        reason = ENDED_MAX if now - row["started"] > MAX_SESSION else ENDED_IDLE
        store.end_login_session(row["id"], reason, now)
        store.audit_many([(row["username"], "session_expired", row["username"], None)])
        return SessionCheck(None, ended=reason, session_id=row["id"])
    account = current_account(store, row["username"])
    if account is None:
        if not write:
            return None
        store.end_login_session(row["id"], ENDED_ACCOUNT, now)
        return SessionCheck(None, ended=ENDED_ACCOUNT, session_id=row["id"])
    if now - row["last_seen"] >= TOUCH_EVERY:
        store.touch_login_session(row["id"], now)  # bookkeeping: allowed beside the readers
    user, must_change = account
    return SessionCheck(user, must_change, session_id=row["id"])


def end(store: Store, token: str | None, reason: str = ENDED_LOGOUT, now: dt.datetime | None = None) -> str | None:
    """Revoke the session of a cookie token (Keluar: every tab using it is signed out on its next
    action); the username it belonged to, or ``None``."""
    if not _usable(token):
        return None
    with store.session():
        row = store.login_session(digest(token or ""))
        if row is None or row["ended"]:
            return None
        store.end_login_session(row["id"], reason, now or _now())
        return row["username"]


def end_all(store: Store, username: str, reason: str, now: dt.datetime | None = None) -> int:
    """Revoke every session of an account (password changed or reset, account disabled)."""
    return store.end_login_sessions(username, reason, now or _now())
