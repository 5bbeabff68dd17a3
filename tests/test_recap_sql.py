"""The recap of core.recap (sums made in the database) gives the numbers of a plain pandas
reference over the sub kegiatan rows (tests/recap_reference.py): per OPD, program and kegiatan with
the sumber dana / jenis filters, fisik vs non fisik, sumber dana, kontrak kritis, and ``kurva_s`` =
``recap_opd`` month by month. Checked on the fixture reports and on a small synthetic province from
the bench generator (superseded reports, OPDs not yet reported, codes outside the DPA, a manual
override)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES
from pg_support import use_both_engines
from recap_reference import filter_leaves, jenis_split, rollup

from core.recap import (
    jenis_recap,
    kabupaten_totals,
    kontrak_kritis,
    kritis_recap,
    kurva_s,
    leaf_recap,
    level_recap,
    opd_level,
    recap_opd,
    sumber_dana_list,
    sumber_dana_recap,
)
from etl.pipeline import ingest_paths

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

ROOT = Path(__file__).resolve().parent.parent
MARCH = ["realisasi/realisasi_dinkes_2026-03.xlsx", "realisasi/distan_2026-03.csv"]
NUMBERS = ["sub_kegiatan", "pagu", "realisasi_keuangan", "keuangan_pct", "fisik_pct", "target_fisik_pct", "deviasi"]


# The fixture reports on both engines; the synthetic province (written by bench/province.py) on DuckDB.
DATA = pytest.mark.parametrize(
    ("data", "engine"), [("march", "duckdb"), ("march", "postgres"), ("province", "duckdb")], indirect=["engine"]
)


@pytest.fixture
def march(dpa_store):
    res = ingest_paths(dpa_store, [FIXTURES / r for r in MARCH])
    assert [r["status"] for r in res] == ["accepted", "accepted"], res
    return dpa_store


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """Two kabupaten of six OPDs (3,000 sub kegiatan, 12 months) from bench/province.py, with one
    sub kegiatan classified by hand."""
    from bench import province as gen

    db = tmp_path_factory.mktemp("province") / "pantau.duckdb"
    counts = gen.build(db, {**gen.PROVINCE, "n_kab": 2, "n_opd": 6})
    assert counts["imports_superseded"] > 0 and counts["realisasi"] > counts["realisasi_active"]
    from db.store import Store

    store = Store(db, data_dir=db.parent / "data")
    row = store.sql("SELECT opd_kode, kode FROM sub_kegiatan WHERE jenis = 'non_fisik' ORDER BY 1, 2 LIMIT 1")[0]
    store.override_jenis(2025, row[0], row[1], "fisik", "rehab gedung sesuai kontrak", "test")
    return store


def _same(a: pd.DataFrame, b: pd.DataFrame, columns=NUMBERS) -> None:
    assert len(a) == len(b)
    for col in columns:
        pd.testing.assert_series_equal(
            a[col].reset_index(drop=True).astype("float64"),
            b[col].reset_index(drop=True).astype("float64"),
            check_names=False,
            rtol=1e-12,
            atol=1e-6,
        )


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Values as Python objects, missing as None (an all-NULL text column comes back as object)."""
    return df.astype(object).where(df.notna(), None)


def _periods(store):
    return (
        [(2026, 3), (2026, 4)]
        if store.sql("SELECT count(*) FROM import WHERE tahun = 2026")[0][0]
        else [(2025, 3), (2025, 11), (2025, 12)]
    )


@DATA
@pytest.mark.parametrize(
    "dana, jenis", [(None, None), (["DAU"], None), (None, "fisik"), (None, "non_fisik"), (["DAK", "PAD"], "non_fisik")]
)
def test_opd_level_is_the_rollup_of_the_filtered_leaves(request, data, engine, dana, jenis):
    store = request.getfixturevalue(data)
    for year, month in _periods(store):
        leaves = leaf_recap(store, year, month)
        expected = rollup(filter_leaves(leaves, dana, jenis), "opd")
        got = opd_level(store, year, month, dana=dana, jenis=jenis)
        assert got.columns.tolist() == expected.columns.tolist()
        assert got["opd_kode"].tolist() == expected["opd_kode"].tolist()
        assert got["reported"].tolist() == expected["reported"].tolist()
        _same(got, expected)
        one = leaves["opd_kode"].iloc[0]
        for level, scope in (("program", None), ("kegiatan", None), ("program", one), ("kegiatan", one)):
            view = filter_leaves(leaves if scope is None else leaves[leaves["opd_kode"] == scope], dana, jenis)
            expected = rollup(view, level)
            got = level_recap(store, year, month, level, scope, dana=dana, jenis=jenis)
            assert got.columns.tolist() == expected.columns.tolist()
            for col in got.columns[: got.columns.get_loc("sub_kegiatan")]:
                assert _plain(got[[col]])[col].tolist() == _plain(expected[[col]])[col].tolist(), (level, col)
            _same(got, expected)


@DATA
def test_jenis_kritis_and_sumber_dana_without_every_leaf(request, data, engine):
    store = request.getfixturevalue(data)
    for year, month in _periods(store):
        leaves = leaf_recap(store, year, month)
        split = jenis_recap(store, year, month)
        expected = jenis_split(leaves)
        assert split["jenis"].tolist() == expected["jenis"].tolist()
        _same(split, expected, NUMBERS)
        key = leaves["sumber_dana"].map(lambda v: " ".join(v.upper().split()) if isinstance(v, str) else "")
        expected = rollup(leaves.assign(key=key), ["key"]).set_index("key")
        sumber = sumber_dana_recap(store, year, month).set_index("key")
        assert sorted(sumber.index) == sorted(expected.index)
        _same(sumber, expected.loc[sumber.index], NUMBERS)
        assert sumber["pagu"].tolist()[: len(sumber) - ("" in sumber.index)] == sorted(
            sumber.drop(index="", errors="ignore")["pagu"], reverse=True
        )
        for awal, akhir in ((10.0, 5.0), (3.0, 8.0)):
            got, want = kritis_recap(store, year, month, None, awal, akhir), kontrak_kritis(leaves, awal, akhir)
            if want.empty:
                assert got.empty
                continue
            assert (
                got["kode"].tolist() == want["kode"].tolist() and got["opd_kode"].tolist() == want["opd_kode"].tolist()
            )
            _same(got, want, ["pagu", "target_fisik", "realisasi_fisik", "deviasi"])
        funds = sorted({f.strip() for v in leaves["sumber_dana"].dropna() for f in str(v).split(",") if f.strip()})
        assert sumber_dana_list(store, year, month) == funds
        one = leaves["opd_kode"].iloc[0]
        pd.testing.assert_frame_equal(
            _plain(leaf_recap(store, year, month, one)),
            _plain(leaves[leaves["opd_kode"] == one].reset_index(drop=True)),
        )


@DATA
def test_kurva_s_in_one_query_is_recap_opd_month_by_month(request, data, engine):
    store = request.getfixturevalue(data)
    year = _periods(store)[0][0]
    opd = store.sql("SELECT min(opd_kode) FROM sub_kegiatan")[0][0]
    for scope in (None, opd):
        curve = kurva_s(store, year, scope, upto=12)
        assert curve["bulan"].tolist() == list(range(1, 13))
        for month in range(1, 13):
            tot = kabupaten_totals(recap_opd(store, year, month, scope))
            row = curve.iloc[month - 1]
            if not tot["opd_reported"]:
                assert pd.isna(row["keuangan_pct"]) and pd.isna(row["fisik_pct"])
                continue
            for key in ("pagu", "keuangan_pct", "fisik_pct", "target_fisik_pct"):
                assert row[key] == pytest.approx(tot[key], rel=1e-12), (scope, month, key)


def test_province_recap_ignores_superseded_reports(province):
    """The sums of recap_opd are those of the reports in force (an older version reported less)."""
    month = 12
    active = province.sql(
        "SELECT sum(r.realisasi_keuangan) FROM realisasi r JOIN import i ON i.id = r.import_id "
        "WHERE i.tahun = 2025 AND i.bulan = ? AND i.superseded_by IS NULL",
        [month],
    )[0][0]
    every = province.sql("SELECT sum(realisasi_keuangan) FROM realisasi WHERE tahun = 2025 AND bulan = ?", [month])[0][
        0
    ]
    recap = recap_opd(province, 2025, month)
    assert recap["realisasi_keuangan"].sum() == pytest.approx(active, rel=1e-12)
    assert every > active
    assert 0 < recap["reported"].sum() < len(recap)  # some OPDs have not reported December


def test_is_kritis_on_series_is_the_scalar_rule():
    from core.metrics import is_kritis

    target = pd.Series([0, 50, 50, 70, 70, 70.01, 80, 80, 100, None, 60, float("nan")])
    dev = pd.Series([-10.01, -10.5, -10, -10.5, -10, -5.5, -5.5, -5, -5.01, -30, None, -40])
    for awal, akhir in ((10.0, 5.0), (3.0, 8.0)):
        mask = is_kritis(target, dev, awal, akhir)
        assert mask.tolist() == [is_kritis(t, d, awal, akhir) for t, d in zip(target, dev)]
        assert mask.any() and not mask.all()
