"""Issue 17 (pages): the first-run setup of the daerah in front of the pages, the module choice in
the menu, and the received date of a report on Status Pengumpulan (AppTest)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import FIXTURES
from test_pages import new_app, run

from core import settings as settings_mod
from etl.pipeline import ingest_paths
from ui.safe import md_escape

MARCH = ["realisasi/realisasi_dinkes_2026-03.xlsx"]


@pytest.fixture
def fresh(app_env, monkeypatch):
    """A new install (no daerah) with the first-run setup in force."""
    from db.store import Store

    monkeypatch.delenv("PANTAU_SKIP_SETUP", raising=False)
    return Store(app_env, data_dir=app_env.parent / "data")


def _text(at, label):
    return next(t for t in at.text_input if t.label == label)


def test_admin_fills_the_daerah_before_any_page(fresh):
    at = run(new_app())
    assert [t.value for t in at.title] == ["Pengaturan awal daerah"]
    _text(at, "Nama daerah").input("Lombok Timur")
    _text(at, "Kota tempat penandatanganan").input("Selong")
    _text(at, "Nama penandatangan (dengan gelar)").input("Drs. H. Ahmad Fauzi, M.Si")
    _text(at, "NIP penandatangan (18 angka)").input("19700101 199503 1 00")
    next(b for b in at.button if b.label.startswith("Simpan dan mulai")).click()
    run(at)
    assert any("NIP penandatangan harus 18 angka" in e.value for e in at.error), [e.value for e in at.error]
    assert not settings_mod.is_configured(settings_mod.load_own(fresh))
    _text(at, "NIP penandatangan (18 angka)").input("19700101 199503 1 001")
    next(b for b in at.button if b.label.startswith("Simpan dan mulai")).click()
    run(at)
    s = settings_mod.load(fresh)
    assert (s.nama_daerah, s.kop_1, s.kop_2, s.kop_3) == (
        "Kabupaten Lombok Timur",
        "PEMERINTAH KABUPATEN LOMBOK TIMUR",
        "SEKRETARIAT DAERAH",
        "BAGIAN ADMINISTRASI PEMBANGUNAN",
    )
    assert (s.tempat, s.ttd_nip, s.modul, s.tahun_anggaran) == (
        "Selong",
        "197001011995031001",
        ["rakor"],
        dt.date.today().year,
    )
    assert "Pengaturan awal daerah" not in [t.value for t in at.title]  # the pages are open now


def test_other_roles_wait_for_the_admin(fresh):
    at = run(new_app(user="baca", role="viewer"))
    assert [t.value for t in at.title] == ["Pantau belum siap dipakai"]
    assert any("Admin belum mengisi data daerah" in i.value for i in at.info)


def test_kecamatan_setup_signs_the_kinerja_recap_and_uses_only_data_kinerja(fresh):
    at = run(new_app())
    at.radio(key="setup_kantor").set_value("kecamatan")
    run(at)
    _text(at, "Nama daerah").input("Lombok Timur")
    _text(at, "Instansi (baris kedua kop)").input("Kecamatan Sakra")
    _text(at, "Kota tempat penandatanganan").input("Sakra")
    _text(at, "Nama penandatangan (dengan gelar)").input("Lalu Hendra, S.STP")
    next(b for b in at.button if b.label.startswith("Simpan dan mulai")).click()
    run(at)
    s = settings_mod.load(fresh)
    assert (s.kop_2, s.kecamatan_nama, s.camat_jabatan, s.camat_nama, s.modul) == (
        "KECAMATAN SAKRA",
        "Kecamatan Sakra",
        "Camat",
        "Lalu Hendra, S.STP",
        ["kinerja"],
    )
    # the menu has no Rakor POK page: the default page is a kinerja page
    assert "Ringkasan Realisasi" not in [t.value for t in at.title]
    at.switch_page("views/kinerja_data.py")
    run(at)
    assert not at.exception


@pytest.fixture
def march(app_env):
    from db.store import Store

    store = Store(app_env, data_dir=app_env.parent / "data")
    ingest_paths(store, [FIXTURES / "master" / "dpa_2026.xlsx"] + [FIXTURES / r for r in MARCH])
    return store


def test_status_page_sets_the_received_date(march):
    at = run(new_app(query={"tahun": "2026", "bulan": "3"}))
    at.switch_page("views/status.py")
    run(at)
    table = at.dataframe[0].value
    assert "Terlambat (hari)" in table.columns and (table["Status"] == "🟡 Terlambat").sum() == 1
    assert all("segera (batas penyampaian telah lewat" in c.value for c in at.code)
    assert not any("paling lambat tanggal" in c.value for c in at.code)
    at.date_input(key="received_date").set_value(dt.date(2026, 4, 9))
    at.text_input(key="received_reason").input("diterima cetak di loket Adpem")
    next(b for b in at.button if b.label == "Simpan tanggal diterima").click()
    run(at)
    assert any("Tanggal diterima laporan" in s.value and md_escape("09-04-2026") in s.value for s in at.success)
    table = at.dataframe[0].value
    row = table[table["Berkas"] != "-"].iloc[0]
    assert (row["Status"], row["Diterima"], row["Terlambat (hari)"]) == ("🟢 Tepat waktu", "09-04-2026", "-")
    assert march.sql("SELECT count(*) FROM audit_log WHERE action = 'received'") == [(1,)]


def test_status_page_refuses_a_received_date_without_reason(march):
    at = run(new_app(query={"tahun": "2026", "bulan": "3"}))
    at.switch_page("views/status.py")
    run(at)
    at.date_input(key="received_date").set_value(dt.date(2026, 4, 9))
    next(b for b in at.button if b.label == "Simpan tanggal diterima").click()
    run(at)
    assert any("alasan" in e.value for e in at.error)
    assert march.sql("SELECT count(*) FROM audit_log WHERE action = 'received'") == [(0,)]


def test_opd_operator_cannot_change_received_dates(march):
    kode = march.reporting_status(2026, 3).dropna(subset=["import_id"]).iloc[0]["opd_kode"]
    at = run(new_app(query={"tahun": "2026", "bulan": "3"}, user="operator.opd", role="opd", opd_kode=kode))
    at.switch_page("views/status.py")
    run(at)
    assert not any(b.label == "Simpan tanggal diterima" for b in at.button)
