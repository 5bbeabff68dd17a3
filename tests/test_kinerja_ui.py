"""The presentation helpers of the data kinerja pages (ui/kinerja.py) without Streamlit: office
time in words, the tracking table against the SOP times (late steps stand out), the recap as
shown (numbers unchanged, unit written once), held-match candidates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.access import User
from ui import kinerja as ui

ADMIN = User("kasubbag", "Kasubbag", "admin")


@pytest.mark.parametrize(
    "hours, text",
    [
        (None, "–"),
        (0, "0 menit"),
        (0.25, "15 menit"),
        (1, "1 jam"),
        (3.5, "3,5 jam"),
        (6, "6 jam"),
        (8, "1 hari kerja"),
        (16, "2 hari kerja"),
        (17, "2 hari kerja 1 jam"),
    ],
)
def test_duration_in_office_words(hours, text):
    assert ui.duration_text(hours) == text


@pytest.fixture
def two_units(store):
    from core.kinerja_input import add_indikator

    ids = {}
    for nama in ("Seksi Pemerintahan", "Sekretariat"):
        unit = store.add_unit_kerja(nama, "test")
        ids[nama] = unit
        add_indikator(
            store,
            unit,
            2026,
            dict(
                nama=f"Indikator {nama}",
                satuan="%",
                arah="naik",
                agregasi="stok",
                target_tahunan=90,
                target_tw1=80,
                target_tw2=85,
                target_tw3=88,
                target_tw4=90,
            ),
            "test",
        )
    return ids


def test_tracking_marks_a_unit_that_waits_longer_than_the_sop(store, two_units):
    from core import review
    from core.kinerja_input import submit_values

    pem, sek = two_units["Seksi Pemerintahan"], two_units["Sekretariat"]
    assert review.record_step(store, 2026, 3, "requested", ADMIN) == [pem, sek]
    ind = int(store.indikator_frame(2026, sek)["id"].iloc[0])
    submit_values(store, sek, 2026, 3, {ind: ("81,5", None)}, "kasi.sekretariat")
    requested_at = store.review_events(2026, 3, pem)["created_at"].iloc[0]
    # a week later Seksi Pemerintahan has still not sent anything: 5 office days against the SOP's 2
    now = pd.Timestamp(requested_at) + pd.Timedelta(days=7)
    durations = review.step_durations(store, 2026, 3, now=now)
    track = ui.tracking_frame(durations, store.kinerja_units(2026), store.review_rows(2026, 3))
    rows = {r["Unit"]: r for r in track.to_dict("records")}
    late = rows["Seksi Pemerintahan"]
    assert late["Status"] == "📝 Belum disampaikan" and late["Terlambat"] == "⚠️ Ya"
    assert late["Menunggu"].startswith("⚠️ Data disampaikan unit: ")
    assert "(batas SOP 2 hari kerja)" in late["Menunggu"]
    assert late["Permintaan"].endswith(" · kasubbag") and late["Disampaikan unit"] == ""
    done = rows["Sekretariat"]
    assert done["Status"] == "📨 Disampaikan" and " · kasi.sekretariat · " in done["Disampaikan unit"]
    assert not done["Disampaikan unit"].startswith("⚠️")  # it sent within the 2 days
    assert done["Menunggu"].startswith("⚠️ Data dihimpun staf")  # but nobody compiled it for a week
    assert all("background-color" in css for css in ui.late_css(pd.Series(late)))
    # at the moment of the request nothing is late and no row is coloured
    fresh = ui.tracking_frame(
        review.step_durations(store, 2026, 3, now=pd.Timestamp(requested_at)),
        store.kinerja_units(2026),
        store.review_rows(2026, 3),
    )
    assert fresh["Terlambat"].tolist() == ["", ""]
    assert not any(css for _, r in fresh.iterrows() for css in ui.late_css(r))
    steps = ui.steps_frame(durations)
    waiting = steps[steps["Selesai"] == "(belum)"]
    assert set(waiting["Unit"]) == {"Seksi Pemerintahan", "Sekretariat"}
    assert waiting.set_index("Unit").loc["Seksi Pemerintahan", "Keterangan"] == "⚠️ Melebihi SOP"


def test_recap_display_keeps_the_numbers_and_writes_each_unit_once(store, two_units):
    from core.kinerja import kinerja_recap
    from core.kinerja_input import submit_values

    for nama, value in (("Seksi Pemerintahan", "40"), ("Sekretariat", "79,9")):
        unit = two_units[nama]
        ind = int(store.indikator_frame(2026, unit)["id"].iloc[0])
        submit_values(store, unit, 2026, 3, {ind: (value, None)}, "test")
    recap = kinerja_recap(store, 2026, month=3)
    shown = ui.recap_display(recap, with_months=False)
    assert shown["Unit"].tolist() == recap["unit"].tolist()  # one indicator each: every name shown
    assert shown["Realisasi"].tolist() == ["40", "79,9"]
    assert shown["Capaian"].tolist() == ["50,00\u00a0%", "99,88\u00a0%"]
    assert [p.replace("\u00a0", " ") for p in shown["Predikat"]] == ["Sangat Rendah", "Sangat Tinggi"]
    assert "Bulan terisi" not in shown.columns
    assert ui.predikat_css(shown["Predikat"][0]).startswith("background-color: #ef9a9a")
    # two indicators of one unit: the unit's name and status on its first row only
    doubled = pd.concat([recap.iloc[[0]], recap.iloc[[0]]], ignore_index=True)
    shown = ui.recap_display(doubled)
    assert shown["Unit"].tolist() == ["Seksi Pemerintahan", ""]
    assert shown["Status"].tolist() == ["📨 Disampaikan", ""]
    export = ui.recap_export(recap)
    assert export["Capaian (%)"].tolist() == [50.0, 99.88]


def test_candidates_and_history_labels():
    row = {"candidates_json": '[{"id": 7, "nama": "Persentase kehadiran pegawai", "satuan": "%", "score": 0.8712}]'}
    [c] = ui.candidates(row)
    assert ui.candidate_label(c) == "Persentase kehadiran pegawai (%) - kemiripan 87 %"
    assert ui.candidates({"candidates_json": None}) == []
    events = pd.DataFrame(
        {
            "created_at": [dt.datetime(2026, 4, 2, 9, 5)],
            "step": ["returned"],
            "actor": ["sekcam"],
            "status_before": ["submitted"],
            "status_after": ["returned"],
            "note": ["Periksa indikator 2"],
        }
    )
    frame = ui.history_frame(events, {"sekcam": "Drs. Sekretaris Camat"})
    assert frame.iloc[0].tolist() == [
        "2 April 2026 09.05",
        "Dikembalikan untuk diperbaiki",
        "Drs. Sekretaris Camat",
        "Disampaikan → Dikembalikan",
        "Periksa indikator 2",
    ]
    assert ui.last_return(events) == {
        "actor": "sekcam",
        "created_at": dt.datetime(2026, 4, 2, 9, 5),
        "note": "Periksa indikator 2",
    }
