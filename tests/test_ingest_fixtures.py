"""Every public fixture, ingested through the real pipeline into a fresh store (DuckDB and PostgreSQL),
against EXPECTED.json."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DPA_FIXTURE, FIXTURES, load_expected, realisasi_fixtures
from pg_support import use_both_engines

from core.metrics import weighted_fisik
from core.recap import kabupaten_totals, recap_opd
from etl.pipeline import ingest_paths

EXPECTED = load_expected()["files"]
DPA = EXPECTED["master/dpa_2026.xlsx"]
ABBR_TO_NAME = {v["opd"]: v["opd_name"] for v in EXPECTED.values() if v["kind"] == "realisasi"}
use_both_engines(globals())


def _only_report(store, file_name: str):
    hist = store.import_history()
    rows = hist[(hist["kind"] == "realisasi") & (hist["file_name"] == file_name)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize("key", realisasi_fixtures())
def test_realisasi_fixture(dpa_store, key):
    exp = EXPECTED[key]
    path = FIXTURES / key
    results = ingest_paths(dpa_store, [path])
    assert len(results) == 1
    res = results[0]

    # what the pipeline reports
    assert res["status"] == ("flagged" if exp["flags"] else "accepted"), res["issues"]
    assert res["kind"] == "realisasi"
    assert res["opd"] == exp["opd_name"]
    assert (res["year"], res["month"]) == (exp["year"], exp["month"])
    assert res["rows"] == exp["leaf_rows"]
    assert res["pagu"] == exp["sum_pagu"]
    assert res["realisasi_keuangan"] == exp["sum_realisasi_keuangan"]
    assert not [i for i in res["issues"] if i["severity"] == "error"]

    # what was stored
    imp = _only_report(dpa_store, path.name)
    assert imp["opd"] == exp["opd_name"]
    assert (imp["tahun"], imp["bulan"]) == (exp["year"], exp["month"])
    assert imp["rows_accepted"] == exp["leaf_rows"]
    assert imp["rows_flagged"] == len({f["row"] for f in exp["flags"]})
    assert imp["pagu"] == exp["sum_pagu"]
    assert imp["realisasi_keuangan"] == exp["sum_realisasi_keuangan"]
    assert imp["status"] == res["status"]
    assert pd.isna(imp["superseded_by"])

    leaves = dpa_store.report_leaves(int(imp["id"]))
    assert len(leaves) == exp["leaf_rows"]
    assert leaves["pagu"].sum() == exp["sum_pagu"]
    assert leaves["realisasi_keuangan"].sum() == exp["sum_realisasi_keuangan"]
    assert int((leaves["jenis"] == "fisik").sum()) == exp["fisik_rows"]
    fis = weighted_fisik(leaves["pagu"].tolist(), leaves["realisasi_fisik"].tolist())
    assert fis == pytest.approx(exp["fisik_weighted_mean"], abs=1e-3)

    got = {
        r.sub_kegiatan_kode: dict(jenis=r.jenis, pagu=r.pagu, fisik=r.realisasi_fisik, keu=r.realisasi_keuangan)
        for r in leaves.itertuples()
    }
    assert list(got) == list(exp["leaves"])  # same codes, in sheet order
    for kode, want in exp["leaves"].items():
        have = got[kode]
        assert have["pagu"] == want["pagu"], kode
        assert have["keu"] == want["keu"], kode
        assert have["fisik"] == pytest.approx(want["fisik"], abs=1e-9), kode
        assert have["jenis"] == want["jenis"], kode

    # every expected flag: an issue with that code on that row, and the row is marked flagged
    issues = dpa_store.import_issues(int(imp["id"]))
    for flag in exp["flags"]:
        hit = issues[(issues["code"] == flag["flag"]) & (issues["row"] == flag["row"])]
        assert len(hit) >= 1, (flag, issues[["code", "row"]].to_dict("records"))
        assert (hit["severity"] == "warning").all()
        assert hit["message"].str.len().min() > 20
        row = leaves[leaves["source_row"] == flag["row"]]
        assert row["sub_kegiatan_kode"].tolist() == [flag["code"]]
        assert row["flagged"].tolist() == [True]
    flagged_rows = set(leaves.loc[leaves["flagged"], "source_row"])
    assert flagged_rows == {f["row"] for f in exp["flags"]}

    # the recap (the numbers on every screen) agrees
    recap = recap_opd(dpa_store, exp["year"], exp["month"])
    mine = recap[recap["opd"] == exp["opd_name"]]
    assert len(mine) == 1
    r = mine.iloc[0]
    assert bool(r["reported"])
    assert r["sub_kegiatan"] == exp["leaf_rows"]
    assert r["pagu"] == exp["sum_pagu"]
    assert r["realisasi_keuangan"] == exp["sum_realisasi_keuangan"]
    assert r["keuangan_pct"] == pytest.approx(exp["sum_realisasi_keuangan"] / exp["sum_pagu"] * 100, rel=1e-12)
    assert r["fisik_pct"] == pytest.approx(exp["fisik_weighted_mean"], abs=1e-3)
    fisik_pagu = sum(v["pagu"] for v in exp["leaves"].values() if v["jenis"] == "fisik")
    assert r["fisik_pagu"] == fisik_pagu
    assert r["non_fisik_pagu"] == exp["sum_pagu"] - fisik_pagu
    # the other seven OPDs have not reported: DPA pagu, no realisation
    others = recap[recap["opd"] != exp["opd_name"]]
    assert len(others) == 7
    assert not others["reported"].any()
    assert others["realisasi_keuangan"].isna().all()

    # the original bytes are archived
    assert dpa_store.read_archived(int(imp["id"])) == (path.name, path.read_bytes())


def test_dpa_fixture(store):
    results = ingest_paths(store, [DPA_FIXTURE])
    assert len(results) == 1
    res = results[0]
    assert (res["status"], res["kind"], res["year"]) == ("accepted", "dpa", DPA["year"])
    assert res["rows"] == DPA["sub_kegiatan"]
    assert res["pagu"] == DPA["sum_pagu"]
    assert store.count_rows("sub_kegiatan") == DPA["sub_kegiatan"]
    assert store.count_rows("belanja") == DPA["belanja_lines"]
    assert store.count_rows("opd") == len(DPA["sum_pagu_per_opd"])
    assert store.dpa_years() == [DPA["year"]]

    # sum of pagu per OPD, abbreviations mapped through the OPD names of the realisation fixtures
    opds = {o.nama: o for o in store.opds()}
    recap = recap_opd(store, DPA["year"], 1)  # nobody reported in January: DPA pagu only
    by_name = dict(zip(recap["opd"], recap["pagu"]))
    assert len(by_name) == len(DPA["sum_pagu_per_opd"])
    for abbr, pagu in DPA["sum_pagu_per_opd"].items():
        name = ABBR_TO_NAME[abbr]
        assert by_name[name] == pagu, abbr
        assert opds[name].singkatan == abbr.upper()
    counts = dict(zip(recap["opd"], recap["sub_kegiatan"]))
    for key in realisasi_fixtures():
        assert counts[EXPECTED[key]["opd_name"]] == EXPECTED[key]["leaf_rows"]
    totals = kabupaten_totals(recap)
    assert totals["pagu"] == DPA["sum_pagu"]
    assert totals["sub_kegiatan"] == DPA["sub_kegiatan"]
    assert (totals["opd_reported"], totals["opd_total"]) == (0, 8)
    assert totals["realisasi_keuangan"] == 0
    assert totals["fisik_pagu"] + totals["non_fisik_pagu"] == DPA["sum_pagu"]

    # belanja lines sum to the sub kegiatan pagu
    belanja_total = store.sql("SELECT sum(pagu) FROM belanja")[0][0]
    assert belanja_total == DPA["sum_pagu"]


@pytest.mark.parametrize("month", [3, 4])
def test_all_reports_of_a_month(dpa_store, month):
    """Every OPD reported in March and in April: the kabupaten recap equals the fixtures' sums."""
    keys = [k for k in realisasi_fixtures() if EXPECTED[k]["month"] == month]
    assert len(keys) == 8
    results = ingest_paths(dpa_store, [FIXTURES / k for k in keys])
    assert all(r["status"] in ("accepted", "flagged") for r in results)
    recap = recap_opd(dpa_store, 2026, month)
    assert recap["reported"].all() and len(recap) == 8
    for key in keys:
        exp = EXPECTED[key]
        r = recap[recap["opd"] == exp["opd_name"]].iloc[0]
        assert (r["pagu"], r["realisasi_keuangan"]) == (exp["sum_pagu"], exp["sum_realisasi_keuangan"])
        assert r["fisik_pct"] == pytest.approx(exp["fisik_weighted_mean"], abs=1e-3)
    totals = kabupaten_totals(recap)
    assert totals["pagu"] == DPA["sum_pagu"]
    assert totals["realisasi_keuangan"] == sum(EXPECTED[k]["sum_realisasi_keuangan"] for k in keys)
    assert totals["opd_reported"] == totals["opd_total"] == 8
    want_fisik = sum(EXPECTED[k]["fisik_weighted_mean"] * EXPECTED[k]["sum_pagu"] for k in keys) / DPA["sum_pagu"]
    assert totals["fisik_pct"] == pytest.approx(want_fisik, abs=1e-3)
