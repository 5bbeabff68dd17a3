"""Sign-in sessions (core.sessions, db.sessions, ui.web): one-time codes, hashed tokens, expiry,
revocation on Keluar, password change, reset and disable; the cookie route and the guard of
downloads and uploads; usernames that cannot be enumerated at the login."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from http.cookies import SimpleCookie

import pytest
from pg_support import use_both_engines

from core import auth, sessions

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

T0 = dt.datetime(2026, 4, 6, 8, 0, 0)
PW = "Rahasia-2026"


@pytest.fixture(autouse=True)
def _forget_unknown_names():
    """The failures of unknown names are counted per process (core.auth): each test (and each
    engine's run of it) starts from none."""
    auth._unknown_failures.clear()


@pytest.fixture
def accounts(store):
    auth.create_user(store, "test", "admin", "Admin", "admin", PW, must_change_password=False)
    auth.create_user(store, "test", "budi", "Budi", "viewer", PW, must_change_password=False)
    return store


def signed_in(store, username: str = "budi", now: dt.datetime = T0) -> str:
    token = sessions.redeem(store, sessions.begin(store, username, now), now)
    assert token
    return token


# --------------------------------------------------------------------------- codes and tokens
def test_code_is_redeemed_once_into_a_token_stored_only_hashed(accounts):
    code = sessions.begin(accounts, "budi", T0)
    token = sessions.redeem(accounts, code, T0 + dt.timedelta(seconds=5))
    assert token and token != code and len(token) >= 40
    assert sessions.redeem(accounts, code, T0 + dt.timedelta(seconds=6)) is None  # single use
    rows = accounts.sql("SELECT token_hash, code_hash FROM login_session")
    assert rows == [(sessions.digest(token), None)]
    dump = json.dumps(accounts.sql("SELECT * FROM login_session"), default=str)
    assert token not in dump and code not in dump
    check = sessions.check(accounts, token, T0 + dt.timedelta(minutes=1))
    assert check.user.username == "budi" and not check.must_change and check.ended is None


def test_a_code_expires_and_garbage_is_refused(accounts):
    code = sessions.begin(accounts, "budi", T0)
    assert sessions.redeem(accounts, code, T0 + sessions.CODE_TTL + dt.timedelta(seconds=1)) is None
    for junk in (None, "", "x" * 500, "é" * 10, "tidak-ada"):
        assert sessions.redeem(accounts, junk, T0) is None
        assert sessions.check(accounts, junk, T0).user is None


def test_idle_and_absolute_expiry_as_in_core_auth(accounts):
    token = signed_in(accounts)
    t = T0
    for _ in range(30):  # active every 20 minutes: the idle timeout never strikes
        t += dt.timedelta(minutes=20)
        if t - T0 > auth.MAX_SESSION:
            break
        assert sessions.check(accounts, token, t).user is not None
    late = T0 + auth.MAX_SESSION + dt.timedelta(minutes=1)
    check = sessions.check(accounts, token, late)
    assert check.user is None and check.ended == sessions.ENDED_MAX
    assert "10 jam" in check.message and "tidak aktif" not in check.message
    assert accounts.sql("SELECT actor, action FROM audit_log WHERE action = 'session_expired'") == [
        ("budi", "session_expired")
    ]
    other = signed_in(accounts, now=T0)
    idle = sessions.check(accounts, other, T0 + auth.IDLE_TIMEOUT + dt.timedelta(seconds=1))
    assert idle.user is None and idle.ended == sessions.ENDED_IDLE and "tidak aktif" in idle.message


def test_activity_is_written_at_most_every_few_seconds(accounts):
    token = signed_in(accounts)
    sessions.check(accounts, token, T0 + dt.timedelta(seconds=3))
    assert accounts.sql("SELECT last_seen FROM login_session") == [(T0,)]
    sessions.check(accounts, token, T0 + sessions.TOUCH_EVERY)
    assert accounts.sql("SELECT last_seen FROM login_session") == [(T0 + sessions.TOUCH_EVERY,)]


def test_session_checks_do_not_change_the_data_version(tmp_path):
    from db.store import Store

    store = Store(tmp_path / "p.duckdb", data_dir=tmp_path)
    auth.create_user(store, "test", "budi", "Budi", "viewer", PW, must_change_password=False)
    version = store.data_version()
    token = signed_in(store)
    sessions.check(store, token, T0 + dt.timedelta(minutes=1))
    sessions.end(store, token)
    assert store.data_version() == version  # cached figures stay valid across sign-ins


# --------------------------------------------------------------------------- revocation
def test_keluar_ends_the_session_for_every_tab(accounts):
    token = signed_in(accounts)
    other = signed_in(accounts)  # another browser of the same user
    assert sessions.end(accounts, token) == "budi"
    check = sessions.check(accounts, token, T0 + dt.timedelta(seconds=1))
    assert check.user is None and check.ended == sessions.ENDED_LOGOUT
    assert sessions.check(accounts, other, T0 + dt.timedelta(seconds=1)).user is not None
    assert sessions.end(accounts, token) is None  # already ended


def test_password_change_reset_and_disable_revoke_every_session(accounts):
    token = signed_in(accounts)
    auth.change_own_password(accounts, "budi", PW, "Sandi-Baru-2026")
    assert sessions.check(accounts, token).ended == sessions.ENDED_PASSWORD

    token = signed_in(accounts, now=dt.datetime.now())
    auth.reset_password(accounts, "admin", "budi", "Sementara-2026")
    assert sessions.check(accounts, token).ended == sessions.ENDED_RESET

    token = signed_in(accounts, now=dt.datetime.now())
    admin_token = signed_in(accounts, "admin", now=dt.datetime.now())
    common = dict(nama="Budi", role="viewer", opd_kode=None, unit_id=None, email=None)
    auth.update_account(accounts, "admin", "budi", **common, active=False)
    check = sessions.check(accounts, token)
    assert check.user is None and check.ended == sessions.ENDED_DISABLED and "dinonaktifkan" in check.message
    assert sessions.check(accounts, admin_token).user.username == "admin"


def test_a_role_change_takes_effect_on_the_next_check(accounts):
    token = signed_in(accounts, now=dt.datetime.now())
    auth.update_account(
        accounts, "admin", "budi", nama="Budi", role="reviewer", opd_kode=None, unit_id=None, email=None, active=True
    )
    assert sessions.check(accounts, token).user.role == "reviewer"


# --------------------------------------------------------------------------- username enumeration
def _messages(store, username: str, n: int) -> list[str]:
    return [auth.authenticate(store, username, "salah-sandi-9", now=T0).message for _ in range(n)]


def test_unknown_names_get_the_same_messages_and_lockout_as_real_ones(accounts):
    real = _messages(accounts, "budi", auth.MAX_FAILED_LOGINS + 1)
    unknown = _messages(accounts, "bukan.siapa.siapa", auth.MAX_FAILED_LOGINS + 1)
    assert unknown == real
    assert "Sisa percobaan sebelum akun dikunci: 4" in real[0]
    assert "terkunci" in real[-2] and "terkunci" in real[-1]


def test_a_disabled_account_is_not_revealed_without_its_password(accounts):
    common = dict(nama="Budi", role="viewer", opd_kode=None, unit_id=None, email=None)
    auth.update_account(accounts, "admin", "budi", **common, active=False)
    wrong = auth.authenticate(accounts, "budi", "salah-sandi-9", now=T0).message
    assert wrong == auth.authenticate(accounts, "tidak.ada", "salah-sandi-9", now=T0).message
    assert "dinonaktifkan" in auth.authenticate(accounts, "budi", PW, now=T0).message


def test_an_unknown_name_writes_a_bounded_audit_actor(accounts):
    auth.authenticate(accounts, "a" * 500_000, "salah-sandi-9", now=T0)
    (actor, target) = accounts.sql("SELECT actor, target FROM audit_log WHERE action = 'login_failed'")[0]
    assert len(actor) == auth.MAX_AUDIT_NAME and len(target) == auth.MAX_AUDIT_NAME


# --------------------------------------------------------------------------- the HTTP side (ui/web.py)
def _call(asgi, path: str, *, method: str = "GET", headers: dict | None = None, body: bytes = b"", scheme="http"):
    """Call an ASGI app once; returns (status, headers as list of (name, value) str pairs, body)."""
    raw = [(k.lower().encode(), v.encode()) for k, v in {"host": "pantau.local", **(headers or {})}.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": raw,
        "client": ("127.0.0.1", 5000),
        "server": ("pantau.local", 80),
        "root_path": "",
    }
    sent: list[dict] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(asgi(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    hdrs = [(k.decode(), v.decode()) for k, v in start["headers"]]
    return start["status"], hdrs, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.fixture
def web_env(app_env, monkeypatch):
    from db.store import Store
    from ui import web

    monkeypatch.setitem(web._state, "store", None)
    store = Store(app_env, data_dir=app_env.parent / "data")
    auth.create_user(store, "test", "budi", "Budi", "viewer", PW, must_change_password=False)
    return store


def _cookie_route():
    from starlette.applications import Starlette

    from ui import web

    return Starlette(routes=web.routes())


def test_cookie_route_sets_an_httponly_strict_cookie_once(web_env):
    code = sessions.begin(web_env, "budi")
    form = {"content-type": "application/x-www-form-urlencoded", "origin": "http://pantau.local"}
    status, headers, _ = _call(
        _cookie_route(), "/pantau/sesi", method="POST", headers=form, body=f"kode={code}".encode()
    )
    assert status == 204
    cookie_header = next(v for k, v in headers if k == "set-cookie")
    cookie = SimpleCookie(cookie_header)[sessions.COOKIE]
    assert cookie["httponly"] and cookie["samesite"].lower() == "strict" and not cookie["secure"]
    assert int(cookie["max-age"]) == int(auth.MAX_SESSION.total_seconds()) and cookie["path"] == "/"
    assert sessions.check(web_env, cookie.value).user.username == "budi"
    again = _call(_cookie_route(), "/pantau/sesi", method="POST", headers=form, body=f"kode={code}".encode())
    assert again[0] == 400 and "tidak berlaku" in again[2].decode()


def test_cookie_route_marks_the_cookie_secure_over_https_and_refuses_other_origins(web_env):
    form = {"content-type": "application/x-www-form-urlencoded"}
    code = sessions.begin(web_env, "budi")
    status, headers, _ = _call(
        _cookie_route(), "/pantau/sesi", method="POST", headers=form, body=f"kode={code}".encode(), scheme="https"
    )
    assert status == 204 and SimpleCookie(dict(headers)["set-cookie"])[sessions.COOKIE]["secure"]
    code = sessions.begin(web_env, "budi")
    evil = {**form, "origin": "https://evil.example"}
    assert _call(_cookie_route(), "/pantau/sesi", method="POST", headers=evil, body=f"kode={code}".encode())[0] == 403


def test_downloads_and_uploads_need_a_valid_session_cookie(web_env):
    from ui import web

    reached: list[str] = []

    async def inner(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"isi"})

    guard = web.SessionGuard(inner)
    assert web.active()
    for path in ("/media/abc123.xlsx", "/_stcore/upload_file/sid/fid"):
        status, _, body = _call(guard, path)
        assert status == 403 and "masuk" in body.decode()
        assert _call(guard, path, headers={"cookie": f"{sessions.COOKIE}=palsu"})[0] == 403
    token = signed_in(web_env, now=dt.datetime.now())
    status, _, body = _call(guard, "/media/abc123.xlsx", headers={"cookie": f"{sessions.COOKIE}={token}"})
    assert status == 200 and body == b"isi"
    assert _call(guard, "/rekap")[0] == 200  # pages themselves check the cookie on every run
    sessions.end(web_env, token)
    assert _call(guard, "/media/abc123.xlsx", headers={"cookie": f"{sessions.COOKIE}={token}"})[0] == 403
    assert reached == ["/media/abc123.xlsx", "/rekap"]
