"""Screen shapes of the tables (ui/tables.py) and the cut ranking (ui/charts.py): key columns
first, compact money, a JUMLAH row with the kabupaten totals, widths that fit 1366 px beside the
sidebar, OPD cards for a phone, the top and bottom of a province-sized ranking with a search,
and never a raw value (None, NaN, ISO timestamps) on screen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui.charts import GAP, ranking_figure, ranking_rows
from ui.tables import (
    CARD_LIMIT,
    JUMLAH,
    TL,
    card_rows,
    cards_html,
    history_export,
    history_screen,
    level_screen,
    matching_rows,
    ranking_search,
    recap_screen,
    status_screen,
    totals,
    users_screen,
    with_followups,
    with_lights,
)

# what a 1366 px window leaves for a table beside the open sidebar (measured: 986 px), less a
# margin; the selection column of a selectable table takes 35 px more
FIT_PX = 950
SELECT_PX = 35
RAW = ("None", "nan", "NaN", "NaT", "T00:00", "inf")


def _recap(n: int = 2) -> pd.DataFrame:
    """``n`` OPDs as :func:`core.recap.recap_opd` gives them; the first two: A reported
    (pagu 1 M, realisasi 250 jt, fisik 40 % of a 50 % target), B not (pagu 3 M)."""
    rows = [
        dict(opd_kode="1", opd="Dinas A", singkatan="DA", pagu=1e9, realisasi_keuangan=2.5e8, reported=True,
             keuangan_pct=25.0, fisik_pct=40.0, target_fisik_pct=50.0, deviasi=-10.0, sub_kegiatan=4),
        dict(opd_kode="2", opd="Badan <B>", singkatan=None, pagu=3e9, realisasi_keuangan=np.nan, reported=False,
             keuangan_pct=np.nan, fisik_pct=np.nan, target_fisik_pct=np.nan, deviasi=np.nan, sub_kegiatan=11),
    ]  # fmt: skip
    for i in range(2, n):
        rows.append(
            dict(opd_kode=str(i + 1), opd=f"Dinas {i + 1:04d}", singkatan=f"D{i + 1}", pagu=1e9 + i * 1e6,
                 realisasi_keuangan=1e8, reported=True, keuangan_pct=float(i), fisik_pct=float(2 * i % 97),
                 target_fisik_pct=50.0, deviasi=float(2 * i % 97) - 50, sub_kegiatan=3)
        )  # fmt: skip
    return pd.DataFrame(rows)


def _no_raw(frame: pd.DataFrame) -> None:
    cells = [str(v) for v in frame.to_numpy().ravel()]
    assert not [c for c in cells for r in RAW if r in c], cells


def _width(screen, select: bool = False) -> int:
    order = screen.order or list(screen.frame.columns)
    return sum(screen.config[c]["width"] for c in order) + (SELECT_PX if select else 0)


def test_recap_screen_key_columns_compact_money_and_jumlah():
    screen = recap_screen(_recap(), 20.0, 5.0, 10.0)
    t = screen.frame
    assert list(t.columns) == ["OPD", "Lampu", "Pagu", "Realisasi", "Serapan", "Target", "Fisik", "Deviasi", "Sub keg."]
    a, b, jumlah = (t.iloc[i].to_dict() for i in range(3))
    assert a == {
        "OPD": "Dinas A",
        "Lampu": "🟡 Kuning",  # 10 points behind the fisik target: merah only beyond 10
        "Pagu": "Rp 1 M",
        "Realisasi": "Rp 250 jt",
        "Serapan": "25,00 %",
        "Target": "50,00 %",
        "Fisik": "40,00 %",
        "Deviasi": "-10,00",
        "Sub keg.": "4",
    }
    assert b["Lampu"] == "⚪ Belum lapor" and b["Realisasi"] == b["Fisik"] == b["Deviasi"] == "-"
    # the kabupaten totals: 250 jt of 4 M; fisik (1 M x 40 + 3 M x 0) / 4 M = 10 against 12,5
    assert jumlah == {
        "OPD": JUMLAH,
        "Lampu": "1 dari 2 OPD",
        "Pagu": "Rp 4 M",
        "Realisasi": "Rp 250 jt",
        "Serapan": "6,25 %",
        "Target": "12,50 %",
        "Fisik": "10,00 %",
        "Deviasi": "-2,50",
        "Sub keg.": "15",
    }
    _no_raw(t)
    # numbers right-aligned, names left; every money header says where the full value is
    assert {c for c, cfg in screen.config.items() if cfg.get("alignment") == "right"} == set(t.columns[2:])
    assert "unduhan Excel" in screen.config["Pagu"]["help"]
    assert _width(screen) <= FIT_PX
    # an operator's own OPD alone: no JUMLAH row repeating it
    assert recap_screen(_recap().head(1), 20.0, 5.0, 10.0).frame["OPD"].tolist() == ["Dinas A"]


def test_rekap_levels_fit_beside_the_sidebar():
    lit = with_lights(_recap(), 20.0, 5.0, 10.0)
    opd = level_screen(lit, None, "opd", "OPD", total=totals(lit))
    assert _width(opd, select=True) <= FIT_PX
    follow = with_followups(level_screen(lit, None, "opd", "OPD", total=totals(lit), counts=False), [3, 0], [1, 0])
    assert follow.frame[TL].tolist() == ["3 (1 terlambat)", "-", "3 (1 terlambat)"]
    assert _width(follow, select=True) <= FIT_PX
    leaves = lit.assign(kode=["1.02.02.2.01.0001", "1.02.02.2.01.0002"], nama=["Penyediaan " * 8, "x"])
    leaves = leaves.rename(columns={"fisik_pct": "realisasi_fisik", "target_fisik_pct": "target_fisik"})
    sub = level_screen(leaves, "kode", "nama", "Sub kegiatan", counts=False)
    assert list(sub.frame.columns[:3]) == ["Kode", "Sub kegiatan", "Lampu"]
    assert sub.frame["Lampu"].tolist() == ["🟡 Kuning", "⚪ -"]  # "Belum lapor" is said of an OPD
    assert _width(sub, select=True) <= FIT_PX


def test_ranking_of_a_province_shows_top_and_bottom_with_ranks():
    lit = with_lights(_recap(60), 20.0, 5.0, 10.0)
    ranked = ranking_rows(lit, "keuangan_pct", 10)
    # 59 OPDs have a value (the one that did not report is left out): ranks 1-10 and 50-59
    assert ranked["peringkat"].tolist() == list(range(1, 11)) + list(range(50, 60))
    assert ranked["keuangan_pct"].is_monotonic_decreasing
    assert ranked.iloc[0]["opd"] == "Dinas 0060" and ranked.iloc[-1]["opd"] == "Dinas 0003"
    fig = ranking_figure(lit, "keuangan_pct", "Serapan", lit["lampu"], limit=10)
    labels = list(fig.data[0].y)
    assert len(labels) == 21 and labels[10] == GAP  # best on top: the last category is drawn highest
    assert labels[-1] == "1. D60" and labels[0] == "59. D3"
    assert fig.layout.height <= 34 * 21 + 90
    assert len(ranking_figure(lit, "keuangan_pct", "Serapan", lit["lampu"]).data[0].y) == 59  # no limit: all


def test_ranking_search_finds_an_opd_with_its_rank():
    lit = with_lights(_recap(60), 20.0, 5.0, 10.0)
    found = ranking_search(lit, "0031").frame
    assert found.to_dict("records") == [
        {
            "OPD": "Dinas 0031",
            "Lampu": "🟢 Hijau",
            "Peringkat serapan": "30 dari 59",
            "Serapan": "30,00 %",
            "Peringkat fisik": found.iloc[0]["Peringkat fisik"],
            "Fisik": "60,00 %",
        }
    ]
    assert found.iloc[0]["Peringkat fisik"].endswith(" dari 59")
    assert ranking_search(lit, "badan").frame.iloc[0][["Lampu", "Peringkat serapan"]].tolist() == [
        "⚪ Belum lapor",
        "-",
    ]
    assert ranking_search(lit, "d45").frame["OPD"].tolist() == ["Dinas 0045"]  # the short name
    assert ranking_search(lit, "  ").frame.empty


def test_cards_limit_search_and_escape():
    screen = recap_screen(_recap(100), 20.0, 5.0, 10.0)
    rows, matched = card_rows(screen.frame, "OPD")
    assert matched == 100 and len(rows) == CARD_LIMIT + 1 and rows.iloc[-1]["OPD"] == JUMLAH
    rows, matched = card_rows(screen.frame, "OPD", "dinas 009")
    assert matched == 10 and rows["OPD"].tolist()[:-1] == [f"Dinas {i:04d}" for i in range(90, 100)]
    page = cards_html(rows.head(2), "OPD")
    assert page.count('class="pantau-kartu"') == 2 and "Rp 1,09 M" in page
    small = cards_html(card_rows(recap_screen(_recap(), 20.0, 5.0, 10.0).frame, "OPD")[0], "OPD")
    assert "Badan &lt;B&gt;" in small and "<B>" not in small  # escaped
    assert small.count("<span>Pagu</span>") == 3 and small.count("<span>Deviasi</span>") == 2  # B: pagu only
    assert "pantau-kartu-jumlah" in small


def test_history_status_and_users_show_no_raw_values():
    history = pd.DataFrame(
        {
            "id": [2, 1],
            "created_at": pd.to_datetime(["2026-12-02 14:30", "2026-12-01 08:05"]),
            "file_name": ["lap.xlsx", "dpa.xlsx"],
            "kind": ["realisasi", "dpa"],
            "tahun": [2026, 2026],
            "bulan": [4, None],
            "opd": ["Dinas A", None],
            "rows_accepted": [1234, 163],
            "rows_flagged": [0, 2],
            "pagu": [None, 2.05e11],
            "status": ["accepted", "flagged"],
            "superseded_by": [None, None],
            "created_by": ["admin", None],
        }
    )
    from ui.preview import history_frame

    screen = history_screen(history_frame(history), history)
    shown = screen.frame[screen.order]
    assert shown.iloc[0].tolist() == [2, "02-12-2026 14.30", "lap.xlsx", "Realisasi", "Dinas A", "April 2026", "1.234",
                                      "Diterima", "admin"]  # fmt: skip
    assert shown.iloc[1][["Jenis", "OPD", "Periode", "Oleh"]].tolist() == ["DPA", "-", "Tahun 2026", "-"]
    assert _width(screen) <= FIT_PX
    export = history_export(history_frame(history), history)
    assert export["Pagu (Rp)"].tolist()[1] == 2.05e11 and "Baris bercatatan" in export

    status = pd.DataFrame(
        {
            "opd_kode": ["1", "2"],
            "opd": ["Dinas A", None],
            "status": ["terlambat", "belum_lewat_batas"],
            "received_at": pd.to_datetime(["2026-05-14", None]),
            "hari_terlambat": [4, 9],
            "file_name": ["lap.xlsx", None],
            "created_by": ["admin", None],
            "rows_accepted": [15, np.nan],
            "rows_flagged": [0, np.nan],
            "versi": [1, np.nan],
        }
    )
    screen = status_screen(status)
    _no_raw(screen.frame)
    assert screen.frame.iloc[1][["OPD", "Status", "Diterima", "Terlambat (hari)"]].tolist() == [
        "2",
        "🔴 Belum lapor (lewat batas)",
        "-",
        "9",
    ]
    assert _width(screen) <= FIT_PX

    users = pd.DataFrame(
        {
            "username": ["admin", "op", "lama"],
            "nama": ["Admin", "Operator", None],
            "role": ["admin", "opd", "viewer"],
            "opd": [None, "Dinas A", None],
            "unit": [None, None, None],
            "email": [None, None, None],
            "active": [True, True, False],
            "locked_until": pd.to_datetime([None, "2999-01-01 10:00", None]),
            "last_login": pd.to_datetime(["2026-12-02 07:45", None, None]),
        }
    )
    screen = users_screen(users, lambda r: r)
    _no_raw(screen.frame[screen.order])
    assert "E-mail (SSO)" not in screen.order  # nobody has one
    assert screen.frame["Status"].tolist() == ["Aktif", "Terkunci s.d. 01-01-2999 10:00", "Nonaktif"]
    assert screen.frame["Terakhir masuk"].tolist() == ["02-12-2026 07:45", "-", "-"]
    assert screen.frame["Cakupan"].tolist() == ["Semua", "Dinas A", "Semua"]
    assert _width(screen) <= FIT_PX
    with_mail = users_screen(users.assign(email=["a@pemda.go.id", None, None]), lambda r: r)
    assert "E-mail (SSO)" in with_mail.order and _width(with_mail) <= FIT_PX + 60


@pytest.mark.parametrize("value", [None, float("nan")])
def test_lampu_text_of_no_light(value):
    from ui.tables import lampu_text

    assert lampu_text(value, True) == "⚪ -"
    assert lampu_text(value, False) == "⚪ Belum lapor"
    assert lampu_text("hijau", True) == "🟢 Hijau"


def test_styled_follow_ups_keep_their_data():
    """Overdue follow-ups are set in red through a Styler; the cards and the height read its data."""
    from ui.tables import Screen
    from ui.tindak_lanjut import style_late

    lit = with_lights(_recap(), 20.0, 5.0, 10.0)
    screen = with_followups(level_screen(lit, None, "opd", "OPD", total=totals(lit), counts=False), [2, 0], [1, 0])
    styled = Screen(style_late(screen.frame, pd.Series([True, False, False]), [TL]), screen.config)
    assert styled.data is screen.frame and styled.data[TL].tolist() == ["2 (1 terlambat)", "-", "2 (1 terlambat)"]
    assert card_rows(styled.data, "OPD")[1] == 2


def test_ringkasan_of_a_small_province_cuts_the_ranking_and_finds_an_opd(app_env):
    """24 OPDs (two kabupaten of bench/province.py, not named as such): each ranking shows the 10 best and the 10
    worst with a gap, the search box finds any OPD with its rank, the table ends with JUMLAH."""
    import plotly.io as pio

    from bench import province as gen
    from core import settings as settings_mod
    from core.recap import recap_opd
    from db.store import Store
    from tests.test_pages import new_app, run
    from tests.test_ringkasan import values

    gen.build(app_env, {**gen.PROVINCE, "n_kab": 2, "n_opd": 12})
    store = Store(app_env, data_dir=app_env.parent / "data")
    # OPDs that name no kabupaten/kota (one long list of OPDs; with them the Ringkasan ranks the
    # kabupaten/kota: tests/test_wilayah_pages.py)
    store.set_wilayah({o.kode: None for o in store.opds()}, "test")
    cfg = settings_mod.load(store)
    lit = with_lights(recap_opd(store, 2025, 6), cfg.target_for(6), cfg.kuning_poin, cfg.merah_poin)
    assert len(lit) == 24 and lit["keuangan_pct"].notna().all()
    at = run(new_app({"tahun": "2025", "bulan": "6"}))
    for chart in at.get("plotly_chart")[1:3]:
        bars = pio.from_json(chart.proto.spec).data[0]
        labels = values(bars.y)
        assert len(labels) == 21 and labels[10] == GAP and labels[-1].startswith("1. ") and labels[0].startswith("24. ")
    assert any("10 OPD teratas dan 10 terbawah dari 24 OPD" in c.value for c in at.caption)
    # the 12th best OPD in serapan is in neither half of the chart: the search finds it
    twelfth = ranking_rows(lit, "keuangan_pct").iloc[11]
    at.text_input(key="cari_peringkat").set_value(twelfth["opd"]).run()
    found = next(d.value for d in at.dataframe if "Peringkat serapan" in d.value.columns)
    assert found["OPD"].tolist() == [twelfth["opd"]] and found["Peringkat serapan"].tolist() == ["12 dari 24"]
    recap = next(d.value for d in at.dataframe if "Lampu" in d.value.columns and "Pagu" in d.value.columns)
    assert len(recap) == 25 and recap["OPD"].iloc[-1] == JUMLAH and recap["Lampu"].iloc[-1] == "24 dari 24 OPD"


def test_matching_rows_any_text_column_any_case():
    table = pd.DataFrame({"OPD": ["Dinas PUPR", "Dinas Kesehatan", None], "Kode": ["1.03.01", "1.02.01", "2.01"]})
    assert matching_rows(table, "  pupr ", ["OPD", "Kode"])["Kode"].tolist() == ["1.03.01"]
    assert matching_rows(table, "1.0", ["OPD", "Kode"])["OPD"].tolist() == ["Dinas PUPR", "Dinas Kesehatan"]
    assert matching_rows(table, "[", ["OPD", "Kode"]).empty  # typed text, not a pattern
    assert len(matching_rows(table, " ", ["OPD"])) == 3


def test_fisik_of_a_small_province_shows_the_most_behind_kritis_and_finds_the_others(app_env, monkeypatch, media):
    """More kontrak kritis than KRITIS_SHOWN: the screen shows that many, most behind first, with
    the count of all; the search finds one that is not shown; the Excel download has them all."""
    import io

    import openpyxl

    from bench import province as gen
    from core import settings as settings_mod
    from core.recap import kritis_recap
    from db.store import Store
    from tests.test_pages import download_bytes, new_app, run
    from ui import tables

    gen.build(app_env, {**gen.PROVINCE, "n_kab": 2, "n_opd": 12})
    store = Store(app_env, data_dir=app_env.parent / "data")
    cfg = settings_mod.load(store)
    kritis = kritis_recap(store, 2025, 6, None, cfg.kritis_awal_poin, cfg.kritis_akhir_poin)
    assert len(kritis) > 10, len(kritis)
    monkeypatch.setattr(tables, "KRITIS_SHOWN", 10)
    at = new_app({"tahun": "2025", "bulan": "6"})
    run(at)
    at.switch_page("views/fisik.py")
    run(at)

    def shown():
        return next(d.value for d in at.dataframe if "Permasalahan" in d.value.columns)

    assert shown()["Kode"].tolist() == kritis["kode"].head(10).tolist()
    total = f"{len(kritis):,}".replace(",", ".")
    assert any(f"Ditampilkan 10 kontrak kritis yang paling tertinggal dari {total}" in c.value for c in at.caption)
    last = kritis.iloc[-1]
    at.text_input(key="kritis_cari").set_value(last["kode"]).run()
    assert last["kode"] in shown()["Kode"].tolist()
    assert any("kontrak kritis cocok dengan pencarian" in c.value for c in at.caption)
    at.text_input(key="kritis_cari").set_value("tidak ada yang seperti ini").run()
    assert any("Tidak ada kontrak kritis yang cocok" in i.value for i in at.info)
    button = next(b for b in at.get("download_button") if "kontrak kritis" in b.proto.label)
    ws = openpyxl.load_workbook(io.BytesIO(download_bytes(media, button))).active
    codes = {r[1] for r in ws.iter_rows(values_only=True) if r and r[1] in set(kritis["kode"])}
    assert codes == set(kritis["kode"])
