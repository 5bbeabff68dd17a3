"""Dashboard rules (traffic light, kontrak kritis, drill-down rollups, kurva S, reporting status,
settings) and the dashboard pages through AppTest with the fixture reports."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import FIXTURES, load_expected
from pg_support import use_both_engines
from recap_reference import rollup

from core import settings as settings_mod
from core.metrics import is_kritis, traffic_light
from core.recap import kabupaten_totals, kurva_s, leaf_recap, level_recap, recap_opd
from core.status import reminder_text, reporting_status, whatsapp_link
from etl.pipeline import ingest_paths

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

EXPECTED = load_expected()["files"]
MARCH = ["realisasi/realisasi_dinkes_2026-03.xlsx", "realisasi/distan_2026-03.csv"]


@pytest.mark.parametrize(
    "dev, keu, target, light",
    [
        (-2, 20, 15, "hijau"),
        (-6, 20, 15, "kuning"),
        (-11, 20, 15, "merah"),
        (0, 9, 15, "kuning"),
        (0, 4, 15, "merah"),
        (None, 14, 15, "hijau"),
        (None, None, 15, None),
    ],
)
def test_traffic_light(dev, keu, target, light):
    assert traffic_light(dev, keu, target, 5, 10) == light


@pytest.mark.parametrize(
    "target, dev, kritis",
    [
        (50, -10.5, True),
        (50, -10, False),
        (70, -10.5, True),
        (80, -5.5, True),
        (80, -5, False),
        (None, -30, False),
    ],
)
def test_kontrak_kritis(target, dev, kritis):
    assert is_kritis(target, dev) is kritis


def test_settings_deadline_and_validation(store):
    s = settings_mod.load(store)
    assert s.deadline(2026, 3) == dt.date(2026, 4, 10) and s.deadline(2026, 12) == dt.date(2027, 1, 10)
    assert s.target_for(12) == 100.0
    bad = settings_mod.Settings(kuning_poin=12, merah_poin=10, target_serapan=[50] + [10] * 11)
    assert len(settings_mod.problems(bad)) == 2
    settings_mod.save(store, settings_mod.Settings(ttd_nama="Drs. Ahmad", batas_hari=15), "admin1")
    again = settings_mod.load(store)
    assert (again.ttd_nama, again.batas_hari, again.target_serapan) == ("Drs. Ahmad", 15, s.target_serapan)
    assert store.sql("SELECT actor, action, detail FROM audit_log WHERE action = 'settings'") == [
        ("admin1", "settings", "ttd_nama, batas_hari")
    ]


@pytest.fixture
def march(dpa_store):
    res = ingest_paths(dpa_store, [FIXTURES / r for r in MARCH])
    assert [r["status"] for r in res] == ["accepted", "accepted"], res
    return dpa_store


def test_rollups_agree_with_recap_and_each_other(march):
    leaves = leaf_recap(march, 2026, 3)
    by_opd = rollup(leaves, "opd").set_index("opd_kode")
    recap = recap_opd(march, 2026, 3).set_index("opd_kode").loc[by_opd.index]
    for col in ("pagu", "realisasi_keuangan", "fisik_pct", "target_fisik_pct", "deviasi", "keuangan_pct"):
        pd.testing.assert_series_equal(by_opd[col], recap[col], check_names=False)
    # program and kegiatan subtotals add up to the OPD
    for level in ("program", "kegiatan"):
        sums = level_recap(march, 2026, 3, level).groupby("opd_kode")[["pagu", "realisasi_keuangan"]].sum()
        assert sums["pagu"].round(2).equals(by_opd["pagu"].round(2))
    dinkes = EXPECTED[MARCH[0]]
    kode = next(o.kode for o in march.opds() if o.nama == dinkes["opd_name"])
    assert by_opd.loc[kode, "pagu"] == pytest.approx(dinkes["sum_pagu"])
    assert by_opd.loc[kode, "realisasi_keuangan"] == pytest.approx(dinkes["sum_realisasi_keuangan"])


def test_kurva_s_has_the_reported_months_only(march):
    curve = kurva_s(march, 2026, upto=4)
    tot = kabupaten_totals(recap_opd(march, 2026, 3))
    assert curve["keuangan_pct"].isna().tolist() == [True, True, False, True]
    assert curve.loc[2, "keuangan_pct"] == pytest.approx(tot["keuangan_pct"])
    assert curve.loc[2, "fisik_pct"] == pytest.approx(tot["fisik_pct"])


def test_reporting_status_and_reminder(march):
    cfg = settings_mod.load(march)
    raw = march.reporting_status(2026, 3)
    assert len(raw) == 8
    before = reporting_status(raw, 2026, 3, cfg, today=dt.date(2026, 4, 5))
    counts = before["status"].value_counts().to_dict()
    # the fixture reports were loaded today (after 10 April 2026): late
    assert counts == {"belum": 6, "terlambat": 2}
    after = reporting_status(raw, 2026, 3, cfg, today=dt.date(2026, 4, 11))
    assert after["status"].value_counts().to_dict() == {"belum_lewat_batas": 6, "terlambat": 2}
    text = reminder_text("Dinas Sosial", 2026, 3, cfg, today=dt.date(2026, 4, 5))
    assert "Dinas Sosial" in text and "Maret 2026" in text and "paling lambat tanggal 10 April 2026" in text
    # after the deadline: no past date, "segera" and the days overdue
    late = reminder_text("Dinas Sosial", 2026, 3, cfg, today=dt.date(2026, 4, 17))
    assert "segera" in late and "lewat 7 hari" in late and "10 April" not in late and "paling lambat" not in late
    assert whatsapp_link(text).startswith("https://wa.me/?text=Yth.%20Kepala%20Dinas%20Sosial")


def test_manual_override_is_kept_and_audited(march):
    cls = march.classification(2026)
    row = cls[cls["jenis"] == "non_fisik"].iloc[0]
    march.override_jenis(2026, row["opd_kode"], row["kode"], "fisik", "rehab gedung sesuai kontrak", "admin1")
    after = march.classification(2026).set_index(["opd_kode", "kode"]).loc[(row["opd_kode"], row["kode"])]
    assert (after["jenis"], after["jenis_source"], after["jenis_rule"]) == (
        "fisik",
        "manual",
        "rehab gedung sesuai kontrak",
    )
    hist = march.jenis_overrides(2026)
    assert hist["created_by"].tolist() == ["admin1"]
    audit = march.sql("SELECT actor, target, detail FROM audit_log WHERE action = 'jenis_override'")
    assert audit == [
        (
            "admin1",
            f"{row['opd_kode']} {row['kode']}",
            f"non_fisik ({row['jenis_source']}) -> fisik: rehab gedung sesuai kontrak",
        )
    ]
    # the recap follows the override
    recap = recap_opd(march, 2026, 3).set_index("opd_kode")
    assert recap.loc[row["opd_kode"], "fisik_pagu"] >= row["pagu"]


# --------------------------------------------------------------------------- pages (AppTest)
@pytest.fixture
def app_march(app_env):
    from db.store import Store

    store = Store(app_env, data_dir=app_env.parent / "data")
    ingest_paths(store, [FIXTURES / "master" / "dpa_2026.xlsx"] + [FIXTURES / r for r in MARCH])
    return store


def _open(page: str):
    from test_pages import new_app, run

    at = run(new_app(query={"tahun": "2026", "bulan": "3"}))
    at.switch_page(page)
    return run(at)


def test_rekap_page_shows_every_opd_with_light_and_kurva_s(app_march):
    from core.format import percent, points, rupiah_compact
    from core.recap import kabupaten_totals

    at = _open("views/rekap.py")
    table = at.dataframe[0].value
    recap = recap_opd(app_march, 2026, 3)
    # one row per OPD, then the JUMLAH row with the kabupaten totals (as the print-ready recap)
    body, jumlah = table.iloc[:-1], table.iloc[-1]
    assert sorted(body["OPD"]) == sorted(recap["opd"])
    assert set(body["Pagu"]) == {rupiah_compact(v) for v in recap["pagu"]}
    assert body["Lampu"].str.contains("Hijau|Kuning|Merah|Belum lapor|-").all()
    tot = kabupaten_totals(recap)
    assert jumlah["OPD"] == "JUMLAH" and jumlah["Pagu"] == rupiah_compact(tot["pagu"]) == "Rp 205,13 M"
    assert jumlah["Serapan"] == percent(tot["keuangan_pct"]) and jumlah["Deviasi"] == points(tot["deviasi"])
    assert jumlah["Lampu"] == f"{tot['opd_reported']} dari {tot['opd_total']} OPD"
    # the key columns first, and no more than fit beside the sidebar at 1366 px
    assert list(table.columns[:8]) == ["OPD", "Lampu", "Pagu", "Realisasi", "Serapan", "Target", "Fisik", "Deviasi"]
    assert at.get("plotly_chart"), "kurva S expected"
    labels = [b.label for b in at.get("download_button")]
    assert labels[0].startswith("Unduh rekap siap cetak") and labels[1:] == ["Unduh Excel (rekap per opd)"]


def test_fisik_page_override_form(app_march):
    at = _open("views/fisik.py")
    assert at.get("plotly_chart")
    cls = app_march.classification(2026)
    row = cls[cls["jenis"] == "non_fisik"].iloc[0]
    at.selectbox[0].set_value((row["opd_kode"], row["kode"]))
    at.radio[0].set_value("fisik")
    at.text_input[0].set_value("belanja modal gedung")
    next(b for b in at.button if b.label == "Simpan klasifikasi").click()
    at.run()
    assert any("diubah menjadi Fisik konstruksi" in s.value for s in at.success)
    assert app_march.jenis_overrides(2026)["reason"].tolist() == ["belanja modal gedung"]


def test_status_page_lists_missing_opds_with_reminders(app_march):
    at = _open("views/status.py")
    table = at.dataframe[0].value
    assert len(table) == 8
    assert (table["Berkas"] != "-").sum() == 2
    assert len(at.expander) == 6
    assert all("Yth. Kepala" in c.value for c in at.code)
    assert len(at.get("link_button")) == 6


def test_status_page_many_to_chase_picks_one_and_survives_reruns(app_march, monkeypatch):
    """Above REMINDERS_LISTED OPDs to chase the page shows one chosen OPD's reminder; its picker
    and the admin's received-date picker are separate widgets (a rerun once replayed the first
    with the second's labels: KeyError 0)."""
    import core.status

    monkeypatch.setattr(core.status, "REMINDERS_LISTED", 3)
    at = _open("views/status.py")
    pick = at.selectbox(key="status_ingatkan")
    assert len(pick.options) == 6 and len(at.expander) == 1
    assert all(" - " in o for o in pick.options)
    pick.set_value(2)
    at.run()
    assert not at.exception
    assert at.selectbox(key="status_ingatkan").value == 2
    chosen = at.selectbox(key="status_ingatkan").options[2].split(" - ")[0]
    assert chosen in at.expander[0].label
    assert len(at.selectbox(key="received_import").options) == 2
    at.run()
    assert not at.exception


def test_pengaturan_saves_and_refuses_bad_thresholds(app_march):
    at = _open("views/pengaturan.py")
    at.text_input[[t.label for t in at.text_input].index("Nama")].set_value("Drs. Ahmad Fauzi")
    at.button[0].click()
    at.run()
    assert any("Pengaturan disimpan" in s.value for s in at.success)
    assert settings_mod.load(app_march).ttd_nama == "Drs. Ahmad Fauzi"
    # the thresholds are typed the Indonesian way (5,5), never shown as 5.00
    assert at.text_input(key="cfg_kuning").value == "5"
    at.text_input(key="cfg_kuning").set_value("20")
    at.button[0].click()
    at.run()
    assert any("Ambang kuning harus lebih kecil" in e.value for e in at.error)
    assert settings_mod.load(app_march).kuning_poin == 5.0
    at.text_input(key="cfg_kuning").set_value("lima")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == [
        "Kuning bila tertinggal lebih dari (poin): 'lima' bukan angka. Tulis angka dengan koma desimal, mis. 5,5."
    ]
    at.text_input(key="cfg_kuning").set_value("4,5")
    at.button[0].click()
    at.run()
    assert settings_mod.load(app_march).kuning_poin == 4.5


def test_fisik_page_downloads_split_and_override_history(app_march, media):
    """Every table of the Fisik page has an Excel download with the numbers on screen."""
    import io

    import openpyxl
    from recap_reference import jenis_split
    from test_pages import download_bytes

    app_march.override_jenis(
        2026, *app_march.classification(2026).iloc[0][["opd_kode", "kode"]], "fisik", "sesuai DPA perubahan", "admin"
    )
    at = _open("views/fisik.py")
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert {
        "Unduh Excel (fisik vs non fisik)",
        "Unduh Excel (klasifikasi)",
        "Unduh Excel (riwayat perubahan klasifikasi)",
    } <= set(buttons), list(buttons)
    split = jenis_split(leaf_recap(app_march, 2026, 3)).set_index("label")
    ws = openpyxl.load_workbook(io.BytesIO(download_bytes(media, buttons["Unduh Excel (fisik vs non fisik)"]))).active
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r and r[0] in split.index}
    assert set(rows) == {"Fisik konstruksi", "Non fisik"}
    for label, row in rows.items():
        assert row[1:4] == (
            split.loc[label, "sub_kegiatan"],
            split.loc[label, "pagu"],
            split.loc[label, "realisasi_keuangan"],
        )
        assert isinstance(row[2], (int, float))  # numbers, not text
    ws = openpyxl.load_workbook(
        io.BytesIO(download_bytes(media, buttons["Unduh Excel (riwayat perubahan klasifikasi)"]))
    ).active
    assert any(r and "sesuai DPA perubahan" in r for r in ws.iter_rows(values_only=True))
