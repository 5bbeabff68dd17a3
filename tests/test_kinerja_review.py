"""The review flow of a unit's monthly kinerja recap (core.review): allowed and refused steps per
role and state, notes required to return or reopen, every step in review_event and the audit
log, the lock of approved months, the non-state steps (requested, compiled, analysed) and the
time each step took against the SOP."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from kinerja_support import ADMIN, CAMAT, SEKCAM, build_template, copy_store, indikator_id, unit_id
from pg_support import use_both_engines

from core.access import User
from core.kinerja_input import submit_values
from core.review import (
    ACTIONS,
    Locked,
    ReviewError,
    allowed_actions,
    check_unlocked,
    record_step,
    save_analysis,
    status_of,
    step_durations,
    transition,
    working_hours,
)

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

VIEWER = User("kabag", "Kabag", "viewer")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinerja_review")
    build_template(folder)
    return folder


@pytest.fixture
def store(template, tmp_path, engine, request):  # DuckDB and PostgreSQL
    s = copy_store(template, tmp_path, request)
    yield s
    s.close()


def _refused(store, unit, action, user, note=None, word=None):
    before = store.table_checksums()
    with pytest.raises(ReviewError) as exc:
        transition(store, unit, 2026, 3, action, user, note)
    assert store.table_checksums() == before  # a refused step changes nothing
    if word:
        assert word in str(exc.value)


def test_full_flow_with_refusals_and_audit(store):
    u = unit_id(store, "Seksi Pemerintahan")
    kasi = User("kasi", "Kasi Pemerintahan", "unit", unit_id=u)
    assert status_of(store, u, 2026, 3) == "submitted"  # the fixture file was ingested
    assert allowed_actions(SEKCAM, "submitted") == ["verify", "return"]
    assert allowed_actions(CAMAT, "submitted") == []
    assert allowed_actions(kasi, "submitted", u) == ["submit"]
    _refused(store, u, "approve", CAMAT, word="statusnya")  # not verified yet
    _refused(store, u, "verify", kasi, word="tidak berwenang")
    _refused(store, u, "verify", ADMIN, word="Sekcam")  # the admin does not verify (separation of duties)
    _refused(store, u, "verify", VIEWER)
    _refused(store, u, "return", SEKCAM, note="  ", word="Catatan wajib")
    assert transition(store, u, 2026, 3, "return", SEKCAM, "Angka PBB belum sesuai register") == "returned"
    review = store.review_get(u, 2026, 3)
    assert review["status"] == "returned" and review["note"] == "Angka PBB belum sesuai register"
    _refused(store, u, "verify", SEKCAM, word="Dikembalikan")
    pbb = indikator_id(store, "Seksi Pemerintahan", "Jumlah wajib pajak PBB-P2 yang terlayani")
    submit_values(store, u, 2026, 3, {pbb: (1115, "dikoreksi")}, kasi)  # the unit fixes and resubmits
    assert status_of(store, u, 2026, 3) == "submitted"
    assert transition(store, u, 2026, 3, "verify", SEKCAM) == "verified"
    assert allowed_actions(CAMAT, "verified") == ["return", "approve"]
    assert transition(store, u, 2026, 3, "approve", CAMAT, "Disetujui") == "approved"
    review = store.review_get(u, 2026, 3)
    assert (review["verified_by"], review["approved_by"], review["submitted_by"]) == ("sekcam", "camat", "kasi")
    with pytest.raises(Locked):
        check_unlocked(store, u, 2026, 3)
    _refused(store, u, "reopen", SEKCAM, "x", word="tidak berwenang")
    _refused(store, u, "reopen", CAMAT, "", word="Catatan wajib")
    _refused(store, u, "submit", kasi, word="Disetujui")
    assert transition(store, u, 2026, 3, "reopen", ADMIN, "Salah ketik target PBB") == "draft"
    assert not store.review_get(u, 2026, 3)["status"] == "approved"
    events = store.review_events(2026, 3, u)
    assert events["step"].tolist() == ["submitted", "returned", "submitted", "verified", "approved", "reopened"]
    assert events["actor"].tolist() == ["admin", "sekcam", "kasi", "sekcam", "camat", "admin"]
    assert events["note"].iloc[-1] == "Salah ketik target PBB"
    assert events["status_after"].tolist() == ["submitted", "returned", "submitted", "verified", "approved", "draft"]
    audit = store.audit_entries()
    steps = audit[audit["action"].str.startswith("kinerja_") & (audit["target"] == "Seksi Pemerintahan")]
    assert {"kinerja_returned", "kinerja_verified", "kinerja_approved", "kinerja_reopened"} <= set(steps["action"])
    reopen = steps[steps["action"] == "kinerja_reopened"].iloc[0]
    assert reopen["actor"] == "admin" and "Salah ketik target PBB" in reopen["detail"]


def test_changed_values_send_a_verified_month_back(store):
    u = unit_id(store, "Sekretariat")
    transition(store, u, 2026, 4, "verify", SEKCAM)
    surat = indikator_id(store, "Sekretariat", "Jumlah surat masuk dan keluar yang diadministrasikan")
    submit_values(store, u, 2026, 4, {surat: (231, None)}, ADMIN)
    assert status_of(store, u, 2026, 4) == "submitted"
    assert "verifikasi ulang" in store.review_events(2026, 4, u)["note"].iloc[-1]


def test_unit_user_submits_only_its_own_unit(store):
    u = unit_id(store, "Sekretariat")
    other = User("kasi", "K", "unit", unit_id=u + 1)
    with pytest.raises(ReviewError):
        transition(store, u, 2026, 3, "submit", other)
    assert transition(store, u, 2026, 3, "submit", User("k2", "K", "unit", unit_id=u)) == "submitted"
    assert set(ACTIONS) == {"submit", "verify", "return", "approve", "reopen"}


def test_steps_without_a_change_of_state(store):
    done = record_step(store, 2026, 5, "requested", ADMIN)
    assert len(done) == 7 and set(store.review_rows(2026, 5)["status"]) == {"draft"}
    with pytest.raises(ReviewError):
        record_step(store, 2026, 5, "requested", SEKCAM, [1])
    with pytest.raises(ReviewError):  # nothing submitted yet in May
        record_step(store, 2026, 5, "compiled", ADMIN, [1])
    assert len(record_step(store, 2026, 3, "compiled", ADMIN)) == 7
    u = unit_id(store, "Seksi Ekonomi dan Pembangunan")
    with pytest.raises(ReviewError):
        save_analysis(store, u, 2026, "B03", "analisis", SEKCAM)
    with pytest.raises(ReviewError):
        save_analysis(store, u, 2026, "B03", " ", ADMIN)
    save_analysis(store, u, 2026, "B03", "Capaian Musrenbang di atas target.", ADMIN)
    save_analysis(store, u, 2026, "B03", "Capaian Musrenbang di atas target; pasar desa belum dibina.", ADMIN)
    save_analysis(store, u, 2026, "TW1", "Triwulan I baik.", ADMIN)
    notes = store.analisis(2026, "B03")
    assert notes["note"].tolist() == ["Capaian Musrenbang di atas target; pasar desa belum dibina."]
    assert notes["versi"].tolist() == [2] and len(store.analisis_history(u, 2026, "B03")) == 2
    assert store.review_events(2026, 3, u)["step"].tolist() == ["submitted", "compiled", "analysed", "analysed"]
    assert len(store.audit_entries(action="kinerja_analisis")) == 3


def test_working_hours():
    mon = dt.datetime(2026, 4, 6, 8, 0)  # a Monday
    assert working_hours(mon, mon + dt.timedelta(hours=3)) == 3
    assert working_hours(mon, dt.datetime(2026, 4, 7, 16, 0)) == 16  # two full days
    assert working_hours(dt.datetime(2026, 4, 10, 15, 0), dt.datetime(2026, 4, 13, 9, 0)) == 2  # Fri -> Mon
    assert working_hours(dt.datetime(2026, 4, 6, 6, 0), dt.datetime(2026, 4, 6, 20, 0)) == 8  # office hours only
    assert working_hours(mon, mon - dt.timedelta(hours=1)) == 0


def test_step_durations_against_the_sop(store):
    u = unit_id(store, "Seksi Pemerintahan")
    record_step(store, 2026, 5, "requested", ADMIN, [u])
    pem = indikator_id(store, "Seksi Pemerintahan", "Jumlah desa yang dibina")
    submit_values(store, u, 2026, 5, {pem: (6, None)}, ADMIN)
    record_step(store, 2026, 5, "compiled", ADMIN, [u])
    transition(store, u, 2026, 5, "verify", SEKCAM)
    # put the steps on known times: request Mon 08:00, submitted Wed 10:00 (18 office hours > 2 days),
    # compiled Wed 12:00 (2 h), verified Thu 09:00 (5 h since compiled)
    times = ["2026-06-01 08:00", "2026-06-03 10:00", "2026-06-03 12:00", "2026-06-04 09:00"]
    with store.session():
        ids = [
            r[0]
            for r in store.con.execute(
                "SELECT id FROM review_event WHERE unit_id = ? AND tahun = 2026 AND bulan = 5 ORDER BY id", [u]
            ).fetchall()
        ]
        for i, t in zip(ids, times):
            store.con.execute("UPDATE review_event SET created_at = ?::TIMESTAMP WHERE id = ?", [t, i])
    df = step_durations(store, 2026, 5, now=pd.Timestamp("2026-06-04 15:00"))
    mine = df[df["unit_id"] == u].reset_index(drop=True)
    assert mine["step"].tolist() == ["requested", "submitted", "compiled", "verified", "approved"]
    assert mine["jam_kerja"].tolist()[1:] == [18, 2, 5, 6]
    assert pd.isna(mine["jam_kerja"].iloc[0])
    assert mine["melebihi"].tolist() == [False, True, False, False, True]  # 2 days = 16 h; approval 60 min
    assert mine["selesai_flag"].tolist() == [True, True, True, True, False]
    assert mine["sop"].iloc[1] == "2 hari kerja" and mine["sop_jam"].iloc[2] == 8
