"""Issue 17, items 1 and 3 (core): the daerah of an install (first-run setup, NIP, modules, logo,
the sample data's own daerah) and the date a report was received (lateness, reminders)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from pg_support import use_both_engines

from core import received as received_mod
from core import settings as settings_mod
from core.access import Forbidden, User
from core.modules import MODULE_PAGES, clean_modules, module_of, visible_pages
from core.status import reminder_text, reporting_status

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

ROOT = Path(__file__).resolve().parent.parent
ADMIN = User("admin1", "Admin", "admin")
VIEWER = User("baca", "Pembaca", "viewer")
MARCH = ["realisasi/realisasi_dinkes_2026-03.xlsx"]


def test_a_new_install_names_no_fictional_daerah(store):
    s = settings_mod.load(store)
    assert not settings_mod.is_configured(s)
    text = " ".join(str(getattr(s, f.name)) for f in dataclasses.fields(s)).upper()
    assert "TANJUNG" not in text and "SUKAMAJU" not in text and "MAKMUR" not in text
    source = (ROOT / "core" / "settings.py").read_text(encoding="utf-8")
    defaults = source[source.index("class Settings") : source.index("def target_for")]
    assert "Tanjung" not in defaults and "TANJUNG" not in defaults


def test_setup_requires_the_daerah_and_signatory_and_validates_nip():
    empty = settings_mod.Settings()
    assert settings_mod.problems(empty) == []  # thresholds and curve are fine
    required = settings_mod.problems(empty, required=True)
    assert any("Nama daerah wajib" in p for p in required) and any("Nama penandatangan" in p for p in required)
    good = dataclasses.replace(
        empty,
        nama_daerah="Kabupaten Lombok Timur",
        kop_1="PEMERINTAH KABUPATEN LOMBOK TIMUR",
        tempat="Selong",
        ttd_nama="Drs. H. Ahmad",
        ttd_nip="19800101 200501 1 001",
    )
    assert settings_mod.problems(good, required=True) == []
    assert settings_mod.nip_problem("19800101 200501 1 001") is None
    assert "18 angka (sekarang 17 angka)" in settings_mod.nip_problem("19800101200501100")
    assert "susunan NIP" in settings_mod.nip_problem("198013012005011001")  # month 13
    assert "susunan NIP" in settings_mod.nip_problem("198001012005013001")  # sex digit 3
    assert settings_mod.clean_nip(" 19800101 200501 1 001 ") == "198001012005011001"
    bad = dataclasses.replace(good, camat_nip="123", modul=[], tahun_anggaran=26)
    problems = settings_mod.problems(bad)
    assert any("NIP Camat" in p for p in problems) and any("modul" in p for p in problems)
    assert any("Tahun anggaran" in p for p in problems)
    assert settings_mod.split_daerah("Kota  Mataram") == ("Kota", "Mataram")
    assert settings_mod.split_daerah("Lombok Timur") == ("Kabupaten", "Lombok Timur")


def test_settings_round_trip_modules_and_year(store):
    s = dataclasses.replace(settings_mod.Settings(), nama_daerah="Kota Mataram", tahun_anggaran=2026, modul=["kinerja"])
    settings_mod.save(store, s, ADMIN)
    back = settings_mod.load(store)
    assert (back.nama_daerah, back.tahun_anggaran, back.modul) == ("Kota Mataram", 2026, ["kinerja"])
    assert settings_mod.is_configured(back)
    with pytest.raises(Forbidden):
        settings_mod.save(store, s, VIEWER)


def test_module_pages():
    menu = ["ringkasan", "rekap", "status", "kinerja_data", "kinerja_review", "impor", "pengaturan", "akun"]
    assert visible_pages(menu, ["rakor"]) == ["ringkasan", "rekap", "status", "impor", "pengaturan", "akun"]
    assert visible_pages(menu, ["kinerja"]) == ["kinerja_data", "kinerja_review", "impor", "pengaturan", "akun"]
    assert visible_pages(menu, ["rakor", "kinerja"]) == menu
    assert visible_pages(menu, []) == menu and clean_modules(["x"]) == ["rakor", "kinerja"]
    assert module_of("impor") is None and module_of("materi") == "rakor"
    from core.access import PAGE_ROLES

    assert set().union(*MODULE_PAGES.values()) <= set(PAGE_ROLES)


def _png(size=(8, 8)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG")
    return out.getvalue()


def test_logo_is_checked_and_stored_under_the_data_dir(store):
    name = settings_mod.save_logo(store, _png())
    s = dataclasses.replace(settings_mod.Settings(), logo=name)
    path = settings_mod.logo_path(store, s)
    assert path is not None and path.parent == Path(store.data_dir) / "logo" and path.read_bytes() == _png()
    assert settings_mod.logo_problem(b"%PDF-1.4 ...") == "Logo harus gambar PNG atau JPG."
    assert "terlalu besar" in settings_mod.logo_problem(b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024))
    assert "tidak dapat dibaca" in settings_mod.logo_problem(b"\x89PNG\r\n\x1a\n" + b"rusak")
    with pytest.raises(ValueError):
        settings_mod.save_logo(store, b"GIF89a")
    assert settings_mod.logo_path(store, dataclasses.replace(s, logo="../pantau.duckdb")) is None


def test_demo_daerah_only_while_the_demo_data_is_loaded(dpa_store):
    own = dataclasses.replace(
        settings_mod.Settings(), nama_daerah="Kabupaten Lombok Timur", kop_1="PEMERINTAH KABUPATEN LOMBOK TIMUR"
    )
    settings_mod.save(dpa_store, own, ADMIN)
    ids = sorted(dpa_store.import_ids())
    assert ids and not settings_mod.demo_active(dpa_store)
    settings_mod.begin_demo(dpa_store, ADMIN, ids)
    assert settings_mod.demo_active(dpa_store)
    assert settings_mod.load(dpa_store).kop_1 == "PEMERINTAH KABUPATEN TANJUNG MAKMUR"
    assert settings_mod.load_own(dpa_store).kop_1 == "PEMERINTAH KABUPATEN LOMBOK TIMUR"
    with pytest.raises(Forbidden):
        settings_mod.remove_demo(dpa_store, VIEWER)
    assert settings_mod.remove_demo(dpa_store, ADMIN) == len(ids)
    assert dpa_store.is_empty() and dpa_store.count_rows("sub_kegiatan") == 0 and dpa_store.count_rows("opd") == 0
    assert not settings_mod.demo_active(dpa_store)
    assert settings_mod.load(dpa_store).kop_1 == "PEMERINTAH KABUPATEN LOMBOK TIMUR"
    actions = [r[0] for r in dpa_store.sql("SELECT action FROM audit_log")]
    assert "demo_remove" in actions


@pytest.fixture
def march(dpa_store):
    from etl.pipeline import ingest_paths

    ingest_paths(dpa_store, [ROOT / "tests" / "fixtures" / r for r in MARCH])
    return dpa_store


def _report(store) -> dict:
    raw = store.reporting_status(2026, 3)
    row = raw[raw["import_id"].notna()].iloc[0]
    return store.import_record(int(row["import_id"]))


def test_received_date_decides_lateness_and_is_audited(march):
    cfg = settings_mod.load(march)
    record = _report(march)
    uploaded = record["created_at"].date()
    assert record["received_at"] == record["created_at"]  # default: the upload time
    late = reporting_status(march.reporting_status(2026, 3), 2026, 3, cfg, today=dt.date(2026, 5, 1))
    assert (late["status"] == "terlambat").sum() == 1  # uploaded today, long after 10 April 2026
    with pytest.raises(Forbidden):
        received_mod.set_received(march, VIEWER, record["id"], dt.date(2026, 4, 8), "diterima cetak")
    with pytest.raises(received_mod.ReceivedError, match="alasan"):
        received_mod.set_received(march, ADMIN, record["id"], dt.date(2026, 4, 8), " ")
    with pytest.raises(received_mod.ReceivedError, match="sesudah tanggal unggah"):
        received_mod.set_received(march, ADMIN, record["id"], uploaded + dt.timedelta(days=1), "diterima cetak")
    with pytest.raises(received_mod.ReceivedError, match="sebelum periode"):
        received_mod.set_received(march, ADMIN, record["id"], dt.date(2026, 2, 27), "diterima cetak")
    with pytest.raises(KeyError):
        received_mod.set_received(march, ADMIN, 999999, dt.date(2026, 4, 8), "diterima cetak")
    received_mod.set_received(march, ADMIN, record["id"], dt.date(2026, 4, 8), "diterima cetak di loket Adpem")
    again = march.import_record(record["id"])
    assert again["received_at"].date() == dt.date(2026, 4, 8) and again["received_by"] == "admin1"
    status = reporting_status(march.reporting_status(2026, 3), 2026, 3, cfg, today=dt.date(2026, 5, 1))
    done = status[status["import_id"].notna()].iloc[0]
    assert (done["status"], done["hari_terlambat"]) == ("tepat_waktu", 0)
    missing = status[status["import_id"].isna()]
    assert set(missing["status"]) == {"belum_lewat_batas"} and set(missing["hari_terlambat"]) == {21}
    audit = march.sql("SELECT actor, action, target, detail FROM audit_log WHERE action = 'received'")
    assert audit == [
        ("admin1", "received", str(record["id"]), f"{uploaded:%d-%m-%Y} -> 08-04-2026: diterima cetak di loket Adpem")
    ]
    received_mod.set_received(march, ADMIN, record["id"], dt.date(2026, 4, 12), "diterima lewat surel")
    status = reporting_status(march.reporting_status(2026, 3), 2026, 3, cfg, today=dt.date(2026, 5, 1))
    assert status[status["import_id"].notna()].iloc[0]["hari_terlambat"] == 2


def test_reminder_never_names_a_past_date():
    cfg = settings_mod.Settings(kop_3="BAGIAN ADMINISTRASI PEMBANGUNAN")
    before = reminder_text("Dinas Pendidikan", 2026, 3, cfg, today=dt.date(2026, 4, 10))
    assert "paling lambat tanggal 10 April 2026" in before and "segera" not in before
    after = reminder_text("Dinas Pendidikan", 2026, 3, cfg, today=dt.date(2026, 4, 11))
    assert "segera (batas penyampaian telah lewat 1 hari)" in after and "April 2026" not in after


def test_demo_received_dates_around_the_deadline():
    cfg = settings_mod.Settings()
    offsets = [
        (received_mod.demo_received_date(f"opd{i}", 2026, m, cfg) - cfg.deadline(2026, m)).days
        for i in range(10)
        for m in range(1, 5)
    ]
    late = [o for o in offsets if o > 0]
    assert all(-9 <= o <= 6 for o in offsets) and 0 < len(late) < len(offsets) / 3
    assert offsets == [
        (received_mod.demo_received_date(f"opd{i}", 2026, m, cfg) - cfg.deadline(2026, m)).days
        for i in range(10)
        for m in range(1, 5)
    ]


def test_reporting_status_without_received_column_still_works():
    cfg = settings_mod.Settings()
    d = cfg.deadline(2026, 3)
    raw = pd.DataFrame({"opd_kode": ["a"], "import_id": [1], "created_at": [pd.Timestamp(d)], "first_at": [pd.NaT]})
    assert reporting_status(raw, 2026, 3, cfg, today=d)["status"].tolist() == ["tepat_waktu"]
