"""Rules in core: every write a page offers is a core function that takes the signed-in user and
checks the role itself (a page that forgot its guard still cannot write), "approve all verified"
is one transaction, and the KPI counts of the Status, Review Kinerja and Permintaan Data Kinerja
pages are core functions."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from pathlib import Path

import pandas as pd
import pytest
from pg_support import use_both_engines

from core import review
from core import settings as settings_mod
from core.access import Forbidden, User, require_role
from core.auth import AuthError, add_unit_kerja, create_user, reset_password, update_account
from core.backup import make_backup
from core.kinerja_input import add_indikator
from core.klasifikasi import KlasifikasiError, override_jenis
from core.status import reporting_status, status_counts
from db.store import Store

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

ROOT = Path(__file__).resolve().parent.parent
ADMIN = User("admin1", "Admin", "admin")
VIEWER = User("bupati", "Bupati", "viewer")
CAMAT = User("camat", "Camat", "approver")
SEKCAM = User("sekcam", "Sekcam", "reviewer")


def _audit(store, action: str) -> list[tuple]:
    return store.sql("SELECT actor, target FROM audit_log WHERE action = ? ORDER BY id", [action])


# --------------------------------------------------------------------------- every page write
_WRITES = re.compile(r"_wrote\(\)|\.transaction\(\)|\b(INSERT|UPDATE|DELETE)\b")


def test_pages_call_no_store_method_that_writes():
    """Pages read through the store; every write goes through a core function."""
    calls = {
        (page.name, name)
        for page in sorted((ROOT / "views").glob("*.py"))
        for name in re.findall(r"\bstore\.(\w+)\(", page.read_text(encoding="utf-8"))
    }
    writes = sorted((p, n) for p, n in calls if _WRITES.search(inspect.getsource(getattr(Store, n))))
    assert writes == []
    assert ("audit.py", "audit_entries") in calls  # the scan sees the pages' reads ...
    for name in ("override_jenis", "add_unit_kerja", "save_settings", "review_put", "insert_user"):
        assert _WRITES.search(inspect.getsource(getattr(Store, name))), name  # ... and would see writes


def test_require_role():
    assert require_role(ADMIN, {"admin"}, "x") == "admin1"
    assert require_role("cli", {"admin"}, "x") == "cli"  # a trusted operator, not a signed-in user
    with pytest.raises(Forbidden, match="tidak berwenang mengubah pengaturan"):
        require_role(VIEWER, {"admin"}, "mengubah pengaturan")


# --------------------------------------------------------------------------- classification
def test_override_jenis_admin_only_with_a_reason(dpa_store):
    row = dpa_store.classification(2026).iloc[0]
    opd, kode = row["opd_kode"], row["kode"]
    new = "non_fisik" if row["jenis"] == "fisik" else "fisik"
    for user in (VIEWER, User("op", "Op", "opd", opd_kode=opd), CAMAT):
        with pytest.raises(Forbidden):
            override_jenis(dpa_store, user, 2026, opd, kode, new, "alasan")
    with pytest.raises(KlasifikasiError, match="Alasan wajib"):
        override_jenis(dpa_store, ADMIN, 2026, opd, kode, new, "  ")
    with pytest.raises(KlasifikasiError, match="tidak dikenal"):
        override_jenis(dpa_store, ADMIN, 2026, opd, kode, "jalan", "alasan")
    with pytest.raises(KlasifikasiError, match="tidak ada di DPA"):
        override_jenis(dpa_store, ADMIN, 2026, opd, "9.99.99", new, "alasan")
    assert dpa_store.jenis_overrides(2026).empty and _audit(dpa_store, "jenis_override") == []

    override_jenis(dpa_store, ADMIN, 2026, opd, kode, new, "  sesuai   kontrak ")
    after = dpa_store.classification(2026).set_index(["opd_kode", "kode"]).loc[(opd, kode)]
    assert (after["jenis"], after["jenis_source"], after["jenis_rule"]) == (new, "manual", "sesuai kontrak")
    assert _audit(dpa_store, "jenis_override") == [("admin1", f"{opd} {kode}")]


# --------------------------------------------------------------------------- accounts, settings, backup
def test_unit_kerja_and_accounts_are_admin_only(store):
    with pytest.raises(AuthError, match="tidak berwenang"):
        add_unit_kerja(store, VIEWER, "Seksi Pemerintahan")
    with pytest.raises(AuthError, match="wajib diisi"):
        add_unit_kerja(store, ADMIN, "   ")
    assert store.unit_kerja() == []
    uid = add_unit_kerja(store, ADMIN, " Seksi  Pemerintahan ")
    assert store.unit_kerja() == [(uid, "Seksi Pemerintahan")]
    assert add_unit_kerja(store, ADMIN, "seksi pemerintahan") == uid  # found, not duplicated
    assert _audit(store, "unit_create") == [("admin1", "Seksi Pemerintahan")]

    for who in (VIEWER, User("unit1", "Unit", "unit", unit_id=uid)):
        with pytest.raises(AuthError, match="tidak berwenang"):
            create_user(store, who, "baru", "Baru", "viewer", "Rahasia-panjang-1")
    create_user(store, ADMIN, "baru", "Baru", "viewer", "Rahasia-panjang-1")
    with pytest.raises(AuthError, match="tidak berwenang"):
        update_account(
            store, VIEWER, "baru", nama="Baru", role="admin", opd_kode=None, unit_id=None, email=None, active=True
        )
    with pytest.raises(AuthError, match="tidak berwenang"):
        reset_password(store, VIEWER, "baru", "Rahasia-lain-2")
    assert store.get_user("baru")["role"] == "viewer"
    assert [a for a, _ in _audit(store, "user_create")] == ["admin1"]


def test_settings_and_backup_are_admin_only(store):
    cfg = settings_mod.load(store)
    changed = settings_mod.Settings(**{**cfg.__dict__, "batas_hari": 15})
    with pytest.raises(Forbidden):
        settings_mod.save(store, changed, VIEWER)
    assert settings_mod.load(store).batas_hari == cfg.batas_hari
    settings_mod.save(store, changed, ADMIN)
    assert settings_mod.load(store).batas_hari == 15
    with pytest.raises(Forbidden):
        make_backup(store, User("op", "Op", "opd", opd_kode="1.02"))
    assert make_backup(store, ADMIN)[:2] == b"PK"


def test_indicators_are_added_by_admins(store):
    uid = add_unit_kerja(store, ADMIN, "Seksi Pemerintahan")
    fields = dict(nama="Persentase PBB", satuan="%", target_tahunan=90)
    with pytest.raises(review.ReviewError, match="peran admin"):
        add_indikator(store, uid, 2026, fields, User("unit1", "Unit", "unit", unit_id=uid))
    assert store.indikator_frame(2026, uid).empty
    add_indikator(store, uid, 2026, fields, ADMIN)
    assert store.indikator_frame(2026, uid)["nama"].tolist() == ["Persentase PBB"]


# --------------------------------------------------------------------------- approve all verified
@pytest.fixture
def three_units(store):
    """Three unit kerja for March 2026: two verified, one submitted."""
    ids = [add_unit_kerja(store, ADMIN, n) for n in ("Seksi A", "Seksi B", "Seksi C")]
    for uid, status in zip(ids, ("verified", "verified", "submitted"), strict=True):
        store.review_put(uid, 2026, 3, status, "sekcam", None)
    return store, ids


def _states(store, ids) -> list[str]:
    return [review.status_of(store, u, 2026, 3) for u in ids]


def test_approve_verified_is_all_or_nothing(three_units):
    store, ids = three_units
    with pytest.raises(review.ReviewError, match="Seksi C.*Tidak ada rekap yang disetujui"):
        review.approve_verified(store, 2026, 3, CAMAT, unit_ids=ids)  # C is not verified
    assert _states(store, ids) == ["verified", "verified", "submitted"]
    for user in (SEKCAM, ADMIN, VIEWER):  # only the Camat approves
        with pytest.raises(review.ReviewError, match="tidak berwenang"):
            review.approve_verified(store, 2026, 3, user)
    assert _states(store, ids) == ["verified", "verified", "submitted"]
    assert store.review_events(2026, 3).empty and _audit(store, "kinerja_approved") == []

    assert review.approve_verified(store, 2026, 3, CAMAT) == ids[:2]
    assert _states(store, ids) == ["approved", "approved", "submitted"]
    assert [t for _, t in _audit(store, "kinerja_approved")] == ["Seksi A", "Seksi B"]
    assert review.approve_verified(store, 2026, 3, CAMAT) == []  # nothing verified any more


def test_approve_verified_rolls_back_when_a_later_unit_fails(three_units, monkeypatch):
    """A failure after the first approval (e.g. the database) leaves every unit as it was."""
    store, ids = three_units
    real = store.add_review_events
    calls = []

    def failing(events):
        calls.append(events)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(events)

    monkeypatch.setattr(store, "add_review_events", failing)
    with pytest.raises(RuntimeError):
        review.approve_verified(store, 2026, 3, CAMAT, unit_ids=ids[:2])
    monkeypatch.undo()
    assert _states(store, ids) == ["verified", "verified", "submitted"]
    assert store.review_events(2026, 3).empty


# --------------------------------------------------------------------------- KPI counts
def test_review_counts():
    reviews = pd.DataFrame({"unit_id": [1, 2, 3, 4], "status": ["submitted", "verified", "approved", "verified"]})
    counts = review.review_counts([1, 2, 3, 4, 5, 6], reviews)
    assert counts == dict(draft=2, submitted=1, verified=2, returned=0, approved=1, total=6)
    assert review.review_counts([], reviews)["total"] == 0


def test_request_counts():
    reviews = pd.DataFrame({"unit_id": [1, 2, 3, 9], "status": ["submitted", "draft", "approved", "approved"]})
    events = pd.DataFrame({"unit_id": [1, 2, 9, 1], "step": ["requested", "requested", "requested", "submitted"]})
    durations = pd.DataFrame({"unit_id": [1, 1, 3, 9], "melebihi": [False, True, False, True]})
    counts = review.request_counts([1, 2, 3, 4], reviews, events, durations)
    assert counts == dict(requested=2, submitted=2, approved=1, late=1, total=4)  # unit 9 is not listed


def test_status_counts():
    cfg = settings_mod.Settings()
    deadline = cfg.deadline(2026, 3)
    on_time, late = pd.Timestamp(deadline - dt.timedelta(days=1)), pd.Timestamp(deadline + dt.timedelta(days=2))
    raw = pd.DataFrame(
        {
            "opd_kode": ["a", "b", "c", "d"],
            "import_id": [1, 2, None, 3],
            "created_at": [on_time, late, pd.NaT, late],
            "first_at": [on_time, late, pd.NaT, on_time],  # d: first sent in time, replaced later
        }
    )
    status = reporting_status(raw, 2026, 3, cfg, today=deadline + dt.timedelta(days=5))
    assert status["status"].tolist() == ["tepat_waktu", "terlambat", "belum_lewat_batas", "tepat_waktu"]
    assert status_counts(status) == dict(reported=3, late=1, missing=1, total=4)
    assert status_counts(status.iloc[:0]) == dict(reported=0, late=0, missing=0, total=0)
