"""The login gate of the app: first-run setup, sign-in form, optional single sign-on
(``st.login``), session expiry and logout. The rules live in :mod:`core.auth` and
:mod:`core.sessions`.

Who is signed in is decided on every script run from the session cookie (``st.context.cookies``)
checked against the database (:func:`core.sessions.check`); ``st.session_state`` only carries
the result within the browser session and is never trusted on its own, so a client that
presents a known Streamlit session id without the cookie gets the login screen. A successful
sign-in records the session and hands the browser a one-time code, which the cookie route of
``ui/web.py`` exchanges for the HttpOnly cookie; the page then reloads at the same address (a
deep link such as ``/rekap?tahun=2026&bulan=4`` opens signed in on that page).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

from core import sessions
from core.access import User, can_open
from core.auth import AuthError, authenticate, current_account, role_label, setup_first_admin
from db.store import Store
from ui import web
from ui.safe import md_escape
from ui.state import get_store

AUTH_KEY = "auth"
# AppTest runs have no browser and so no cookies: a test puts the session token here instead
# (read only when the run has no browser client; the app itself never stores a token).
TEST_TOKEN_KEY = "_test_session_token"
_SEEN_KEY = "_ended_session_seen"  # the ended session whose notice was already shown
_NEXT_KEY = "_login_next"  # the page address a signed-out deep link asked for
_KEEP = ("_w_tahun", "_w_bulan", _SEEN_KEY, _NEXT_KEY)
# The user app.py's gate admitted in the current script run (each browser session runs its
# script in a thread of its own); a page run inside that run need not ask the database again.
_RUN = threading.local()
_ENDED = "Sesi Anda telah berakhir. Silakan masuk kembali."


def _token() -> str | None:
    """The session token of this run: the browser's cookie (a test's token when no browser)."""
    token = st.context.cookies.get(sessions.COOKIE)
    if isinstance(token, str) and token:
        return token
    if not st.context.headers:  # no browser client: AppTest (whose stand-in runtime has no real cookies)
        token = st.session_state.get(TEST_TOKEN_KEY)
        return token if isinstance(token, str) else None
    return None


def _clear(notice: str | None) -> None:
    """Forget everything of the browser session but the period, and keep a notice for the login screen."""
    st.session_state.pop(AUTH_KEY, None)
    for key in [k for k in st.session_state if k not in _KEEP]:
        del st.session_state[key]
    if notice:
        st.session_state["login_notice"] = notice


def sign_out(store: Store, reason: str = "logout", notice: str | None = None) -> None:
    """Keluar: revoke the session (every tab that uses it is signed out on its next action),
    audit it, and keep a notice for the login screen."""
    auth = st.session_state.get(AUTH_KEY) or {}
    username = sessions.end(store, _token(), sessions.ENDED_LOGOUT) or auth.get("username")
    if username:
        store.audit_many([(username, reason, username, None)])
    if auth.get("session"):
        st.session_state[_SEEN_KEY] = auth["session"]
    _clear(notice)
    if _sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def gate(store: Store) -> User | None:
    """The signed-in user, from the session cookie checked against the database on every run
    (expiry, revocation, a role change or a disabled account take effect at once); ``None``
    when the login or setup screen must show."""
    had = AUTH_KEY in st.session_state
    result = sessions.check(store, _token())
    if result.user is not None:
        st.session_state[AUTH_KEY] = {
            "username": result.user.username,
            "user": result.user,
            "must_change": result.must_change,
            "session": result.session_id,
        }
        return result.user
    fresh_end = result.ended is not None and st.session_state.get(_SEEN_KEY) != result.session_id
    if had or fresh_end:
        _clear(result.message if fresh_end else _ENDED)
        if result.session_id:
            st.session_state[_SEEN_KEY] = result.session_id
    if _sso_configured() and getattr(st.user, "is_logged_in", False) and not had:
        row = store.user_by_email(st.user.get("email") or "")
        account = current_account(store, row["username"]) if row else None
        if account:
            user = account[0]
            store.audit_many([(user.username, "login", user.username, "single sign-on")])
            hand_over(store, user)
        st.session_state["login_notice"] = (
            "Akun SSO Anda belum terdaftar di Pantau. Minta admin mencatat alamat e-mail Anda pada akun Anda."
        )
    return None


_HAND_OVER_JS = r"""
<div id="pantau-masuk" style="color:#b42318"></div>
<script>
(function () {
  var note = function (text) { var el = document.getElementById("pantau-masuk"); if (el) el.textContent = text; };
  fetch(%(path)s, {method: "POST", body: new URLSearchParams({kode: %(code)s}),
                   credentials: "same-origin", cache: "no-store"})
    .then(function (r) {
      if (!r.ok) { r.text().then(note); return; }
      var next = %(next)s, path = window.location.pathname;
      if (next) {
        window.location.replace(next);
      } else if (/\/masuk\/?$/.test(path)) {
        window.location.replace(path.replace(/masuk\/?$/, "") + window.location.search);
      } else {
        window.location.reload();
      }
    })
    .catch(function () { note("Server Pantau tidak dapat dihubungi. Muat ulang halaman, lalu masuk kembali."); });
})();
</script>
"""


def hand_over(store: Store, user: User, page: str | None = None) -> None:
    """After a successful sign-in: record the session and let the browser exchange its one-time
    code for the session cookie, then reload the page at the same address (``page``: the key of
    the page asked for; one the user may not open gives way to the default page). Stops the run."""
    if st.context.headers and not web.active():
        st.error(
            "Pantau dijalankan tanpa layanan sesi masuk, sehingga tidak ada yang dapat masuk. "
            "Admin: jalankan Pantau dengan `make run` (perintah `streamlit run serve.py`).",
            icon=":material/error:",
        )
        st.stop()
    code = sessions.begin(store, user.username)
    target = st.session_state.pop(_NEXT_KEY, None) or {"page": page, "address": None}
    next_url = target["address"]
    if target["page"]:
        account = current_account(store, user.username)
        if account is None or account[1] or not can_open(user, target["page"]):
            next_url = "/" + _query()  # the default page (Akun Saya while a password must change)
    st.html(
        _HAND_OVER_JS % {"path": json.dumps(web.SESSION_PATH), "code": json.dumps(code), "next": json.dumps(next_url)},
        unsafe_allow_javascript=True,
    )
    st.info(f"Masuk sebagai {md_escape(user.nama)} ...", icon=":material/login:")
    st.stop()


def login_pages(url_paths: Mapping[str, str]) -> list:
    """The pages of the signed-out app (``url_paths``: page key -> address): the login screen at
    every page address, so that a bookmark or deep link keeps its address (and query) and opens
    that page after sign-in (the user's default page when the role may not open it)."""
    pages = [st.Page(login_page, title="Masuk", icon=":material/login:", url_path="masuk", default=True)]
    pages += [
        st.Page(_login_at(key), title="Masuk", icon=":material/login:", url_path=path)
        for key, path in url_paths.items()
        if path and path != "masuk"
    ]
    return pages


def _login_at(page: str):
    def login_here() -> None:
        login_page(page)

    return login_here


def _query() -> str:
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    return f"?{urlencode(query, doseq=True)}" if query else ""


def verified_username() -> str | None:
    """The user the session cookie signs in right now (for work done before the gate runs, such
    as a download button's callback), or ``None``."""
    result = sessions.check(get_store(), _token())
    return result.user.username if result.user else None


def require_page(url_path: str, page: str) -> User:
    """Call first on every page; returns the signed-in user.

    The login gate runs here as well as in app.py: a page file can run without app.py
    (AppTest runs one directly), so expiry, a disabled account and the role are checked on every run of every
    page. Without a valid session, or before app.py set up the session, hand over to app.py,
    which signs the user in and then opens the requested page. A role that may not open
    ``page`` (a key of :data:`core.access.PAGE_ROLES`) is stopped with a message."""
    user = getattr(_RUN, "user", None)
    if user is None and (st.session_state.get(AUTH_KEY) or _token()):
        user = gate(get_store())
    if user is None or "period" not in st.session_state:
        st.session_state["_goto"] = url_path
        if user is None:  # after sign-in, the browser comes back to this address
            st.session_state[_NEXT_KEY] = {"page": page, "address": f"/{url_path}{_query()}"}
        st.switch_page("app.py")
    if not can_open(user, page) or (page != "akun" and must_change_password()):
        st.error(
            "Halaman ini tidak tersedia untuk peran Anda. Pilih halaman lain dari menu di samping.",
            icon=":material/block:",
        )
        st.stop()
    return user


def run_page(nav, user: User) -> None:
    """Run the page ``nav`` chose for ``user``, whom app.py's gate admitted in this run."""
    _RUN.user = user
    try:
        nav.run()
    finally:
        _RUN.user = None


def must_change_password() -> bool:
    """Does the signed-in account still carry a temporary password set by an admin (as the
    gate read it in this run)?"""
    auth = st.session_state.get(AUTH_KEY)
    return bool(auth and auth.get("must_change"))


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def login_page(page: str | None = None) -> None:
    """The sign-in screen (or the first-run setup when no account exists yet); ``page``: the key
    of the page whose address it was opened at."""
    store = get_store()
    if store.count_users() == 0:
        setup_page(store)
        return
    _, mid, _ = st.columns([1, 1.4, 1])
    with mid:
        st.title(":material/monitoring: Pantau")
        st.caption("Pengendalian realisasi fisik dan keuangan, serta pengumpulan data kinerja.")
        notice = st.session_state.pop("login_notice", None)
        if notice:
            st.info(notice, icon=":material/info:")
        with st.form("login", border=True):
            st.subheader("Masuk")
            username = st.text_input("Nama pengguna", key="login_username")
            password = st.text_input("Kata sandi", type="password", key="login_password")
            submitted = st.form_submit_button("Masuk", type="primary", icon=":material/login:")
        if submitted:
            result = authenticate(store, username, password)
            if result.user:
                hand_over(store, result.user, page)
            st.error(result.message, icon=":material/lock:")
        if _sso_configured():
            st.button("Masuk dengan akun instansi (SSO)", on_click=st.login, icon=":material/badge:")
        st.caption("Lupa kata sandi? Minta admin Pantau mengatur ulang kata sandi Anda.")


def setup_page(store: Store) -> None:
    """First run: create the first admin account (no default password exists anywhere)."""
    _, mid, _ = st.columns([1, 1.6, 1])
    with mid:
        st.title(":material/monitoring: Selamat datang di Pantau")
        st.write(
            "Basis data ini belum memiliki akun. Buat akun **admin pertama**. Admin dapat menambah pengguna "
            "lain (operator OPD, unit kerja, pemeriksa, penyetuju, pembaca) setelah masuk."
        )
        with st.form("setup", border=True):
            nama = st.text_input("Nama lengkap", key="setup_nama")
            username = st.text_input("Nama pengguna", key="setup_username", placeholder="mis. admin.adpem")
            pw1 = st.text_input(
                "Kata sandi", type="password", key="setup_pw1", help="Minimal 10 karakter, memuat huruf dan angka."
            )
            pw2 = st.text_input("Ulangi kata sandi", type="password", key="setup_pw2")
            submitted = st.form_submit_button("Buat admin dan masuk", type="primary", icon=":material/person_add:")
        if submitted:
            if pw1 != pw2:
                st.error("Kedua kata sandi tidak sama. Ketik ulang.", icon=":material/error:")
            else:
                try:
                    user = setup_first_admin(store, username, nama, pw1)
                except AuthError as exc:
                    st.error(str(exc), icon=":material/error:")
                else:
                    store.audit_many([(user.username, "login", user.username, "admin pertama")])
                    hand_over(store, user)
        st.caption("Punya berkas cadangan Pantau? Pulihkan setelah masuk sebagai admin, pada halaman **Cadangan**.")


def sidebar_account(store: Store, user: User) -> None:
    """Who is signed in, with scope, and the logout button."""
    with st.sidebar:
        st.divider()
        scope = ""
        if user.opd_scope:
            names = {o.kode: o.nama for o in store.opds()}
            scope = f" · {md_escape(names.get(user.opd_scope, user.opd_scope))}"
        st.caption(
            f"Masuk sebagai **{md_escape(user.nama)}** ({md_escape(user.username)})  \n{role_label(user.role)}{scope}"
        )
        if st.button("Keluar", icon=":material/logout:", key="logout"):
            sign_out(store, notice="Anda telah keluar.")
            st.rerun()
