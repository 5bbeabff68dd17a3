"""The login gate of the app: first-run setup, sign-in form, optional single sign-on
(``st.login``), session expiry and logout. The rules live in :mod:`core.auth`."""

from __future__ import annotations

import datetime as dt
import threading

import streamlit as st

from core.access import User, can_open
from core.auth import AuthError, authenticate, current_account, role_label, session_expired, setup_first_admin
from db.store import Store
from ui.state import get_store

AUTH_KEY = "auth"
# The user app.py's gate admitted in the current script run (each browser session runs its
# script in a thread of its own); a page run inside that run need not ask the database again.
_RUN = threading.local()


def sign_in(user: User, must_change: bool = False) -> None:
    """Start a session for ``user``."""
    now = dt.datetime.now()
    st.session_state[AUTH_KEY] = {
        "username": user.username,
        "started": now,
        "last_seen": now,
        "user": user,
        "must_change": must_change,
    }


def sign_out(store: Store, reason: str = "logout", notice: str | None = None) -> None:
    """End the session (audited), keep a notice for the login screen."""
    auth = st.session_state.pop(AUTH_KEY, None)
    if auth:
        store.audit_many([(auth["username"], reason, auth["username"], None)])
    for key in [k for k in st.session_state if k not in ("_w_tahun", "_w_bulan")]:
        del st.session_state[key]
    if notice:
        st.session_state["login_notice"] = notice
    if _sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def gate(store: Store) -> User | None:
    """The signed-in user, refreshed from the database on every run (a role change or a
    disabled account takes effect at once); ``None`` when the login or setup screen must show."""
    auth = st.session_state.get(AUTH_KEY)
    if auth:
        now = dt.datetime.now()
        if session_expired(auth["started"], auth["last_seen"], now):
            sign_out(
                store, "session_expired", "Sesi Anda berakhir karena terlalu lama tidak aktif. Silakan masuk kembali."
            )
            return None
        account = current_account(store, auth["username"])
        if account is None:
            sign_out(store, "session_ended", "Akun Anda dinonaktifkan atau dihapus. Hubungi admin Pantau.")
            return None
        auth["last_seen"], (auth["user"], auth["must_change"]) = now, account
        return auth["user"]
    if _sso_configured() and getattr(st.user, "is_logged_in", False):
        row = store.user_by_email(st.user.get("email") or "")
        account = current_account(store, row["username"]) if row else None
        if account:
            user = account[0]
            store.audit_many([(user.username, "login", user.username, "single sign-on")])
            sign_in(*account)
            return user
        st.session_state["login_notice"] = (
            "Akun SSO Anda belum terdaftar di Pantau. Minta admin mencatat alamat e-mail Anda pada akun Anda."
        )
    return None


def require_page(url_path: str, page: str) -> User:
    """Call first on every page; returns the signed-in user.

    The login gate runs here as well as in app.py: Streamlit can run a file of pages/
    without app.py (its legacy pages/ mode on a fresh server's deep link, and AppTest
    reruns), so expiry, a disabled account and the role are checked on every run of every
    page. Without a valid session, or before app.py set up the session, hand over to app.py,
    which signs the user in and then opens the requested page. A role that may not open
    ``page`` (a key of :data:`core.access.PAGE_ROLES`) is stopped with a message."""
    user = getattr(_RUN, "user", None)
    if user is None and st.session_state.get(AUTH_KEY):
        user = gate(get_store())
    if user is None or "period" not in st.session_state:
        st.session_state["_goto"] = url_path
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


def login_page() -> None:
    """The sign-in screen (or the first-run setup when no account exists yet)."""
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
                sign_in(result.user)
                st.rerun()
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
                    sign_in(user)
                    st.rerun()
        st.caption("Punya berkas cadangan Pantau? Pulihkan setelah masuk sebagai admin, pada halaman **Cadangan**.")


def sidebar_account(store: Store, user: User) -> None:
    """Who is signed in, with scope, and the logout button."""
    with st.sidebar:
        st.divider()
        scope = ""
        if user.opd_scope:
            names = {o.kode: o.nama for o in store.opds()}
            scope = f" · {names.get(user.opd_scope, user.opd_scope)}"
        st.caption(f"Masuk sebagai **{user.nama}** ({user.username})  \n{role_label(user.role)}{scope}")
        if st.button("Keluar", icon=":material/logout:", key="logout"):
            sign_out(store, notice="Anda telah keluar.")
            st.rerun()
