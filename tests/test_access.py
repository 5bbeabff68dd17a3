"""Accounts, sign-in rules, roles and OPD scope of queries, downloads and the import path."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import FIXTURES, load_expected
from pg_support import use_both_engines

from core import auth
from core.access import PAGE_ROLES, ROLES, User, can_open, pages_for
from core.auth import AuthError
from core.recap import recap_opd
from etl.pipeline import Master, Upload, analyse_batch, commit_batch, ingest_paths

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

EXPECTED = load_expected()["files"]
DINKES = "realisasi/realisasi_dinkes_2026-03.xlsx"
DISTAN = "realisasi/distan_2026-03.csv"
PW = "Rahasia-2026"


def _kode(store, name: str) -> str:
    return next(o.kode for o in store.opds() if o.nama == name)


def _audit(store) -> list[tuple]:
    return store.sql("SELECT actor, action, target, detail FROM audit_log ORDER BY id")


# --------------------------------------------------------------------------- passwords and sign-in
def test_password_is_stored_as_argon2id_never_plain(store):
    auth.create_user(store, "admin", "budi", "Budi Santoso", "viewer", PW)
    row = store.get_user("budi")
    assert row["password_hash"].startswith("$argon2id$")
    assert PW not in str(store.sql("SELECT * FROM app_user"))
    assert auth.authenticate(store, "BUDI ", PW).user == User("budi", "Budi Santoso", "viewer")


@pytest.mark.parametrize(
    "password, problem",
    [
        ("pendek1", "minimal 10"),
        ("hanyahurufsaja", "huruf dan angka"),
        ("1234567890", "huruf dan angka"),
        ("budi-rahasia-1", "nama pengguna"),
    ],
)
def test_weak_passwords_are_refused(store, password, problem):
    with pytest.raises(AuthError, match=problem):
        auth.create_user(store, "admin", "budi", "Budi", "viewer", password)
    assert store.count_users() == 0


def test_wrong_password_counts_down_then_locks_and_unlocks(store):
    auth.create_user(store, "admin", "siti", "Siti", "viewer", PW)
    t0 = dt.datetime(2026, 11, 23, 9, 0)
    for n in range(1, auth.MAX_FAILED_LOGINS):
        res = auth.authenticate(store, "siti", "salah-sandi-1", now=t0)
        assert res.user is None and f"Sisa percobaan sebelum akun dikunci: {auth.MAX_FAILED_LOGINS - n}" in res.message
    res = auth.authenticate(store, "siti", "salah-sandi-1", now=t0)
    assert res.user is None and "Akun terkunci" in res.message and "15 menit" in res.message
    # while locked, even the right password is refused
    res = auth.authenticate(store, "siti", PW, now=t0 + dt.timedelta(minutes=10))
    assert res.user is None and "Akun terkunci" in res.message
    # after the lock-out it works again, and the counter starts afresh
    assert auth.authenticate(store, "siti", PW, now=t0 + auth.LOCKOUT + dt.timedelta(seconds=1)).user
    assert store.get_user("siti")["failed_attempts"] == 0
    actions = [a[1] for a in _audit(store)]
    assert actions.count("login_failed") == auth.MAX_FAILED_LOGINS + 1 and actions[-1] == "login"


def test_unknown_user_and_disabled_account(store):
    auth.create_user(store, "admin", "admin1", "Admin", "admin", PW)
    auth.create_user(store, "admin1", "rudi", "Rudi", "viewer", PW)
    res = auth.authenticate(store, "tidakada", PW)
    assert res.user is None and "salah" in res.message
    auth.update_account(
        store, "admin1", "rudi", nama="Rudi", role="viewer", opd_kode=None, unit_id=None, email=None, active=False
    )
    res = auth.authenticate(store, "rudi", PW)
    assert res.user is None and "dinonaktifkan" in res.message
    assert auth.current_account(store, "rudi") is None  # a running session ends at its next click
    failed = [a for a in _audit(store) if a[1] == "login_failed"]
    assert [f[3] for f in failed] == ["pengguna tidak dikenal", "akun nonaktif"]


def test_session_expiry():
    start = dt.datetime(2026, 11, 23, 8, 0)
    assert not auth.session_expired(start, start + dt.timedelta(minutes=20), start + dt.timedelta(minutes=45))
    assert auth.session_expired(start, start, start + auth.IDLE_TIMEOUT + dt.timedelta(seconds=1))
    assert auth.session_expired(start, start + dt.timedelta(hours=10), start + dt.timedelta(hours=10, minutes=1))


def test_first_admin_only_once(store):
    user = auth.setup_first_admin(store, "Admin.Adpem", "Admin Adpem", PW)
    assert user.role == "admin" and user.username == "admin.adpem"
    with pytest.raises(AuthError, match="sudah dibuat"):
        auth.setup_first_admin(store, "lain", "Lain", PW)


def test_user_management_rules_and_audit(dpa_store):
    store = dpa_store
    kode = _kode(store, "Dinas Kesehatan")
    auth.create_user(store, "root", "admin1", "Admin", "admin", PW)
    with pytest.raises(AuthError, match="wajib dikaitkan dengan satu OPD"):
        auth.create_user(store, "admin1", "op1", "Operator", "opd", PW)
    with pytest.raises(AuthError, match="Nama pengguna 3-32"):
        auth.create_user(store, "admin1", "x", "X", "viewer", PW)
    auth.create_user(store, "admin1", "op1", "Operator", "opd", PW, opd_kode=kode)
    with pytest.raises(AuthError, match="sudah dipakai"):
        auth.create_user(store, "admin1", "OP1", "Operator", "viewer", PW)
    # the last active admin cannot be demoted or disabled
    with pytest.raises(AuthError, match="admin aktif terakhir"):
        auth.update_account(
            store, "admin1", "admin1", nama="Admin", role="viewer", opd_kode=None, unit_id=None, email=None, active=True
        )
    # reset: temporary password, must change at next sign-in; the user changes it
    auth.reset_password(store, "admin1", "op1", "Sementara-123")
    assert store.get_user("op1")["must_change_password"]
    with pytest.raises(AuthError, match="lama salah"):
        auth.change_own_password(store, "op1", PW, "Baru-sekali-9")
    auth.change_own_password(store, "op1", "Sementara-123", "Baru-sekali-9")
    assert not store.get_user("op1")["must_change_password"]
    assert auth.authenticate(store, "op1", "Baru-sekali-9").user.opd_scope == kode
    actions = [(a[0], a[1], a[2]) for a in _audit(store) if a[1].startswith(("user_", "password_"))]
    assert actions == [
        ("root", "user_create", "admin1"),
        ("admin1", "user_create", "op1"),
        ("admin1", "password_reset", "op1"),
        ("op1", "password_change", "op1"),
    ]


# --------------------------------------------------------------------------- roles
def test_role_page_matrix():
    read = ["ringkasan", "rekap", "fisik", "status", "rakor"]
    with_materi = read[:4] + ["materi"] + read[4:]  # the meeting pack: not for OPD operators
    kinerja = ["kinerja_permintaan", "kinerja_isi", "kinerja_data", "kinerja_review"]
    expected = {
        "admin": with_materi
        + ["permintaan"]
        + kinerja
        + ["impor", "pengaturan", "pengguna", "audit", "cadangan", "akun"],
        "opd": read + ["impor", "akun"],
        "unit": ["kinerja_isi", "kinerja_data", "impor", "akun"],
        "reviewer": with_materi + ["kinerja_permintaan", "kinerja_data", "kinerja_review", "akun"],
        "approver": with_materi + ["kinerja_permintaan", "kinerja_data", "kinerja_review", "akun"],
        "viewer": with_materi + ["kinerja_data", "akun"],
    }
    assert set(expected) == set(ROLES)
    for role, pages in expected.items():
        assert pages_for(User("u", "U", role, "1" if role == "opd" else None)) == pages
    assert not can_open(None, "ringkasan")
    assert set(PAGE_ROLES["akun"]) == set(ROLES)


# --------------------------------------------------------------------------- scope of data
@pytest.fixture
def two_opds(dpa_store):
    results = ingest_paths(dpa_store, [FIXTURES / DINKES, FIXTURES / DISTAN])
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    return dpa_store


def test_recap_history_and_originals_are_scoped(two_opds):
    store = two_opds
    dinkes = _kode(store, EXPECTED[DINKES]["opd_name"])
    distan = _kode(store, EXPECTED[DISTAN]["opd_name"])
    recap = recap_opd(store, 2026, 3, dinkes)
    assert recap["opd_kode"].tolist() == [dinkes]
    assert recap["pagu"].iloc[0] == pytest.approx(EXPECTED[DINKES]["sum_pagu"])
    assert recap["realisasi_keuangan"].iloc[0] == pytest.approx(EXPECTED[DINKES]["sum_realisasi_keuangan"])
    assert len(recap_opd(store, 2026, 3)) == 8
    history = store.import_history(opd=dinkes)
    assert history["file_name"].tolist() == ["realisasi_dinkes_2026-03.xlsx"]
    own_id = int(history["id"].iloc[0])
    other_id = int(store.import_history(opd=distan)["id"].iloc[0])
    dpa_id = int(store.sql("SELECT id FROM import WHERE kind = 'dpa'")[0][0])
    assert store.read_archived(own_id, opd=dinkes)[1] == (FIXTURES / DINKES).read_bytes()
    assert store.read_archived(other_id, opd=dinkes) is None
    assert store.read_archived(dpa_id, opd=dinkes) is None
    assert store.read_archived(other_id) is not None  # admin: everything
    assert store.import_issues(other_id, opd=dinkes).empty


def test_opd_user_cannot_load_another_opds_report_or_the_dpa(dpa_store):
    store = dpa_store
    dinkes = _kode(store, EXPECTED[DINKES]["opd_name"])
    user = User("op", "Operator", "opd", dinkes)
    before = store.table_checksums()
    uploads = [Upload(p.name, p.read_bytes()) for p in (FIXTURES / DISTAN, FIXTURES / "master" / "dpa_2026.xlsx")]
    preview = analyse_batch(uploads, Master.from_store(store), scope=user)
    assert all(a.rejected for a in preview)
    results = commit_batch(store, uploads, "op", scope=user)
    assert [r[0]["status"] for r in results] == ["rejected", "rejected"]
    distan_msg = next(i["message"] for i in results[0][0]["issues"] if i["code"] == "outside_scope")
    assert EXPECTED[DISTAN]["opd_name"] in distan_msg and "akun Anda hanya untuk Dinas Kesehatan" in distan_msg
    dpa_msg = next(i["message"] for i in results[1][0]["issues"] if i["code"] == "outside_scope")
    assert "DPA hanya dapat dimuat oleh admin" in dpa_msg
    assert store.table_checksums() == before
    # its own report goes in
    own = commit_batch(store, [Upload(DINKES.split("/")[1], (FIXTURES / DINKES).read_bytes())], "op", scope=user)
    assert own[0][0]["status"] == "accepted"
    assert store.sql("SELECT created_by, opd_kode FROM import WHERE kind = 'realisasi'") == [("op", dinkes)]


@pytest.mark.parametrize("role", ["viewer", "reviewer", "approver", "unit"])
def test_read_only_roles_cannot_load_anything(dpa_store, role):
    user = User("u", "U", role, unit_id=1 if role == "unit" else None)
    before = dpa_store.table_checksums()
    results = commit_batch(dpa_store, [Upload("dinkes.xlsx", (FIXTURES / DINKES).read_bytes())], "u", scope=user)
    assert results[0][0]["status"] == "rejected"
    # a unit may load its own kinerja formats only (tests/test_kinerja_pages.py), nothing else
    why = "hanya dapat mengunggah format data kinerja" if role == "unit" else "tidak berwenang mengimpor"
    assert any(why in i["message"] for i in results[0][0]["issues"])
    assert dpa_store.table_checksums() == before


def test_audit_entries_alone_keep_cached_reads(store, tmp_path):
    """A login or a download writes only to the audit log: the data version (the cache key of
    every cached read) stays; a real change moves it."""
    from core.auth import create_user

    before = store.data_version()
    store.audit_many([("admin", "download", "rekap.xlsx", None)])
    assert store.data_version() == before
    assert store.audit_entries(action="download")["target"].tolist() == ["rekap.xlsx"]
    create_user(store, "admin", "baru.satu", "Pengguna Baru", "viewer", "Rahasia-Baru-2026")
    assert store.data_version() > before
