"""Accounts and sign-in: argon2id password hashes, lock-out after repeated failures, session
expiry, and user management with every change written to the audit log.

The rules are plain functions over a :class:`db.store.Store`; the Streamlit login gate
(``ui/auth.py``), the admin page and the tests all use them.
"""

from __future__ import annotations

import datetime as dt
import getpass
import math
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.access import ROLES, Forbidden, User, require_role, scope_problem
from db.store import Store

MAX_FAILED_LOGINS = 5  # consecutive failures before the account is locked
LOCKOUT = dt.timedelta(minutes=15)  # how long a locked account stays locked
IDLE_TIMEOUT = dt.timedelta(minutes=30)  # a session with no activity for this long ends
MAX_SESSION = dt.timedelta(hours=10)  # a session ends after a working day in any case
MIN_PASSWORD = 10

_HASHER = PasswordHasher()
# Verified against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("pantau-dummy-password")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


class AuthError(ValueError):
    """A sign-in or account change refused, with the Indonesian message for the user."""


@dataclass(frozen=True)
class LoginResult:
    """Outcome of :func:`authenticate`: the user on success, else the message to show."""

    user: User | None
    message: str = ""


def _now() -> dt.datetime:
    return dt.datetime.now()


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _HASHER.hash(password)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is not acceptable (Indonesian), or ``None``."""
    if len(password) < MIN_PASSWORD:
        return f"Kata sandi minimal {MIN_PASSWORD} karakter."
    if username and username.lower() in password.lower():
        return "Kata sandi tidak boleh memuat nama pengguna."
    if password.isdigit() or password.isalpha():
        return "Kata sandi harus memuat huruf dan angka (atau tanda baca)."
    return None


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive and kept in lower case without surrounding spaces."""
    return (username or "").strip().lower()


def to_user(row: dict) -> User:
    """The :class:`User` of an ``app_user`` row."""
    return User(
        username=row["username"], nama=row["nama"], role=row["role"], opd_kode=row["opd_kode"], unit_id=row["unit_id"]
    )


MAX_AUDIT_NAME = 64  # an unknown name typed at the login is audited cut to this length
_UNKNOWN_LIMIT = 10_000  # unknown names whose failures are counted (oldest forgotten first)
_unknown_failures: OrderedDict[str, tuple[int, dt.datetime | None]] = OrderedDict()
_unknown_lock = threading.Lock()


def authenticate(store: Store, username: str, password: str, now: dt.datetime | None = None) -> LoginResult:
    """Check a username and password; count failures, lock after :data:`MAX_FAILED_LOGINS`,
    and write ``login`` / ``login_failed`` to the audit log.

    An unknown name is answered exactly like a known one with a wrong password: the same
    message, the same count of attempts left and the same lock-out (counted in memory), so
    names cannot be enumerated. A disabled account says so only after its right password."""
    now = now or _now()
    username = normalise_username(username)
    # The password is checked before the database is held (hashing takes a good part of a
    # second of CPU; the database is shared by every session of the app); it is checked again
    # inside only if the account's hash changed in between.
    before = store.get_user(username) if username else None
    hashed = before["password_hash"] if before is not None else None
    verified = _verify(hashed or _DUMMY_HASH, password)
    rehashed = hash_password(password) if verified and hashed and _HASHER.check_needs_rehash(hashed) else None
    with store.session(write=True):
        row = store.get_user(username) if username else None
        if row is None or not row["password_hash"]:
            name = username[:MAX_AUDIT_NAME]
            with _unknown_lock:
                failed, locked_until = _unknown_failures.pop(name, (0, None))
                if locked_until and locked_until > now:
                    _unknown_failures[name] = (failed, locked_until)
                    result = LoginResult(None, _locked_message(locked_until, now))
                else:
                    failed, locked = _count_failure(failed, now)
                    _unknown_failures[name] = (failed, locked)
                    result = _failure_result(failed, locked, now)
                while len(_unknown_failures) > _UNKNOWN_LIMIT:
                    _unknown_failures.popitem(last=False)
            store.audit_many([(name or "-", "login_failed", name or None, "pengguna tidak dikenal")])
            return result
        if row["password_hash"] != hashed:  # changed since it was read: check against the new one
            hashed = row["password_hash"]
            verified = _verify(hashed, password)
            rehashed = hash_password(password) if verified and _HASHER.check_needs_rehash(hashed) else None
        if row["locked_until"] and row["locked_until"] > now:
            store.audit_many([(username, "login_failed", username, "akun terkunci")])
            return LoginResult(None, _locked_message(row["locked_until"], now))
        if not verified:
            failed, locked = _count_failure(int(row["failed_attempts"] or 0), now)
            store.update_user(username, failed_attempts=failed, locked_until=locked)
            store.audit_many(
                [
                    (
                        username,
                        "login_failed",
                        username,
                        "kata sandi salah" + ("; akun dikunci" if locked else f" (ke-{failed})"),
                    )
                ]
            )
            return _failure_result(failed, locked, now)
        if not row["active"]:
            store.audit_many([(username, "login_failed", username, "akun nonaktif")])
            return LoginResult(None, "Akun ini dinonaktifkan. Hubungi admin Pantau untuk mengaktifkannya kembali.")
        fields: dict[str, object] = dict(failed_attempts=0, locked_until=None, last_login=now)
        if rehashed:
            fields["password_hash"] = rehashed
        store.update_user(username, **fields)
        store.audit_many([(username, "login", username, None)])
        return LoginResult(to_user(row))


_GENERIC = "Nama pengguna atau kata sandi salah. Periksa kembali (huruf besar/kecil pada kata sandi berpengaruh)."


def _count_failure(failed_before: int, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """(failures to keep, locked until) after one more wrong attempt: the count restarts at a lock."""
    failed = failed_before + 1
    if failed >= MAX_FAILED_LOGINS:
        return 0, now + LOCKOUT
    return failed, None


def _failure_result(failed: int, locked: dt.datetime | None, now: dt.datetime) -> LoginResult:
    if locked:
        return LoginResult(None, _locked_message(locked, now))
    return LoginResult(None, f"{_GENERIC} Sisa percobaan sebelum akun dikunci: {MAX_FAILED_LOGINS - failed}.")


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return (
        f"Akun terkunci karena {MAX_FAILED_LOGINS} kali salah kata sandi. Coba lagi dalam {minutes} menit, "
        "atau minta admin mengatur ulang kata sandi Anda."
    )


def session_expired(started: dt.datetime, last_seen: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Has a session been idle for :data:`IDLE_TIMEOUT` or lasted :data:`MAX_SESSION`?"""
    now = now or _now()
    return now - last_seen > IDLE_TIMEOUT or now - started > MAX_SESSION


def current_account(store: Store, username: str) -> tuple[User, bool] | None:
    """The user as the database says now (role or scope may have changed, the account may have
    been disabled) and whether it still carries a temporary password; ``None`` when the
    session must end."""
    row = store.get_user(username)
    if row is None or not row["active"]:
        return None
    return to_user(row), bool(row["must_change_password"])


# ---------------------------------------------------------------------------- command line
CLI_PREFIX = "cli:"  # audit names of the command line: cli:<account named by --user> or cli:<OS user>
UNSCOPED_ROLES = frozenset({"admin", "reviewer", "approver", "viewer"})  # roles that see every OPD and unit


def os_user() -> str:
    """The operating-system account running this process (from the system's account table, not
    from the USER variable anyone can set); its uid when the table has no name for it."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):
        try:
            return getpass.getuser()
        except (ImportError, KeyError, OSError):
            return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "tidak-dikenal"


def cli_actor(store: Store, username: str | None, roles: frozenset[str] | set[str], what: str) -> str:
    """The name the audit log records for a command-line run doing ``what`` (Indonesian, e.g.
    "mengimpor data"): ``cli:<username>`` when ``--user`` names an existing, active account whose
    role is one of ``roles``, else :class:`AuthError` with the reason; ``cli:<OS user>`` when no
    account is named. The command line applies no OPD or unit scope, so ``roles`` should only hold
    roles without one."""
    if username is None:
        return CLI_PREFIX + os_user()[:MAX_AUDIT_NAME]
    name = normalise_username(username)
    row = store.get_user(name) if name else None
    if row is None:
        raise AuthError(
            f"Pengguna '{username[:MAX_AUDIT_NAME]}' tidak ada di Pantau. --user harus menyebut akun yang "
            "sudah dibuat di halaman Pengguna (nama penggunanya, mis. 'admin'); tanpa --user yang dicatat "
            "adalah akun sistem operasi yang menjalankan perintah."
        )
    if not row["active"]:
        raise AuthError(f"Akun '{name}' dinonaktifkan; akun nonaktif tidak dapat dipakai untuk --user.")
    if row["role"] not in roles:
        who = ", ".join(ROLES[r].split(" (")[0] for r in ROLES if r in roles)
        raise AuthError(
            f"Akun '{name}' (peran {row['role']}) tidak berwenang {what} lewat baris perintah; yang berwenang: {who}."
        )
    return CLI_PREFIX + name


# ---------------------------------------------------------------------------- management
def _admin(actor: User | str) -> str:
    """The name of ``actor`` when it may manage accounts and unit kerja (admin), else :class:`AuthError`."""
    try:
        return require_role(actor, {"admin"}, "mengelola pengguna dan unit kerja")
    except Forbidden as exc:
        raise AuthError(str(exc)) from None


def create_user(
    store: Store,
    actor: User | str,
    username: str,
    nama: str,
    role: str,
    password: str,
    *,
    opd_kode: str | None = None,
    unit_id: int | None = None,
    email: str | None = None,
    must_change_password: bool = True,
) -> User:
    """Create an account after checking name, role, scope and password; audited. ``actor``: the
    signed-in admin (or a trusted operator's name)."""
    actor = _admin(actor)
    username = normalise_username(username)
    if not _USERNAME.match(username):
        raise AuthError(
            "Nama pengguna 3-32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung, "
            "diawali huruf atau angka (mis. 'dinkes.operator')."
        )
    if not (nama or "").strip():
        raise AuthError("Nama lengkap wajib diisi.")
    opd_kode = opd_kode if role == "opd" else None
    unit_id = unit_id if role == "unit" else None
    problem = scope_problem(role, opd_kode, unit_id) or password_problem(password, username)
    if problem:
        raise AuthError(problem)
    with store.transaction():
        if store.get_user(username):
            raise AuthError(f"Nama pengguna '{username}' sudah dipakai. Pilih nama lain.")
        store.insert_user(
            username,
            nama.strip(),
            role,
            hash_password(password),
            opd_kode=opd_kode,
            unit_id=unit_id,
            email=(email or "").strip() or None,
            must_change_password=must_change_password,
        )
        store.audit_many(
            [
                (
                    actor,
                    "user_create",
                    username,
                    f"peran {role}"
                    + (f", OPD {opd_kode}" if opd_kode else "")
                    + (f", unit {unit_id}" if unit_id else ""),
                )
            ]
        )
    return User(username, nama.strip(), role, opd_kode, unit_id)


def update_account(
    store: Store,
    actor: User | str,
    username: str,
    *,
    nama: str,
    role: str,
    opd_kode: str | None,
    unit_id: int | None,
    email: str | None,
    active: bool,
) -> None:
    """Change an account's name, role, scope, e-mail or active flag; audited. An admin cannot
    remove the last active admin."""
    actor = _admin(actor)
    opd_kode = opd_kode if role == "opd" else None
    unit_id = unit_id if role == "unit" else None
    problem = scope_problem(role, opd_kode, unit_id)
    if problem:
        raise AuthError(problem)
    with store.transaction():
        before = store.get_user(username)
        if before is None:
            raise AuthError(f"Pengguna '{username}' tidak ditemukan.")
        if before["role"] == "admin" and (role != "admin" or not active) and _active_admins(store) <= 1:
            raise AuthError("Ini admin aktif terakhir. Buat atau aktifkan admin lain dahulu.")
        changes = {
            k: v
            for k, v in dict(
                nama=nama.strip(),
                role=role,
                opd_kode=opd_kode,
                unit_id=unit_id,
                email=(email or "").strip() or None,
                active=active,
            ).items()
            if before[k] != v
        }
        if not changes:
            return
        store.update_user(username, **changes)
        store.audit_many(
            [(actor, "user_update", username, "; ".join(f"{k}: {before[k]} -> {v}" for k, v in changes.items()))]
        )
        if changes.get("active") is False:
            _end_sessions(store, username, "disabled")


def _active_admins(store: Store) -> int:
    users = store.users()
    return int(((users["role"] == "admin") & users["active"]).sum())


def reset_password(store: Store, actor: User | str, username: str, new_password: str) -> None:
    """Admin sets a temporary password: unlocks the account and asks for a change at next sign-in."""
    actor = _admin(actor)
    problem = password_problem(new_password, username)
    if problem:
        raise AuthError(problem)
    with store.transaction():
        if store.get_user(username) is None:
            raise AuthError(f"Pengguna '{username}' tidak ditemukan.")
        store.update_user(
            username,
            password_hash=hash_password(new_password),
            failed_attempts=0,
            locked_until=None,
            must_change_password=True,
        )
        store.audit_many([(actor, "password_reset", username, None)])
        _end_sessions(store, username, "reset")


def add_unit_kerja(store: Store, actor: User | str, nama: str) -> int:
    """Add a unit kerja (admin; an existing name is found, not duplicated); audited when new.
    Returns its id."""
    actor = _admin(actor)
    nama = " ".join((nama or "").split())
    if not nama:
        raise AuthError("Nama unit kerja wajib diisi.")
    return store.add_unit_kerja(nama, actor)


def change_own_password(store: Store, username: str, old_password: str, new_password: str) -> None:
    """A user changes their own password (the old one is required); audited."""
    with store.transaction():
        row = store.get_user(username)
        if row is None or not _verify(row["password_hash"] or _DUMMY_HASH, old_password):
            raise AuthError("Kata sandi lama salah.")
        problem = password_problem(new_password, username)
        if problem:
            raise AuthError(problem)
        if _verify(row["password_hash"], new_password):
            raise AuthError("Kata sandi baru harus berbeda dari yang lama.")
        store.update_user(username, password_hash=hash_password(new_password), must_change_password=False)
        store.audit_many([(username, "password_change", username, None)])
        _end_sessions(store, username, "password")


def _end_sessions(store: Store, username: str, reason: str) -> None:
    """Revoke the account's sign-in sessions (:mod:`core.sessions`, which builds on this module)."""
    from core.sessions import end_all

    end_all(store, username, reason)


def setup_first_admin(store: Store, username: str, nama: str, password: str) -> User:
    """First run: create the first admin. Refused once any account exists."""
    with store.session():
        if store.count_users():
            raise AuthError("Admin pertama sudah dibuat. Masuk dengan akun yang ada.")
        return create_user(
            store, normalise_username(username) or "-", username, nama, "admin", password, must_change_password=False
        )


def role_label(role: str) -> str:
    """Indonesian label of a role."""
    return ROLES.get(role, role)
