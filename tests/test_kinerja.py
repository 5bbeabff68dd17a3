"""Capaian, predikat, period targets and aggregation (core.kinerja) against hand-computed cases,
and kinerja_recap over the fixture Perjanjian Kinerja and submissions for a month, a triwulan
and the year (naik and turun, stok and alir)."""

from __future__ import annotations

import pandas as pd
import pytest
from kinerja_support import ADMIN, build_template, copy_store, indikator_id

from core.kinerja import (
    aggregate,
    capaian,
    capped_mean,
    kinerja_monthly,
    kinerja_recap,
    month_target,
    month_target_heading,
    period,
    period_from_key,
    predikat,
    recap_summary,
    satuan_kind,
    target_for,
    target_text,
    triwulan_of,
    whole_target,
)
from core.kinerja_input import submit_values


# ---------------------------------------------------------------------------- formulas
def test_capaian_naik_and_turun_by_hand():
    assert capaian(20, 19.92, "naik").nilai == pytest.approx(99.6)
    assert capaian(600, 237, "naik").nilai == pytest.approx(39.5)
    # turun: (2 x 45 - 46.76) / 45 x 100 = 43.24 / 45 x 100
    assert capaian(45, 46.76, "turun").nilai == pytest.approx(96.08888889)
    assert capaian(75, 66.22, "turun").nilai == pytest.approx(111.70666667)
    assert capaian(20, 17.42, "turun").nilai == pytest.approx(112.9)
    # turun more than twice the target: not clipped
    assert capaian(10, 25, "turun").nilai == pytest.approx(-50.0)


def test_capaian_without_a_ratio_says_why():
    for target, realisasi, word in [
        (0, 0, "Target 0"),
        (None, 5, "belum ditetapkan"),
        (10, None, "Realisasi"),
        (-5, 3, "negatif"),
    ]:
        c = capaian(target, realisasi, "naik")
        assert c.nilai is None and word in c.alasan
    assert capaian(float("nan"), 3, "naik").nilai is None
    with pytest.raises(ValueError):
        capaian(10, 5, "atas")


@pytest.mark.parametrize(
    "nilai, label",
    [
        (120, "Sangat Tinggi"),
        (91, "Sangat Tinggi"),
        (90.99, "Tinggi"),
        (90.5, "Tinggi"),
        (76, "Tinggi"),
        (75.99, "Sedang"),
        (66, "Sedang"),
        (65.5, "Rendah"),
        (51, "Rendah"),
        (50.9, "Sangat Rendah"),
        (50, "Sangat Rendah"),
        (-10, "Sangat Rendah"),
        (None, None),
        (float("nan"), None),
    ],
)
def test_predikat_bands(nilai, label):
    assert predikat(nilai) == label


def test_periods_and_targets():
    assert [triwulan_of(m) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert period(2026, triwulan=2).months == [4, 5, 6]
    assert period(2026, annual=True).months == list(range(1, 13))
    assert period(2026, month=3).label == "Maret 2026" and period(2026, triwulan=4).label == "Triwulan IV 2026"
    assert period_from_key(2026, "TW3") == period(2026, triwulan=3)
    assert period_from_key(2026, period(2026, month=11).key).month == 11
    for bad in [dict(), dict(month=3, triwulan=1), dict(month=13), dict(triwulan=5)]:
        with pytest.raises(ValueError):
            period(2026, **bad)
    ind = dict(agregasi="alir", target_tahunan=2400, target_tw1=600, target_tw2=600, target_tw3=600, target_tw4=600)
    assert target_for(ind, period(2026, month=3)) == (200.0, None)  # alir: TW target / 3
    assert target_for(ind, period(2026, triwulan=1)) == (600, None)
    assert target_for(ind, period(2026, annual=True)) == (2400, None)
    stok = dict(ind, agregasi="stok", target_tw2=45)
    assert target_for(stok, period(2026, month=5)) == (45, None)  # stok: the triwulan's target
    assert target_for(dict(stok, target_tw2=None), period(2026, month=5))[1] == "Target triwulan II belum ditetapkan."


def test_month_target_is_one_rule_for_every_screen():
    kk = dict(agregasi="alir", satuan="KK", target_tahunan=2400, target_tw1=900, target_tw2=500)
    t = month_target(kk, 4)
    assert (t.nilai, t.alasan, t.dasar) == (167, None, "target TW II ÷ 3, dibulatkan ke atas")  # 166,67 KK
    assert month_target(kk, 2).nilai == 300 and month_target(kk, 2).dasar == "target TW I ÷ 3"
    pct = dict(agregasi="stok", satuan="%", target_tw2=45.5)
    assert (month_target(pct, 6).nilai, month_target(pct, 6).dasar) == (45.5, "target TW II")
    menit = dict(agregasi="alir", satuan="menit", target_tw3=100)
    assert month_target(menit, 8).nilai == pytest.approx(33.333333)  # a measure keeps its decimals
    assert month_target(dict(kk, target_tw3=None), 7).alasan == "Target triwulan III belum ditetapkan."
    # the recap's month target is the same number
    assert target_for(kk, period(2026, month=4)) == (167, None)
    assert target_for(kk, period(2026, triwulan=2)) == (500, None)
    assert month_target_heading(4) == "Target bulan April (bulanan, dari target triwulan II)"


@pytest.mark.parametrize(
    "value, satuan, text",
    [
        (166.6666667, "KK", "167"),
        (500 / 3, "orang", "167"),
        (200.0000001, "surat", "200"),  # a float error of a division does not round up
        (2.1, "dokumen", "3"),
        (1500, "unit usaha", "1.500"),
        (166.6666667, "%", "166,67"),
        (1250000.5, "Rp", "1.250.000,5"),
        (33.333333, "menit", "33,33"),
        (82.25, "indeks", "82,25"),
        (7.5, None, "7,5"),
        (None, "KK", "–"),
    ],
)
def test_targets_of_counted_things_are_whole(value, satuan, text):
    assert target_text(value, satuan) == text


def test_satuan_kind():
    kinds = {s: satuan_kind(s) for s in ["KK", "orang", "Dokumen", "kegiatan", "SPPT", "unit usaha", "desa"]}
    assert set(kinds.values()) == {"cacah"}
    assert [satuan_kind(s) for s in ["%", "persen", "Rp", "rupiah", "menit", "indeks", "km", "", None]] == [
        "persen",
        "persen",
        "rupiah",
        "rupiah",
        "lain",
        "lain",
        "lain",
        "lain",
        "lain",
    ]
    assert (
        whole_target(166.67, "KK") == 167 and whole_target(166.67, "%") == 166.67 and whole_target(None, "KK") is None
    )


def test_summary_caps_the_mean_and_gives_median_and_predikat():
    """The issue's case: one 300 % lifts a mean of indicators mostly Rendah or Sangat rendah."""
    recap = pd.DataFrame(
        {
            "capaian": [300.0, 60.0, 52.0, 45.0, 44.25, float("nan")],
            "predikat": ["Sangat Tinggi", "Rendah", "Rendah", "Sangat Rendah", "Sangat Rendah", None],
            "realisasi": [3.0, 6.0, 5.2, 4.5, 4.425, float("nan")],
            "tidak_dilaporkan": [0, 0, 0, 0, 0, 1],
        }
    )
    s = recap_summary(recap)
    assert s["rata_capaian"] == pytest.approx(60.25)  # (100 + 60 + 52 + 45 + 44,25) / 5
    assert s["rata_mentah"] == pytest.approx(100.25)  # (300 + 60 + 52 + 45 + 44,25) / 5
    assert s["median_capaian"] == 52.0 and s["dibatasi"] == 1 and s["maks"] == 100.0
    assert s["predikat"] == {"Sangat Tinggi": 1, "Tinggi": 0, "Sedang": 0, "Rendah": 2, "Sangat Rendah": 2}
    assert (s["indikator"], s["terisi"], s["dengan_capaian"], s["tidak_dilaporkan"]) == (6, 5, 5, 1)
    wider = recap_summary(recap, 120.0)
    assert wider["rata_capaian"] == pytest.approx((120 + 60 + 52 + 45 + 44.25) / 5) and wider["dibatasi"] == 1
    assert capped_mean([]) is None and capped_mean([float("nan"), 80.0]) == 80.0
    empty = recap_summary(recap.iloc[5:])
    assert empty["rata_capaian"] is None and empty["median_capaian"] is None and empty["dibatasi"] == 0


def test_aggregate_stok_takes_the_last_month_alir_the_sum():
    values = {1: 5.0, 2: 12.0, 3: 19.92, 5: 30.0}
    assert aggregate(values, "stok", [1, 2, 3]) == (19.92, [1, 2, 3])
    assert aggregate(values, "alir", [1, 2, 3]) == (pytest.approx(36.92), [1, 2, 3])
    assert aggregate(values, "stok", [4, 5, 6]) == (30.0, [5])
    assert aggregate(values, "stok", list(range(1, 13)))[0] == 30.0
    assert aggregate(values, "alir", [7, 8, 9]) == (None, [])
    assert aggregate({1: None, 2: 3.0}, "alir", [1, 2, 3]) == (3.0, [2])


# ---------------------------------------------------------------------------- recap over the fixtures
@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinerja_recap")
    results = build_template(folder)
    assert {r["status"] for r in results} == {"accepted"}, results
    return folder


@pytest.fixture
def store(template, tmp_path):
    s = copy_store(template, tmp_path)
    yield s
    s.close()


def _row(df, indikator, unit=None):
    sel = df[df["indikator"] == indikator]
    if unit:
        sel = sel[sel["unit"] == unit]
    assert len(sel) == 1, (indikator, unit, len(sel))
    return sel.iloc[0]


def test_month_recap_of_the_fixtures(store, expected):
    df = kinerja_recap(store, 2026, month=3)
    assert len(df) == 29
    # the values of every March submission, as EXPECTED.json lists them
    for exp in expected["files"].values():
        if exp["kind"] != "kinerja" or exp["month"] != 3:
            continue
        for ind in exp["indicators"]:
            row = _row(df, ind["indikator"], exp["unit"])
            assert row["realisasi"] == pytest.approx(ind["realisasi"])
            assert row["satuan"] == ind["satuan"] and row["arah"] == ind["arah"]
    surat = _row(df, "Jumlah surat masuk dan keluar yang diadministrasikan")  # alir, naik
    assert (surat["agregasi"], surat["target"], surat["realisasi"]) == ("alir", 200, 237)
    assert surat["capaian"] == pytest.approx(118.5) and surat["predikat"] == "Sangat Tinggi"
    anggaran = _row(df, "Persentase realisasi anggaran", "Sekretariat")  # stok, naik
    assert (anggaran["target"], anggaran["capaian"]) == (20, pytest.approx(99.6))
    bansos = _row(df, "Rata-rata waktu layanan rekomendasi bansos")  # stok, turun
    assert bansos["capaian"] == pytest.approx((2 * 45 - 46.76) / 45 * 100)
    gangguan = _row(df, "Jumlah kejadian gangguan trantibum")  # alir, turun
    assert (gangguan["agregasi"], gangguan["target"]) == ("alir", 2)
    assert gangguan["capaian"] == pytest.approx((2 * 2 - 1) / 2 * 100)
    musrenbang = _row(df, "Persentase usulan Musrenbang Kecamatan yang terakomodir dalam RKPD")
    assert musrenbang["realisasi"] == 0 and pd_isna(musrenbang["capaian"]) and "Target 0" in musrenbang["catatan"]
    assert set(df["status"]) == {"submitted"}
    summary = recap_summary(df)
    assert summary["indikator"] == 29 and summary["terisi"] == 29 and summary["dengan_capaian"] == 28


def pd_isna(value) -> bool:
    return value is None or value != value


def test_triwulan_and_year_aggregate_stok_and_alir(store):
    sekr = "Sekretariat"
    surat = indikator_id(store, sekr, "Jumlah surat masuk dan keluar yang diadministrasikan")
    anggaran = indikator_id(store, sekr, "Persentase realisasi anggaran")
    submit_values(store, 1, 2026, 1, {surat: (200, None), anggaran: (5, None)}, ADMIN)
    submit_values(store, 1, 2026, 2, {surat: ("180", None), anggaran: ("12,5", None)}, ADMIN)
    tw1 = kinerja_recap(store, 2026, triwulan=1, unit_id=1)
    s = _row(tw1, "Jumlah surat masuk dan keluar yang diadministrasikan")
    assert (s["realisasi"], s["target"], s["bulan_terisi"]) == (617, 600, 3)  # 200 + 180 + 237
    assert s["capaian"] == pytest.approx(617 / 600 * 100)
    a = _row(tw1, "Persentase realisasi anggaran")
    assert (a["realisasi"], a["target"], a["bulan_terakhir"]) == (19.92, 20, 3)  # last month reported
    tw2 = kinerja_recap(store, 2026, triwulan=2, unit_id=1)
    assert _row(tw2, "Jumlah surat masuk dan keluar yang diadministrasikan")["realisasi"] == 230
    assert _row(tw2, "Jumlah surat masuk dan keluar yang diadministrasikan")["bulan_terisi"] == 1
    year = kinerja_recap(store, 2026, annual=True)
    y = _row(year, "Jumlah surat masuk dan keluar yang diadministrasikan")
    assert (y["realisasi"], y["target"]) == (847, 2400)  # 617 + 230
    assert y["capaian"] == pytest.approx(847 / 2400 * 100) and y["predikat"] == "Sangat Rendah"
    assert _row(year, "Persentase realisasi anggaran", sekr)["realisasi"] == 46.33  # April, the last reported
    legalisir = _row(year, "Rata-rata waktu layanan legalisir")  # stok turun: April 21.3 vs 15
    assert legalisir["capaian"] == pytest.approx((2 * 15 - 21.3) / 15 * 100) and legalisir["predikat"] == "Rendah"
    gangguan = _row(year, "Jumlah kejadian gangguan trantibum")  # alir turun: 1 + 1 vs 24
    assert gangguan["realisasi"] == 2 and gangguan["capaian"] == pytest.approx((48 - 2) / 24 * 100)
    nothing = kinerja_recap(store, 2026, triwulan=3)
    assert nothing["realisasi"].isna().all() and set(nothing["catatan"]) == {"Realisasi belum ada."}


def test_monthly_series_for_the_trend_chart(store):
    ind = indikator_id(store, "Seksi Kesejahteraan Sosial", "Jumlah penerima bantuan sosial yang diverifikasi")
    df = kinerja_monthly(store, 2026, indikator_id=ind)
    assert df["bulan"].tolist() == list(range(1, 13))
    assert df.loc[df["bulan"] == 3, "realisasi"].item() == 367 and df.loc[df["bulan"] == 4, "realisasi"].item() == 192
    assert df.loc[df["bulan"] == 3, "target"].item() == pytest.approx(300)  # TW I 900 / 3
    assert df.loc[df["bulan"] == 4, "target"].item() == 167  # TW II 500 KK / 3 = 166,67: counted, rounded up
    assert df.loc[df["bulan"] == 1, "realisasi"].isna().all()
