"""The demo's data kinerja (issue 17): loading the sample data fills a fictional Kecamatan
Sukamaju with 7 units, its Perjanjian Kinerja and three months of submissions at every review
state, so the kinerja pages show data; the April recap's figures are exact; removing the sample
data leaves no kinerja state behind."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

from core import review
from core import settings as settings_mod
from core.kinerja import kinerja_recap, recap_summary, target_text
from db.store import Store
from etl.demo import DEMO_CAMAT, DEMO_SEKCAM, load_demo
from scripts.demo_kinerja import PK, SEKCAM_NOTE_APR, SEKCAM_NOTE_MAR


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    subprocess.run([sys.executable, "-m", "scripts.make_demo", "--out", str(out)], cwd=ROOT, check=True)
    return out


@pytest.fixture(scope="module")
def store(demo_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo_db")
    s = Store(folder / "pantau.duckdb", data_dir=folder)
    rows = load_demo(s, "admin", directory=demo_dir)
    assert not [r for r in rows if r["status"] == "rejected"], rows
    s.demo_rows = rows
    yield s
    s.close()


def test_demo_has_seven_units_a_pk_and_three_months(store):
    units = store.kinerja_units(2026)
    assert units["nama"].tolist() == list(PK) and len(units) == 7
    assert units["indikator"].tolist() == [3, 3, 3, 3, 3, 4, 4]
    inds = store.indikator_frame(2026)
    assert set(inds["agregasi"]) == {"stok", "alir"} and set(inds["arah"]) == {"naik", "turun"}
    kk = inds[inds["satuan"] == "KK"].iloc[0]
    assert (kk["target_tahunan"], kk["target_tw2"], kk["agregasi"]) == (2400, 500, "alir")
    values = store.kinerja_values(2026)
    # 7 units in February and March, 6 in April (Seksi Ketentraman dan Ketertiban has not sent April)
    assert values.groupby("bulan")["unit_id"].nunique().to_dict() == {2: 7, 3: 7, 4: 6}
    kinds = [r["kind"] for r in store.demo_rows if r.get("kind") in ("targets", "kinerja")]
    assert kinds.count("targets") == 1 and kinds.count("kinerja") == 20


def test_every_review_state_shows_in_april(store):
    units = dict(zip(store.kinerja_units(2026)["nama"], store.kinerja_units(2026)["id"].astype(int)))
    april = {u: review.status_of(store, i, 2026, 4) for u, i in units.items()}
    assert april == {
        "Subbag Program dan Keuangan": "approved",
        "Subbag Umum dan Kepegawaian": "verified",
        "Seksi Pemerintahan": "verified",
        "Seksi Pelayanan Umum": "submitted",
        "Seksi Ketentraman dan Ketertiban": "draft",
        "Seksi Kesejahteraan Sosial": "submitted",
        "Seksi Ekonomi dan Pembangunan": "returned",
    }
    counts = review.review_counts(list(units.values()), store.review_rows(2026, 4))
    assert counts == {"draft": 1, "submitted": 2, "verified": 2, "returned": 1, "approved": 1, "total": 7}
    assert store.review_get(units["Seksi Ekonomi dan Pembangunan"], 2026, 4)["note"] == SEKCAM_NOTE_APR
    march = store.review_rows(2026, 3).set_index("unit")
    assert march.loc["Seksi Ketentraman dan Ketertiban", "note"] == SEKCAM_NOTE_MAR
    assert march["status"].value_counts().to_dict() == {"approved": 5, "verified": 1, "returned": 1}
    assert set(store.review_rows(2026, 2)["status"]) == {"approved"}
    events = store.review_events(2026, 2)
    assert set(events["actor"]) >= {DEMO_SEKCAM.username, DEMO_CAMAT.username}
    # an approved month is locked like any other
    with pytest.raises(review.Locked):
        review.check_unlocked(store, units["Subbag Program dan Keuangan"], 2026, 2)


def test_april_recap_figures_are_exact(store):
    recap = kinerja_recap(store, 2026, month=4)
    s = recap_summary(recap)
    assert (s["indikator"], s["terisi"], s["dengan_capaian"], s["tidak_dilaporkan"]) == (23, 19, 19, 1)
    assert s["predikat"] == {"Sangat Tinggi": 8, "Tinggi": 3, "Sedang": 3, "Rendah": 3, "Sangat Rendah": 2}
    assert s["median_capaian"] == pytest.approx(83.3)
    # two capaian above 100 % (UMKM 300 %, legalisir 105,56 %) count as 100 % in the mean
    assert s["dibatasi"] == 2
    assert s["rata_capaian"] == pytest.approx(recap["capaian"].clip(upper=100).mean()) == pytest.approx(79.829281)
    assert s["rata_mentah"] == pytest.approx(90.647994)
    by = recap.set_index("indikator")
    kk = by.loc["Jumlah penerima bantuan sosial yang diverifikasi"]
    assert (kk["target"], target_text(kk["target"], kk["satuan"])) == (167, "167")  # 500 KK / 3, rounded up
    assert kk["capaian"] == pytest.approx(118 / 167 * 100)
    umkm = by.loc["Jumlah UMKM yang dibina"]
    assert (umkm["target"], umkm["realisasi"], umkm["capaian"]) == (5, 15, pytest.approx(300))
    beasiswa = by.loc["Persentase rekomendasi beasiswa yang diproses tepat waktu"]
    assert pd.isna(beasiswa["realisasi"]) and beasiswa["tidak_dilaporkan"] == 1
    assert "'tercapai'" in beasiswa["catatan"]
    # the unit that has not sent April: its indicators have a target but no value, status none
    trantib = recap[recap["unit"] == "Seksi Ketentraman dan Ketertiban"]
    assert trantib["realisasi"].isna().all() and trantib["status"].isna().all()


def test_removing_the_demo_leaves_no_kinerja_state(demo_dir, tmp_path):
    s = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    try:
        before = s.import_ids()
        load_demo(s, "admin", directory=demo_dir)
        settings_mod.begin_demo(s, "admin", sorted(s.import_ids() - before))
        assert settings_mod.load(s).kecamatan_nama == "Kecamatan Sukamaju"
        settings_mod.remove_demo(s, "admin")
        assert s.unit_kerja() == [] and s.review_rows(2026).empty and s.review_events(2026).empty
        assert s.kinerja_values(2026).empty and s.indikator_frame(2026).empty
    finally:
        s.close()


def test_april_workbook_carries_the_summary_and_the_flag(store):
    import io

    import openpyxl

    from exports.kinerja_xlsx import kinerja_workbook

    ws = openpyxl.load_workbook(io.BytesIO(kinerja_workbook(store, 2026, month=4)))["Rekap Kinerja"]
    cells = {(r, c): ws.cell(row=r, column=c).value for r in range(1, ws.max_row + 1) for c in range(1, 11)}
    row_of = {v: r for (r, c), v in cells.items() if c == 2 and isinstance(v, str)}
    mean = row_of["RATA-RATA CAPAIAN (capaian di atas 100 % dihitung 100 %)"]
    assert cells[(mean, 7)] == pytest.approx(79.829281) and cells[(mean, 8)] == "Tinggi"
    assert cells[(mean, 10)] == "19 dari 23 indikator memiliki capaian; tanpa batas: 90,65 %"
    assert cells[(row_of["MEDIAN CAPAIAN"], 7)] == pytest.approx(83.3)
    assert cells[(row_of["SEBARAN PREDIKAT (jumlah indikator)"], 10)] == (
        "Sangat Tinggi: 8; Tinggi: 3; Sedang: 3; Rendah: 3; Sangat Rendah: 2"
    )
    # the unit row of Seksi Ekonomi dan Pembangunan: capped mean (100 + 41,67 + 58,33 + 55) / 4
    assert cells[(row_of["Seksi Ekonomi dan Pembangunan"], 7)] == pytest.approx(63.75)
    beasiswa = row_of["Persentase rekomendasi beasiswa yang diproses tepat waktu"]
    assert (cells[(beasiswa, 5)], cells[(beasiswa, 6)]) == (100, "tidak dilaporkan")
    assert cells[(row_of["Jumlah penerima bantuan sosial yang diverifikasi"], 5)] == 167
    notes = " ".join(v for v in cells.values() if isinstance(v, str))
    assert "Kolom Target: Target bulan April (bulanan, dari target triwulan II)." in notes
    assert "1 indikator tidak dilaporkan" in notes


def test_cli_prints_the_same_summary(store, capsys):
    from cli import main as cli

    assert cli.main(["kinerja", "--db", str(store.path), "--year", "2026", "--month", "4"]) == 0
    out = capsys.readouterr().out
    assert (
        "Rata-rata capaian 79,83 % (capaian di atas 100 % dihitung 100 %); median 83,30 %; 19 dari 23 indikator "
        "memiliki capaian." in out
    )
    assert "Sebaran predikat: Sangat Tinggi 8; Tinggi 3; Sedang 3; Rendah 3; Sangat Rendah 2." in out
    kk = next(line for line in out.splitlines() if "Jumlah penerima bantuan sosial" in line)
    assert " 167 " in kk and "166,67" not in kk
    assert "tidak dilaporkan" in next(line for line in out.splitlines() if "rekomendasi beasiswa" in line)
