"""The Rakor POK meeting pack (SOP step 10): exports.pack_data, the PPTX (exports.pack_pptx), the
XLSX (exports.pack_xlsx), ``python -m etl pack`` and the Materi Rakor page.

Every number is read back from the files (python-pptx charts and tables, openpyxl cells) and
compared with the recap functions of core (recap_opd, kabupaten_totals, leaf_recap, kontrak_kritis),
a plain pandas reference over the sub kegiatan rows (recap_reference: rollup, jenis_split) and
core.tindak_lanjut, computed here independently of the pack."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
from conftest import DPA_FIXTURE, FIXTURES, realisasi_fixtures
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu
from recap_reference import jenis_split, rollup

from core import tindak_lanjut as tl
from core.access import User
from core.format import number, percent, points, rupiah_compact
from core.recap import (
    kabupaten_totals,
    kontrak_kritis,
    kritis_count,
    kritis_recap,
    kurva_s,
    leaf_recap,
    recap_opd,
    target_serapan,
)
from core.settings import Settings, load, save
from core.status import reporting_status
from exports.pack_data import pack_data
from exports.pack_pptx import MAX_BARS, MAX_MASALAH, MAX_ROWS, build_pptx, plan
from exports.pack_xlsx import SHEETS, build_xlsx
from scripts import synth

YEAR, MONTH = 2026, 4
TODAY = dt.date(2026, 5, 5)
ADMIN = User("admin", "Admin", "admin")
CUSTOM = dict(
    nama_daerah="Kabupaten Contoh",
    kop_1="PEMERINTAH KABUPATEN CONTOH",
    kop_2="SEKRETARIAT DAERAH",
    kop_3="BAGIAN ADMINISTRASI PEMBANGUNAN",
    tempat="Kota Contoh",
    kritis_awal_poin=5.0,
    kritis_akhir_poin=3.0,
)  # lower thresholds: > 8 kritis, continued slides


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Fixture DPA and every public report (March and April 2026), a small 2025 kabupaten with
    April 2025 reports (the comparison), custom settings, and one meeting about March with
    three decisions (one done, one overdue on TODAY, one without a due date)."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    tmp = tmp_path_factory.mktemp("pack")
    store = Store(tmp / "pantau.duckdb", data_dir=tmp)
    results = ingest_paths(store, [DPA_FIXTURE] + [FIXTURES / k for k in realisasi_fixtures()])
    assert all(r["status"] in ("accepted", "flagged") for r in results), results
    master = synth.make_master(11, 11, 6, year=2025)
    last = [tmp / "in" / "dpa_2025.xlsx"]
    last[0].parent.mkdir()
    synth.write_dpa_xlsx(master, last[0])
    last += [synth.write_report(master, o, 2025, MONTH, "V1", tmp / "in").path for o in master.opds[:2]]
    results = ingest_paths(store, last)
    assert all(r["status"] in ("accepted", "flagged") for r in results), results
    save(store, Settings(**CUSTOM), "test")
    opds = {o.nama: o.kode for o in store.opds()}
    rid = tl.create_rakor(
        store,
        ADMIN,
        tanggal=dt.date(2026, 4, 14),
        tahun=2026,
        bulan=3,
        tempat="Ruang Rapat",
        pimpinan="Sekretaris Daerah",
        peserta=[opds["Dinas Kesehatan"], opds["Dinas Pertanian"]],
        today=TODAY,
    )
    adds = [
        dict(
            opd_kode=opds["Dinas Kesehatan"],
            masalah="Serapan rendah",
            keputusan="Percepat lelang",
            pic="Kadinkes",
            batas_waktu=dt.date(2026, 4, 30),
        ),
        dict(
            opd_kode=opds["Dinas Pertanian"],
            masalah="Kontrak terlambat",
            keputusan="Teguran tertulis",
            pic="PPK",
            batas_waktu=dt.date(2026, 5, 31),
        ),
        dict(
            opd_kode=opds["Dinas Kesehatan"],
            masalah="=SPJ belum lengkap",
            keputusan="Lengkapi SPJ",
            pic="Bendahara",
            batas_waktu=None,
        ),
    ]
    tl.save_decisions(store, ADMIN, rid, tl.DecisionChanges(adds=adds))
    done = tl.followups(store, as_of=TODAY)
    done_id = int(done.loc[done["masalah"] == "Kontrak terlambat", "id"].iloc[0])
    tl.update_status(store, ADMIN, done_id, "done", "Teguran dikirim", tanggal=dt.date(2026, 5, 2), today=TODAY)
    yield store
    store.close()


@pytest.fixture(scope="module")
def truth(loaded) -> dict:
    """The figures straight from the recap functions (not through pack_data)."""
    recap = recap_opd(loaded, YEAR, MONTH)
    leaves = leaf_recap(loaded, YEAR, MONTH)
    cfg = load(loaded)
    label = {
        k: (s.upper() if isinstance(s, str) and s else n)
        for k, s, n in zip(recap["opd_kode"], recap["singkatan"], recap["opd"])
    }
    return dict(
        recap=recap.set_index("opd_kode"),
        tot=kabupaten_totals(recap),
        leaves=leaves,
        cfg=cfg,
        label=label,
        by_label={label[k]: k for k in recap["opd_kode"]},
        last=kabupaten_totals(recap_opd(loaded, YEAR - 1, MONTH)),
        kritis=kontrak_kritis(leaves, cfg.kritis_awal_poin, cfg.kritis_akhir_poin),
        split=jenis_split(leaves).set_index("jenis"),
        followups=tl.open_followups(loaded, as_of=TODAY),
        kurva=_kurva_truth(loaded, YEAR, MONTH, cfg),
    )


def _kurva_truth(store, year: int, month: int, cfg: Settings) -> pd.DataFrame:
    """core.recap.kurva_s up to the month with core.recap.target_serapan of the flat curve."""
    curve = kurva_s(store, year, upto=month)
    flat = pd.Series([cfg.target_for(m) for m in curve["bulan"]], index=curve.index, dtype="float64")
    return curve.assign(target_serapan_pct=target_serapan(curve, flat))


def _belum_truth(store, year: int, month: int, cfg: Settings) -> pd.DataFrame:
    """core.status.reporting_status rows of the OPDs without a report, most overdue then by name."""
    status = reporting_status(store.reporting_status(year, month), year, month, cfg, today=TODAY)
    rows = status[status["status"].isin(["belum", "belum_lewat_batas"])]
    return rows.sort_values(["hari_terlambat", "opd"], ascending=[False, True], kind="stable")


@pytest.fixture(scope="module")
def late_pack(loaded):
    """April 2025: 2 of the 11 OPDs of the small 2025 kabupaten reported; on TODAY the other nine
    are a year late (two "belum melapor" slides)."""
    return pack_data(loaded, YEAR - 1, MONTH, load(loaded), TODAY)


@pytest.fixture(scope="module")
def pack(loaded):
    return pack_data(loaded, YEAR, MONTH, load(loaded), TODAY)


@pytest.fixture(scope="module")
def prs(pack):
    return Presentation(io.BytesIO(build_pptx(pack)))


@pytest.fixture(scope="module")
def wb(pack):
    return openpyxl.load_workbook(io.BytesIO(build_xlsx(pack)))


def _sumber_truth(leaves: pd.DataFrame) -> pd.DataFrame:
    """rollup per sumber dana (spellings differing in case and spaces are one source)."""
    key = leaves["sumber_dana"].map(lambda v: " ".join(v.upper().split()) if isinstance(v, str) else "")
    return rollup(leaves.assign(opd_kode=key, opd=key), "opd").set_index("opd_kode")


def _near(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


# --------------------------------------------------------------------------- pack_data
def test_pack_data_comes_from_the_recap_functions(pack, truth):
    tot, recap = truth["tot"], truth["recap"]
    assert pack.totals == tot and tot["opd_reported"] == 8 and tot["opd_total"] == 8
    assert pack.last_year == truth["last"] and truth["last"]["opd_reported"] == 2
    assert pack.target_serapan == truth["cfg"].target_for(MONTH)
    for ranking, col in ((pack.ranking_keuangan, "keuangan_pct"), (pack.ranking_fisik, "fisik_pct")):
        assert sorted(ranking["opd_kode"]) == sorted(recap.index[recap["reported"]])
        assert ranking["value"].tolist() == sorted(ranking["value"], reverse=True)
        assert all(_near(v, recap.loc[k, col]) for k, v in zip(ranking["opd_kode"], ranking["value"]))
        assert ranking["peringkat"].tolist() == list(range(1, len(ranking) + 1))
    lowest = recap[recap["reported"]].sort_values("keuangan_pct").head(5)
    assert pack.lowest["opd_kode"].tolist() == lowest.index.tolist()
    # fisik / non fisik: jenis_split's numbers, adding up to the kabupaten
    jenis = pack.jenis.set_index("key")
    for key in ("fisik", "non_fisik"):
        for col in ("pagu", "realisasi_keuangan", "keuangan_pct", "sub_kegiatan"):
            assert _near(jenis.loc[key, col], truth["split"].loc[key, col]), (key, col)
    assert _near(jenis["pagu"].sum(), tot["pagu"]) and _near(
        jenis["realisasi_keuangan"].sum(), tot["realisasi_keuangan"]
    )
    assert _near(jenis.loc["fisik", "pagu"], tot["fisik_pagu"])
    leaves = truth["leaves"]
    fis = rollup(leaves[leaves["jenis"] == "fisik"], "opd")
    assert _near(jenis.loc["fisik", "fisik_pct"], (fis["pagu"] * fis["fisik_pct"]).sum() / fis["pagu"].sum())
    # sumber dana: every source of the leaves, adding up to the kabupaten
    sumber, expect = pack.sumber_dana.set_index("key"), _sumber_truth(leaves)
    assert sorted(sumber.index) == sorted(expect.index) and len(sumber) >= 5
    for key in expect.index:
        for col in ("pagu", "realisasi_keuangan", "keuangan_pct", "fisik_pct", "sub_kegiatan"):
            assert _near(sumber.loc[key, col], expect.loc[key, col]), (key, col)
    assert _near(sumber["pagu"].sum(), tot["pagu"])
    assert _near(sumber["realisasi_keuangan"].sum(), tot["realisasi_keuangan"])
    # kontrak kritis with the settings' thresholds, permasalahan, open tindak lanjut
    assert pack.kritis["kode"].tolist() == truth["kritis"]["kode"].tolist() and len(pack.kritis) > MAX_ROWS
    reported = leaves[leaves["permasalahan"].fillna("").str.strip() != ""]
    assert pack.masalah["sub_kegiatan"].sum() == len(reported)
    assert _near(pack.masalah["pagu"].sum(), reported["pagu"].sum())
    assert pack.tindak_lanjut["id"].tolist() == truth["followups"]["id"].tolist()
    assert len(pack.tindak_lanjut) == 2 and pack.tindak_lanjut["terlambat"].sum() == 1


# --------------------------------------------------------------------------- PPTX
def _shapes_text(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def _table(slide) -> list[list[str]]:
    tables = [s.table for s in slide.shapes if s.has_table]
    assert len(tables) == 1
    return [[c.text for c in row.cells] for row in tables[0].rows]


def _charts(slide):
    return [s.chart for s in slide.shapes if s.has_chart]


def _slides(prs, pack):
    """(plan entry, slide) pairs; the slide's title is the plan's."""
    specs = plan(pack)
    assert len(specs) == len(prs.slides)
    pairs = list(zip(specs, prs.slides))
    for spec, slide in pairs[1:]:  # the title slide has the kop and the meeting name
        assert spec.title in _shapes_text(slide)
    return pairs


def test_pptx_is_16_9_with_large_fonts(prs, pack):
    assert (prs.slide_width, prs.slide_height) == (Emu(12191695), Emu(6858000))
    for spec, slide in _slides(prs, pack):
        for shape in slide.shapes:
            xml = shape._element.xml
            sizes = [int(x.split('"')[0]) for x in xml.split(' sz="')[1:]]
            if shape.has_table:
                assert min(sizes) >= 1400, spec.title
            elif shape.has_text_frame and shape.text_frame.text == spec.title and spec.kind != "title":
                assert min(sizes) >= 2400
        for table in (s.table for s in slide.shapes if s.has_table):
            assert len(table.rows) - 1 <= MAX_ROWS, spec.title
        for chart in _charts(slide):
            assert len(chart.plots[0].categories) <= MAX_BARS


def test_pptx_title_and_summary(prs, pack, truth):
    pairs = _slides(prs, pack)
    title = " ".join(_shapes_text(pairs[0][1]))
    assert "PEMERINTAH KABUPATEN CONTOH" in title and "April 2026" in title and "Kota Contoh, 5 Mei 2026" in title
    spec, slide = pairs[1]
    assert spec.kind == "summary"
    text = " ".join(_shapes_text(slide))
    tot, last = truth["tot"], truth["last"]
    for expected in (
        rupiah_compact(tot["pagu"]),
        rupiah_compact(tot["realisasi_keuangan"]),
        percent(tot["keuangan_pct"]),
        percent(tot["fisik_pct"]),
        points(tot["deviasi"]) + " poin",
        f"{tot['opd_reported']} / {tot['opd_total']}",
        f"{number(tot['sub_kegiatan'])} sub kegiatan",
        f"Target {percent(truth['cfg'].target_for(MONTH))}",
        f"Target {percent(tot['target_fisik_pct'])}",
        f"April 2025: {percent(last['keuangan_pct'])}",
        f"({points(tot['keuangan_pct'] - last['keuangan_pct'])} poin)",
        f"April 2025: {percent(last['fisik_pct'])}",
        f"April 2025: {rupiah_compact(last['realisasi_keuangan'])}",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    "title, col",
    [("Peringkat OPD: Realisasi Keuangan", "keuangan_pct"), ("Peringkat OPD: Realisasi Fisik", "fisik_pct")],
)
def test_pptx_ranking_charts_equal_recap(prs, pack, truth, title, col):
    recap, seen = truth["recap"], []
    for spec, slide in _slides(prs, pack):
        if not spec.title.startswith(title):
            continue
        (chart,) = _charts(slide)
        cats, series = list(chart.plots[0].categories), chart.plots[0].series
        assert len(series) == 1
        values = list(series[0].values)
        for i, (cat, value) in enumerate(zip(cats, values)):
            kode = truth["by_label"][cat]
            assert _near(value, recap.loc[kode, col]), (cat, value)
            assert series[0].points[i].data_label.text_frame.text == percent(recap.loc[kode, col])
        seen += cats
    assert sorted(seen) == sorted(truth["label"][k] for k in recap.index[recap["reported"]])
    expected = [truth["label"][k] for k in recap[recap["reported"]].sort_values(col, ascending=False).index]
    assert seen == expected


def test_pptx_lowest_split_and_sumber_dana_equal_recap(prs, pack, truth):
    recap, tot, leaves = truth["recap"], truth["tot"], truth["leaves"]
    by_kind = {spec.kind: (spec, slide) for spec, slide in _slides(prs, pack)}
    # the lowest five
    spec, slide = next((s, sl) for s, sl in _slides(prs, pack) if s.title.startswith("5 OPD dengan Serapan"))
    rows = _table(slide)[1:]
    lowest = recap[recap["reported"]].sort_values("keuangan_pct").head(5)
    assert rows == [
        [
            str(i),
            r.opd,
            rupiah_compact(r.pagu),
            rupiah_compact(r.realisasi_keuangan),
            percent(r.keuangan_pct),
            percent(r.fisik_pct),
            points(r.deviasi),
            row[-1],
        ]
        for i, (r, row) in enumerate(zip(lowest.itertuples(), rows), start=1)
    ]
    assert {row[-1] for row in rows} <= {"Hijau", "Kuning", "Merah"}
    # fisik vs non fisik: chart series per kind (pagu, realisasi) and the table with the JUMLAH row
    spec, slide = by_kind["split"]
    split = truth["split"]
    (chart,) = _charts(slide)
    assert list(chart.plots[0].categories) == ["Pagu", "Realisasi keuangan"]
    for series in chart.plots[0].series:
        key = "fisik" if series.name == "Fisik konstruksi" else "non_fisik"
        assert [round(v, 2) for v in series.values] == [
            round(split.loc[key, "pagu"], 2),
            round(split.loc[key, "realisasi_keuangan"], 2),
        ]
    table = _table(slide)
    assert table[-1] == [
        "Jumlah",
        number(tot["sub_kegiatan"]),
        rupiah_compact(tot["pagu"]),
        rupiah_compact(tot["realisasi_keuangan"]),
        percent(tot["keuangan_pct"]),
        percent(tot["fisik_pct"]),
    ]
    assert table[1][:5] == [
        "Fisik konstruksi",
        number(split.loc["fisik", "sub_kegiatan"]),
        rupiah_compact(split.loc["fisik", "pagu"]),
        rupiah_compact(split.loc["fisik", "realisasi_keuangan"]),
        percent(split.loc["fisik", "keuangan_pct"]),
    ]
    # sumber dana: chart values and table rows per source
    expect = _sumber_truth(leaves)
    label_to_key = dict(zip(pack.sumber_dana["label"], pack.sumber_dana["key"]))
    seen = []
    for spec, slide in _slides(prs, pack):
        if spec.kind != "sumber":
            continue
        (chart,) = _charts(slide)
        pagu, real = chart.plots[0].series
        assert (pagu.name, real.name) == ("Pagu", "Realisasi keuangan")
        for cat, p, r, row in zip(chart.plots[0].categories, pagu.values, real.values, _table(slide)[1:]):
            key = label_to_key[cat]
            assert _near(p, expect.loc[key, "pagu"]) and _near(r, expect.loc[key, "realisasi_keuangan"])
            assert row == [
                cat,
                number(expect.loc[key, "sub_kegiatan"]),
                rupiah_compact(expect.loc[key, "pagu"]),
                rupiah_compact(expect.loc[key, "realisasi_keuangan"]),
                percent(expect.loc[key, "keuangan_pct"]),
            ]
            seen.append(key)
    assert sorted(seen) == sorted(expect.index)


def _continued(pairs, prefix: str) -> list[list[str]]:
    """Data rows of the table slides titled ``prefix`` (first, then "(lanjutan)" ones)."""
    slides = [(s, sl) for s, sl in pairs if s.title.startswith(prefix)]
    if len(slides) > 1:
        assert "(lanjutan)" not in slides[0][0].title
        assert all("(lanjutan)" in s.title for s, _ in slides[1:])
        assert all(len(_table(sl)) - 1 <= MAX_ROWS for _, sl in slides)
    return [row for _, sl in slides for row in _table(sl)[1:]]


def test_pptx_kritis_masalah_and_tindak_lanjut_tables(prs, pack, truth):
    pairs = _slides(prs, pack)
    kritis = truth["kritis"]
    rows = _continued(pairs, "Kontrak Kritis")
    assert len(rows) == len(kritis) > MAX_ROWS
    assert sum(s.title.startswith("Kontrak Kritis") for s, _ in pairs) >= 2
    for i, (row, k) in enumerate(zip(rows, kritis.itertuples()), start=1):
        assert row == [
            str(i),
            truth["label"][k.opd_kode],
            " ".join(k.nama.split()),
            rupiah_compact(k.pagu),
            percent(k.target_fisik),
            percent(k.realisasi_fisik),
            points(k.deviasi),
        ]
    masalah = _continued(pairs, "Permasalahan dan Solusi")
    per_opd = pack.masalah.groupby("opd_kode").size()
    assert len(masalah) == per_opd.clip(upper=MAX_MASALAH).sum() > MAX_ROWS and per_opd.max() > MAX_MASALAH
    leaves = truth["leaves"]
    for row in masalah:
        kode = truth["by_label"][row[0]]
        same = leaves[
            (leaves["opd_kode"] == kode) & (leaves["permasalahan"].fillna("").str.split().str.join(" ") == row[1])
        ]
        same = same[same["solusi"].fillna("").str.split().str.join(" ").replace("", "-") == row[2]]
        assert row[3:] == [number(len(same)), rupiah_compact(same["pagu"].sum())], row
    for kode, group in pack.masalah.groupby("opd_kode"):  # the most frequent problems of each OPD are shown
        shown = [int(r[3]) for r in masalah if truth["by_label"][r[0]] == kode]
        assert len(shown) == min(len(group), MAX_MASALAH)
        assert min(shown) >= group["sub_kegiatan"].nlargest(MAX_MASALAH).min()
    fu = truth["followups"]
    rows = _continued(pairs, "Tindak Lanjut Rakor")
    assert [r[1] for r in rows] == fu["masalah"].tolist() == ["Serapan rendah", "=SPJ belum lengkap"]
    late = dict(zip(fu["masalah"], fu["terlambat"]))
    for row in rows:
        assert row[-1].startswith("Belum ditindaklanjuti") and row[-1].endswith("(terlambat)") == bool(late[row[1]])
    assert rows[0][4] == "30 April 2026" and rows[1][4] == "-"


def _kurva_lines(curve: pd.DataFrame) -> dict[str, list]:
    """The four lines of the kurva S by name (None where no OPD reported that month)."""
    columns = {
        "Target fisik": "target_fisik_pct",
        "Realisasi fisik": "fisik_pct",
        "Target serapan": "target_serapan_pct",
        "Realisasi keuangan": "keuangan_pct",
    }
    return {name: [None if pd.isna(v) else float(v) for v in curve[col]] for name, col in columns.items()}


def test_pack_data_kurva_s_and_belum_melapor_come_from_core(pack, late_pack, truth, loaded):
    assert _kurva_lines(pack.kurva) == _kurva_lines(truth["kurva"])
    assert pack.kurva["bulan"].tolist() == [1, 2, 3, 4]
    # March and April reported, January and February not: the targets only
    assert _kurva_lines(pack.kurva)["Realisasi keuangan"][:2] == [None, None]
    assert pack.kurva["target_serapan_pct"].tolist() == [truth["cfg"].target_for(m) for m in (1, 2, 3, 4)]
    assert pack.belum.empty  # every OPD reported for April 2026
    expect = _belum_truth(loaded, YEAR - 1, MONTH, load(loaded))
    assert len(expect) == 9 and set(expect["status"]) == {"belum_lewat_batas"}
    assert late_pack.belum["opd_kode"].tolist() == expect["opd_kode"].tolist()
    assert late_pack.belum["hari_terlambat"].tolist() == expect["hari_terlambat"].tolist()
    deadline = load(loaded).deadline(YEAR - 1, MONTH)
    assert late_pack.belum["hari_terlambat"].tolist() == [(TODAY - deadline).days] * 9 == [360] * 9


def test_pptx_kurva_s_is_a_native_line_chart_of_the_recap(prs, pack, truth):
    pairs = _slides(prs, pack)
    ((spec, slide),) = [(s, sl) for s, sl in pairs if s.title == "Kurva S: Target dan Realisasi"]
    assert spec.kind == "kurva" and pairs.index((spec, slide)) == 2  # right after the summary
    (chart,) = _charts(slide)
    assert chart.chart_type in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS)
    assert list(chart.plots[0].categories) == ["Jan", "Feb", "Mar", "Apr"]
    expect = _kurva_lines(truth["kurva"])
    series = chart.plots[0].series
    assert [s.name for s in series] == list(expect)
    for s in series:
        got = list(s.values)
        assert [v is None for v in got] == [v is None for v in expect[s.name]], s.name
        assert all(_near(a, b) for a, b in zip(got, expect[s.name]) if b is not None), s.name
        if s.name.startswith("Realisasi"):  # the last month of the realisasi carries its value written out
            assert s.points[3].data_label.text_frame.text == percent(expect[s.name][3])
        else:
            assert not s.points[3].data_label.has_text_frame
    april = truth["kurva"].iloc[-1]
    note = " ".join(_shapes_text(slide))
    assert (
        f"April 2026: realisasi fisik {percent(april['fisik_pct'])} (target {percent(april['target_fisik_pct'])}), "
        f"realisasi keuangan {percent(april['keuangan_pct'])} (target serapan "
        f"{percent(april['target_serapan_pct'])})." in note
    )


def test_pptx_belum_melapor_lists_the_late_opds_with_days_late(prs, pack, late_pack, loaded):
    pairs = _slides(prs, pack)
    ((spec, slide),) = [(s, sl) for s, sl in pairs if s.title.startswith("OPD Belum Melapor")]
    assert spec.kind == "empty" and pairs.index((spec, slide)) == 3
    assert "Semua OPD sudah menyampaikan laporan April 2026." in _shapes_text(slide)
    late = Presentation(io.BytesIO(build_pptx(late_pack)))
    late_pairs = _slides(late, late_pack)
    slides = [(s, sl) for s, sl in late_pairs if s.title.startswith("OPD Belum Melapor")]
    assert [s.title for s, _ in slides] == ["OPD Belum Melapor 1/2", "OPD Belum Melapor (lanjutan) 2/2"]
    assert [len(_table(sl)) - 1 for _, sl in slides] == [5, 4]
    assert _table(slides[0][1])[0] == ["No", "OPD", "Batas penyampaian", "Terlambat (hari)"]
    rows = _continued(late_pairs, "OPD Belum Melapor")
    expect = _belum_truth(loaded, YEAR - 1, MONTH, load(loaded))
    assert rows == [
        [str(i), r.opd, "10 Mei 2025", number(r.hari_terlambat)]
        for i, r in enumerate(expect.itertuples(index=False), start=1)
    ]
    assert [r[3] for r in rows] == ["360"] * 9
    assert "Laporan April 2025 paling lambat 10 Mei 2025; keadaan 5 Mei 2026" in slides[0][0].subtitle
    assert "9 OPD belum menyampaikan laporan April 2025, 9 melewati batas penyampaian (merah)." in " ".join(
        _shapes_text(slides[-1][1])
    )


def test_pptx_and_xlsx_of_an_empty_period_say_so(loaded):
    cfg = load(loaded)
    for year, month, words in (
        (2027, 5, "Belum ada DPA atau laporan untuk Mei 2027"),
        (2026, 9, "Belum ada laporan realisasi OPD untuk September 2026"),
    ):
        empty = pack_data(loaded, year, month, cfg, TODAY)
        prs = Presentation(io.BytesIO(build_pptx(empty)))
        texts = [" ".join(_shapes_text(s)) for s in prs.slides]
        assert any(words in t for t in texts), texts
        specs = plan(empty)
        kinds = {s.title: s.kind for s in specs}
        # nothing to rank, no kritis or permasalahan without reports; only the DPA's pagu is charted
        assert kinds["Peringkat OPD: Realisasi Keuangan"] == kinds["Kontrak Kritis (Fisik Konstruksi)"] == "empty"
        charted = [spec.kind for spec, sl in zip(specs, prs.slides) if _charts(sl)]
        assert charted == ([] if year == 2027 else ["kurva", "split", "sumber"])
        belum = [sl for spec, sl in zip(specs, prs.slides) if spec.title == "OPD Belum Melapor"]
        assert len(belum) == 1
        if year == 2026:  # September's reports are due 10 Oktober 2026: nobody is late on TODAY yet
            assert "8 OPD belum menyampaikan laporan September 2026." in _shapes_text(belum[0])
            assert [r[2:] for r in _table(belum[0])[1:]] == [["10 Oktober 2026", "Belum lewat batas"]] * 8
        wb = openpyxl.load_workbook(io.BytesIO(build_xlsx(empty)))
        assert list(wb.sheetnames) == list(SHEETS)


# --------------------------------------------------------------------------- XLSX
def _rows(ws, first: str) -> tuple[int, list[tuple]]:
    header = next(c.row for c in ws["A"] if c.value == first)
    rows = []
    for row in ws.iter_rows(min_row=header + 1, values_only=True):
        if row[0] is None:  # a blank row separates the table from its notes
            break
        rows.append(row)
    return header, rows


def test_xlsx_sheets_hold_the_same_numbers(wb, pack, truth):
    assert wb.sheetnames == list(SHEETS)
    recap, tot, last = truth["recap"], truth["tot"], truth["last"]
    ws = wb["Ringkasan"]
    assert ws["A1"].value == "PEMERINTAH KABUPATEN CONTOH"
    assert any(c.value == "Keadaan s.d. akhir bulan April 2026" for c in ws["A"])
    _, rows = _rows(ws, "Uraian")
    values = {r[0]: r[1:] for r in rows}
    assert values["Pagu"][0] == tot["pagu"] and values["Realisasi keuangan"][0] == tot["realisasi_keuangan"]
    assert values["Serapan anggaran (realisasi keuangan)"][0] == pytest.approx(tot["keuangan_pct"])
    assert values["Serapan anggaran (realisasi keuangan)"][2] == pytest.approx(last["keuangan_pct"])
    assert values["Serapan anggaran (realisasi keuangan)"][3] == pytest.approx(
        tot["keuangan_pct"] - last["keuangan_pct"]
    )
    assert values["Realisasi fisik (tertimbang pagu)"][0] == pytest.approx(tot["fisik_pct"])
    assert values["Deviasi fisik"][0] == pytest.approx(tot["deviasi"])
    assert values["OPD sudah melapor"][0] == tot["opd_reported"] and values["Jumlah OPD"][0] == tot["opd_total"]
    for sheet, col in (("Peringkat Keuangan", "keuangan_pct"), ("Peringkat Fisik", "fisik_pct")):
        ws = wb[sheet]
        _, rows = _rows(ws, "Peringkat")
        assert [r[0] for r in rows] == list(range(1, 9))
        for r in rows:
            kode = truth["by_label"][r[2]]
            assert r[1] == recap.loc[kode, "opd"] and r[3] == pytest.approx(recap.loc[kode, col])
        assert len(ws._charts) == 1
    _, rows = _rows(wb["OPD Terendah"], "No")
    lowest = recap[recap["reported"]].sort_values("keuangan_pct").head(5)
    assert [r[1] for r in rows] == lowest["opd"].tolist()
    assert [r[4] for r in rows] == pytest.approx(lowest["keuangan_pct"].tolist())
    ws = wb["Fisik Non Fisik"]
    _, rows = _rows(ws, "Jenis")
    assert (
        rows[-1][0] == "JUMLAH"
        and rows[-1][2] == tot["pagu"]
        and rows[-1][3] == pytest.approx(tot["realisasi_keuangan"])
    )
    for r in rows[:-1]:
        key = "fisik" if r[0] == "Fisik konstruksi" else "non_fisik"
        assert r[2] == pytest.approx(truth["split"].loc[key, "pagu"])
        assert r[3] == pytest.approx(truth["split"].loc[key, "realisasi_keuangan"])
    assert len(ws._charts) == 1
    ws = wb["Sumber Dana"]
    _, rows = _rows(ws, "Sumber Dana")
    expect = _sumber_truth(truth["leaves"])
    label_to_key = dict(zip(pack.sumber_dana["label"], pack.sumber_dana["key"]))
    for r in rows[:-1]:
        key = label_to_key[r[0]]
        assert (r[1], r[2]) == (expect.loc[key, "sub_kegiatan"], pytest.approx(expect.loc[key, "pagu"]))
        assert r[4] == pytest.approx(expect.loc[key, "keuangan_pct"]) and r[6] == pytest.approx(
            expect.loc[key, "fisik_pct"]
        )
    assert rows[-1][2] == pytest.approx(tot["pagu"]) and len(ws._charts) == 1
    _, rows = _rows(wb["Kontrak Kritis"], "No")
    assert [r[2] for r in rows] == truth["kritis"]["kode"].tolist()
    assert [r[7] for r in rows] == pytest.approx(truth["kritis"]["deviasi"].tolist())
    _, rows = _rows(wb["Permasalahan"], "No")
    assert sum(r[4] for r in rows) == pack.masalah["sub_kegiatan"].sum() and len(rows) == len(pack.masalah)
    ws = wb["Tindak Lanjut"]
    header, rows = _rows(ws, "No")
    assert [r[3] for r in rows] == truth["followups"]["masalah"].tolist()
    assert [r[8] for r in rows] == ["Ya" if x else "Tidak" for x in truth["followups"]["terlambat"]]
    # text from users that looks like a formula stays text
    cell = ws.cell(row=header + 2, column=4)
    assert cell.value == "=SPJ belum lengkap" and cell.data_type == "s"
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.freeze_panes


def _sheet_charts(data: bytes, sheet: str) -> list[ElementTree.Element]:
    """The charts drawn on ``sheet``, read from the package's parts (drawing and chart relations)."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    z = zipfile.ZipFile(io.BytesIO(data))

    def rels(part: str) -> dict[str, str]:
        folder, name = part.rsplit("/", 1)
        path = f"{folder}/_rels/{name}.rels"
        if path not in z.namelist():
            return {}
        out = {}
        for rel in ElementTree.fromstring(z.read(path)).findall("p:Relationship", ns):
            target = rel.get("Target")
            out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
        return {k: "/".join(_resolve(v.split("/"))) for k, v in out.items()}

    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rid = next(s.get(f"{{{ns['r']}}}id") for s in book.find("m:sheets", ns) if s.get("name") == sheet)
    ws_part = rels("xl/workbook.xml")[rid]
    charts = []
    for drawing in (p for p in rels(ws_part).values() if "/drawings/" in p):
        charts += [ElementTree.fromstring(z.read(p)) for p in rels(drawing).values() if "/charts/" in p]
    return charts


def _resolve(parts: list[str]) -> list[str]:
    out: list[str] = []
    for p in parts:
        if p == "..":
            out.pop()
        elif p not in (".", ""):
            out.append(p)
    return out


def test_xlsx_kurva_s_and_belum_melapor_sheets(pack, late_pack, truth, loaded):
    data = build_xlsx(pack)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:3] == ["Ringkasan", "Kurva S", "Belum Melapor"]
    ws = wb["Kurva S"]
    header, rows = _rows(ws, "Bulan")
    assert [c.value for c in ws[header]][:5] == [
        "Bulan",
        "Target Fisik (%)",
        "Realisasi Fisik (%)",
        "Target Serapan (%)",
        "Realisasi Keuangan (%)",
    ]
    expect = _kurva_lines(truth["kurva"])
    assert [r[0] for r in rows] == ["Januari", "Februari", "Maret", "April"]
    for j, name in enumerate(expect, start=1):
        got = [r[j] for r in rows]
        assert [v is None for v in got] == [v is None for v in expect[name]], name
        assert all(_near(a, b) for a, b in zip(got, expect[name]) if b is not None), name
    assert ws.cell(row=header + 4, column=5).number_format == "0.00"
    # one native line chart over the table: four series (B..E), the months as categories
    (chart,) = _sheet_charts(data, "Kurva S")
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    (line,) = chart.iter(f"{c}lineChart")
    series = line.findall(f"{c}ser")
    refs = [[f.text for f in ser.iter(f"{c}f")] for ser in series]
    first, last = header + 1, header + 4
    assert refs == [
        [f"'Kurva S'!{col}{header}", f"'Kurva S'!$A${first}:$A${last}", f"'Kurva S'!${col}${first}:${col}${last}"]
        for col in "BCDE"
    ]
    # belum melapor: everyone reported for April 2026; nine OPDs late for April 2025
    _, rows = _rows(wb["Belum Melapor"], "No")
    assert rows[0][0] == "Semua OPD sudah menyampaikan laporan April 2026."
    late = openpyxl.load_workbook(io.BytesIO(build_xlsx(late_pack)))["Belum Melapor"]
    header, rows = _rows(late, "No")
    expect = _belum_truth(loaded, YEAR - 1, MONTH, load(loaded))
    assert [r[:6] for r in rows] == [
        (
            i,
            r.opd,
            r.singkatan.strip().upper() if isinstance(r.singkatan, str) and r.singkatan.strip() else None,
            dt.datetime(2025, 5, 10),
            r.hari_terlambat,
            "Melewati batas penyampaian",
        )
        for i, r in enumerate(expect.itertuples(index=False), start=1)
    ]
    assert late.cell(row=header + 1, column=4).number_format == "dd-mm-yyyy"
    assert any(
        c.value == "Laporan April 2025 paling lambat 10 Mei 2025; keadaan 5 Mei 2026. Terlambat: hari sesudah "
        "batas penyampaian, menurut tanggal laporan diterima."
        for c in late["A"]
    )


# --------------------------------------------------------------------------- CLI
def test_cli_pack_writes_both_files_and_refuses_empty_periods(loaded, tmp_path, capsys):
    from cli.main import main

    db = str(loaded.path)
    out = tmp_path / "materi"
    assert main(["pack", "--db", db, "--year", "2026", "--month", "4", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Materi rakor April 2026 ditulis" in said and "Materi_Rakor_2026-04.pptx" in said
    prs = Presentation(out / "Materi_Rakor_2026-04.pptx")
    assert len(prs.slides) == len(plan(pack_data(loaded, 2026, 4, load(loaded), dt.date.today())))
    wb = openpyxl.load_workbook(out / "Materi_Rakor_2026-04.xlsx")
    assert wb["Ringkasan"].cell(row=1, column=1).value == "PEMERINTAH KABUPATEN CONTOH"
    assert main(["pack", "--db", db, "--year", "2026", "--month", "9", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "belum ada laporan realisasi OPD untuk September 2026" in err
    assert main(["pack", "--db", db, "--year", "2030", "--month", "1", "--out", str(out)]) == 1
    assert "belum ada DPA atau laporan untuk Januari 2030" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["Materi_Rakor_2026-04.pptx", "Materi_Rakor_2026-04.xlsx"]


# --------------------------------------------------------------------------- page
def test_materi_page_previews_and_downloads(app_env, media):
    from test_pages import download_bytes, new_app, run

    from db.store import Store
    from etl.pipeline import ingest_paths

    store = Store(app_env, data_dir=app_env.parent / "data")
    ingest_paths(store, [DPA_FIXTURE] + [FIXTURES / k for k in realisasi_fixtures()])
    at = run(new_app(query={"tahun": "2026", "bulan": "4"}, user="kabag", role="viewer"))
    at.switch_page("views/materi.py")
    run(at)
    assert [t.value for t in at.title] == ["Materi Rakor POK"]
    tot = kabupaten_totals(recap_opd(store, 2026, 4))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Serapan anggaran"] == percent(tot["keuangan_pct"])
    assert metrics["OPD sudah melapor"] == "8 / 8"
    assert metrics["Kontrak kritis"] == number(
        len(kritis_recap(store, 2026, 4, None, load(store).kritis_awal_poin, load(store).kritis_akhir_poin))
    )
    assert len(at.get("plotly_chart")) == 2
    parts = at.dataframe[0].value.set_index("Bagian")  # what the pack will hold, before it is built
    assert parts.loc["Kontrak kritis", "Jumlah"] == f"{metrics['Kontrak kritis']} sub kegiatan"
    assert parts.loc["OPD belum melapor", "Jumlah"] == "0 OPD"
    slides = at.dataframe[1].value
    pack = pack_data(store, 2026, 4, load(store), dt.date.today())
    assert slides["Judul"].tolist() == [s.title for s in plan(pack)]
    buttons = {b.label: b for b in at.get("download_button")}
    pptx = download_bytes(media, buttons["Unduh slide (PowerPoint)"])
    assert len(Presentation(io.BytesIO(pptx)).slides) == len(slides)
    xlsx = download_bytes(media, buttons["Unduh buku kerja (Excel)"])
    assert openpyxl.load_workbook(io.BytesIO(xlsx)).sheetnames == list(SHEETS)
    buttons["Unduh slide (PowerPoint)"].click()
    run(at)
    assert store.sql("SELECT actor, target, detail FROM audit_log WHERE action = 'download'")[-1] == (
        "kabag",
        "Materi_Rakor_2026-04.pptx",
        "materi rakor (pptx)",
    )


def test_materi_page_without_data_says_so(app_env):
    from test_pages import new_app, run

    at = run(new_app(query={"tahun": "2026", "bulan": "4"}))
    at.switch_page("views/materi.py")
    run(at)
    assert any("Belum ada DPA atau laporan untuk April 2026" in i.value for i in at.info)
    assert not at.get("download_button")


# --------------------------------------------------------------------------- long lists (issue 18)
def _note_of(pairs, prefix: str) -> str:
    """The note (last text box) of the last slide titled ``prefix``: the line that closes the list."""
    return _shapes_text([sl for s, sl in pairs if s.title.startswith(prefix)][-1])[-1]


def test_slides_show_top_n_of_each_list_and_state_how_many_more(loaded, truth):
    """Lists longer than top_n: exactly top_n rows on the slides (the most behind first), the
    closing line states the true count of the rest, and the workbook has every row."""
    n = 5
    pack = pack_data(loaded, YEAR, MONTH, load(loaded), TODAY, top_n=n)
    kritis = truth["kritis"]
    assert len(kritis) == 11 > n and pack.kritis_total == len(pack.kritis) == len(kritis)
    prs = Presentation(io.BytesIO(build_pptx(pack)))
    pairs = _slides(prs, pack)
    rows = _continued(pairs, "Kontrak Kritis")
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5"]
    assert [r[2] for r in rows] == [" ".join(x.split()) for x in kritis["nama"].head(n)]
    assert [r[6] for r in rows] == [points(d) for d in kritis["deviasi"].head(n)]
    assert max(kritis["deviasi"].head(n)) <= min(kritis["deviasi"].iloc[n:])  # the most behind are shown
    assert _note_of(pairs, "Kontrak Kritis") == (
        "... dan 6 sub kegiatan kritis lainnya (dari 11): lihat lembar Kontrak Kritis pada lampiran Excel."
    )
    masalah = _continued(pairs, "Permasalahan dan Solusi")
    per_opd = pack.masalah.groupby("opd_kode", sort=False).head(MAX_MASALAH)
    assert len(masalah) == n < len(per_opd)
    assert sorted(int(r[3]) for r in masalah) == sorted(per_opd["sub_kegiatan"].nlargest(n).tolist())
    rest = len(pack.masalah) - n
    assert (
        f"... dan {number(rest)} permasalahan lainnya (dari {number(len(pack.masalah))}): lihat lembar "
        "Permasalahan pada lampiran Excel." in _note_of(pairs, "Permasalahan dan Solusi")
    )
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsx(pack)))
    _, rows = _rows(wb["Kontrak Kritis"], "No")
    assert [r[2] for r in rows] == kritis["kode"].tolist()
    _, rows = _rows(wb["Permasalahan"], "No")
    assert len(rows) == len(pack.masalah) and sum(r[4] for r in rows) == pack.masalah["sub_kegiatan"].sum()


def test_rankings_show_top_and_bottom_n_and_the_workbook_all(loaded, truth):
    pack = pack_data(loaded, YEAR, MONTH, load(loaded), TODAY, top_n=3)  # 8 OPDs ranked: 1-3 and 6-8
    prs = Presentation(io.BytesIO(build_pptx(pack)))
    pairs = _slides(prs, pack)
    for title, ranking, sheet in (
        ("Peringkat OPD: Realisasi Keuangan", pack.ranking_keuangan, "Peringkat Keuangan"),
        ("Peringkat OPD: Realisasi Fisik", pack.ranking_fisik, "Peringkat Fisik"),
    ):
        slides = [(s, sl) for s, sl in pairs if s.title.startswith(title)]
        assert [s.title for s, _ in slides] == [f"{title} - peringkat 1-3", f"{title} (lanjutan) - peringkat 6-8"]
        shown = [c for _, sl in slides for c in _charts(sl)[0].plots[0].categories]
        assert len(ranking) == 8 and shown == ranking["label"].iloc[[0, 1, 2, 5, 6, 7]].tolist()
        assert "3 OPD teratas dan 3 terbawah dari 8 OPD" in slides[0][0].subtitle
        assert f"... dan 2 OPD lainnya (peringkat 4-5): lihat lembar {sheet} pada lampiran Excel." in " ".join(
            _shapes_text(slides[-1][1])
        )
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsx(pack)))
    _, rows = _rows(wb["Peringkat Keuangan"], "Peringkat")
    assert [r[0] for r in rows] == list(range(1, 9))


def test_belum_melapor_and_tindak_lanjut_are_capped_with_the_rest_stated(loaded, late_pack):
    late = pack_data(loaded, YEAR - 1, MONTH, load(loaded), TODAY, top_n=5)
    assert len(late.belum) == 9
    pairs = _slides(Presentation(io.BytesIO(build_pptx(late))), late)
    rows = _continued(pairs, "OPD Belum Melapor")
    assert [r[1] for r in rows] == late_pack.belum["opd"].head(5).tolist()
    assert _note_of(pairs, "OPD Belum Melapor") == (
        "... dan 4 OPD lainnya (dari 9): lihat lembar Belum Melapor pada lampiran Excel. Merah: 9 OPD melewati "
        "batas penyampaian."
    )
    one = pack_data(loaded, YEAR, MONTH, load(loaded), TODAY, top_n=1)
    pairs = _slides(Presentation(io.BytesIO(build_pptx(one))), one)
    rows = _continued(pairs, "Tindak Lanjut Rakor")
    assert [r[1] for r in rows] == ["Serapan rendah"] and len(one.tindak_lanjut) == 2
    assert _note_of(pairs, "Tindak Lanjut Rakor") == (
        "... dan 1 tindak lanjut terbuka lainnya (dari 2): lihat lembar Tindak Lanjut pada lampiran Excel. Merah: "
        "1 melewati batas waktu."
    )
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsx(one)))
    _, rows = _rows(wb["Tindak Lanjut"], "No")
    assert len(rows) == 2


def test_a_short_pack_is_whole_and_says_nothing_is_left_out(prs, pack):
    assert pack.top_n == Settings().materi_baris_slide == 25
    text = " ".join(t for sl in prs.slides for t in _shapes_text(sl))
    for what in ("sub kegiatan kritis lainnya", "OPD lainnya", "tindak lanjut terbuka lainnya"):
        assert what not in text
    # permasalahan: 3 per OPD on the slides (24 of 8 OPDs), the others counted
    assert len(pack.masalah) == 39 and pack.masalah.groupby("opd_kode").size().clip(upper=MAX_MASALAH).sum() == 24
    assert (
        "Per OPD 3 permasalahan yang paling banyak dilaporkan. ... dan 15 permasalahan lainnya (dari 39): lihat "
        "lembar Permasalahan pada lampiran Excel." in text
    )


def test_pack_dates_are_written_in_full(prs, pack, late_pack):
    """One date format in the pack (core.format.tanggal: ``30 April 2026``), never ``30 Apr 2026``."""
    import re

    short = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}\b")
    for deck in (prs, Presentation(io.BytesIO(build_pptx(late_pack)))):
        texts = [t for sl in deck.slides for t in _shapes_text(sl)]
        texts += [c.text for sl in deck.slides for s in sl.shapes if s.has_table for r in s.table.rows for c in r.cells]
        assert not [t for t in texts if short.search(t)]
    assert "Kota Contoh, 5 Mei 2026" in _shapes_text(prs.slides[0])


def test_preview_counts_equal_the_built_pack(loaded, pack, late_pack):
    from exports.pack_data import pack_preview
    from exports.pack_pptx import outline

    cfg = load(loaded)
    for year, built in ((YEAR, pack), (YEAR - 1, late_pack)):
        preview = pack_preview(loaded, year, MONTH, cfg, TODAY)
        assert preview.totals == built.totals and preview.kritis_total == len(built.kritis)
        assert preview.not_reported == built.not_reported and preview.belum.equals(built.belum)
        assert preview.tindak_lanjut["id"].tolist() == built.tindak_lanjut["id"].tolist()
    for awal, akhir in ((5.0, 3.0), (10.0, 5.0), (0.0, 0.0), (30.0, 1.0)):
        assert kritis_count(loaded, YEAR, MONTH, None, awal, akhir) == len(
            kritis_recap(loaded, YEAR, MONTH, None, awal, akhir)
        )
    rows = outline(pack_preview(loaded, YEAR, MONTH, cfg, TODAY, top_n=5)).set_index("Bagian")
    assert rows.loc["Kontrak kritis"].tolist() == [
        "11 sub kegiatan",
        "5 paling tertinggal",
        "semua, lembar Kontrak Kritis",
    ]
    assert rows.loc["Peringkat realisasi keuangan", "Di slide"] == "semua (8)"
    assert (
        outline(pack_preview(loaded, YEAR, MONTH, cfg, TODAY, top_n=3))
        .set_index("Bagian")
        .loc["Peringkat realisasi fisik", "Di slide"]
        == "3 teratas dan 3 terbawah"
    )


def test_materi_page_of_a_large_database_builds_the_pack_when_asked(app_env, media, monkeypatch):
    """Above EAGER_PACK_SUB_KEGIATAN sub kegiatan the first run shows the preview only; the button
    builds the pack, whose slides are then listed and downloadable."""
    from test_pages import download_bytes, new_app, run

    import ui.pack
    from db.store import Store
    from etl.pipeline import ingest_paths

    monkeypatch.setattr(ui.pack, "EAGER_PACK_SUB_KEGIATAN", 10)
    store = Store(app_env, data_dir=app_env.parent / "data")
    ingest_paths(store, [DPA_FIXTURE] + [FIXTURES / k for k in realisasi_fixtures()])
    at = run(new_app(query={"tahun": "2026", "bulan": "4"}, user="kabag", role="viewer"))
    at.switch_page("views/materi.py")
    run(at)
    cfg = load(store)
    kritis = len(kritis_recap(store, 2026, 4, None, cfg.kritis_awal_poin, cfg.kritis_akhir_poin))
    assert {m.label: m.value for m in at.metric}["Kontrak kritis"] == number(kritis)
    assert not at.get("download_button") and len(at.dataframe) == 1
    assert any("disusun bila diminta" in i.value for i in at.info)
    (button,) = [b for b in at.button if b.label == "Susun materi rakor"]
    button.click()
    run(at)
    buttons = {b.label: b for b in at.get("download_button")}
    pack = pack_data(store, 2026, 4, cfg, dt.date.today())
    slides = plan(pack)
    assert f"Unduh slide (PowerPoint, {len(slides)} slide)" in buttons
    assert at.dataframe[1].value["Judul"].tolist() == [s.title for s in slides]
    pptx = download_bytes(media, buttons[f"Unduh slide (PowerPoint, {len(slides)} slide)"])
    assert len(Presentation(io.BytesIO(pptx)).slides) == len(slides)
    run(at)  # a rerun keeps the built pack
    assert len(at.get("download_button")) == 2


def test_cli_pack_takes_the_rows_per_list(loaded, truth, tmp_path, capsys):
    from cli.main import main

    out = tmp_path / "materi5"
    args = ["pack", "--db", str(loaded.path), "--year", "2026", "--month", "4", "--out", str(out)]
    assert main([*args, "--baris-slide", "5"]) == 0
    assert "11 kontrak kritis" in capsys.readouterr().out
    pack = pack_data(loaded, YEAR, MONTH, load(loaded), dt.date.today(), top_n=5)
    pairs = _slides(Presentation(out / "Materi_Rakor_2026-04.pptx"), pack)
    assert len(_continued(pairs, "Kontrak Kritis")) == 5
    _, rows = _rows(openpyxl.load_workbook(out / "Materi_Rakor_2026-04.xlsx")["Kontrak Kritis"], "No")
    assert len(rows) == len(truth["kritis"]) == 11
    with pytest.raises(SystemExit):  # outside the setting's bounds: refused by the parser
        main([*args, "--baris-slide", "2"])


def test_rows_per_list_is_a_setting_with_bounds(tmp_path):
    from core.settings import problems
    from db.store import Store

    assert any(
        "Baris per daftar pada slide materi rakor harus 5 sampai 200" in p
        for p in problems(Settings(materi_baris_slide=2))
    )
    assert not problems(Settings(materi_baris_slide=40))
    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    save(store, Settings(materi_baris_slide=40), "test")
    assert load(store).materi_baris_slide == 40
    assert pack_data(store, YEAR, MONTH, load(store), TODAY).top_n == 40
    store.close()
