"""Ringkasan extras: sub kegiatan kritis, same period last year, absorption against the
target curve and the OPD ranking charts, on the demo data set (two years) and the fixtures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_pages import ROOT, metrics, new_app, run


def values(array) -> list:
    """A plotly array as a list (plotly 7 ships numeric arrays as base64 'bdata')."""
    if isinstance(array, dict) and "bdata" in array:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [sys.executable, "-m", "scripts.make_demo", "--out", str(out)], cwd=ROOT, check=True, capture_output=True
    )
    return out


@pytest.fixture
def demo_store(app_env, demo_dir):
    """The app's store (PANTAU_DB) with the whole demo set: 2025 (12 months) and 2026 (Jan-Apr)."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    files = sorted(p for p in demo_dir.rglob("*") if p.suffix in (".xlsx", ".xls", ".csv"))
    store = Store(app_env, data_dir=app_env.parent / "data")
    results = ingest_paths(store, files)
    assert not [r for r in results if r["status"] == "rejected"], results
    return store


def test_demo_has_previous_year_for_comparison(demo_store):
    from core.recap import kabupaten_totals, recap_opd, same_period_last_year

    last = same_period_last_year(demo_store, 2026, 4)
    direct = kabupaten_totals(recap_opd(demo_store, 2025, 4))
    assert last == direct and last["opd_reported"] == 10
    assert same_period_last_year(demo_store, 2025, 4) is None  # no 2024 data


def test_kontrak_kritis_rule(dpa_store):
    import pandas as pd

    from core.recap import kontrak_kritis

    leaves = pd.DataFrame(
        {
            "kode": list("abcdef"),
            "jenis": ["fisik", "fisik", "fisik", "non_fisik", "fisik", "fisik"],
            "target_fisik": [50.0, 50.0, 80.0, 50.0, 80.0, None],
            "deviasi": [-10.5, -10.0, -5.5, -30.0, -5.0, -40.0],
        }
    )
    # plan 0-70 %: more than 10 points behind; plan 70-100 %: more than 5; non fisik and no plan never
    assert kontrak_kritis(leaves, 10, 5)["kode"].tolist() == ["a", "c"]
    assert kontrak_kritis(leaves, 20, 20).empty


def test_ringkasan_shows_comparison_curve_ranking_and_kritis(demo_store):
    from core import settings as settings_mod
    from core.format import points
    from core.recap import kabupaten_totals, kontrak_kritis, leaf_recap, recap_opd

    cfg = settings_mod.load(demo_store)
    at = run(new_app({"tahun": "2025", "bulan": "6"}))  # mid-2025: contracts fall behind
    kritis = kontrak_kritis(leaf_recap(demo_store, 2025, 6), cfg.kritis_awal_poin, cfg.kritis_akhir_poin)
    assert metrics(at)["Sub kegiatan kritis"] == str(len(kritis)) and len(kritis) > 0
    at = run(new_app({"tahun": "2026", "bulan": "4"}))
    assert metrics(at)["Sub kegiatan kritis"] == "0"
    now, last = kabupaten_totals(recap_opd(demo_store, 2026, 4)), kabupaten_totals(recap_opd(demo_store, 2025, 4))
    deltas = {x.label: x.proto.delta for x in at.metric}
    assert deltas["Serapan anggaran"] == f"{points(now['keuangan_pct'] - last['keuangan_pct'])} poin vs April 2025"
    assert deltas["Realisasi fisik"] == f"{points(now['fisik_pct'] - last['fisik_pct'])} poin vs April 2025"
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # absorption curve + two rankings
    import plotly.io as pio

    serapan = pio.from_json(charts[0].proto.spec).data
    assert [t.name for t in serapan] == ["Target serapan", "Realisasi 2025", "Realisasi keuangan"]
    assert values(serapan[0].y) == cfg.target_serapan
    assert len(values(serapan[2].y)) == 4  # January-April 2026
    assert values(serapan[2].y)[3] == pytest.approx(now["keuangan_pct"])
    assert values(serapan[1].y)[3] == pytest.approx(last["keuangan_pct"])
    ranking = pio.from_json(charts[1].proto.spec).data[0]
    recap = recap_opd(demo_store, 2026, 4)
    best = recap.sort_values("keuangan_pct", na_position="first").iloc[-1]
    assert values(ranking.x)[-1] == pytest.approx(best["keuangan_pct"])  # best on top
    # the OPDs that reported, each named with its rank (those that did not are not ranked)
    assert len(values(ranking.y)) == recap["keuangan_pct"].notna().sum() == 7 < len(recap)
    assert values(ranking.y)[-1] == f"1. {best['singkatan']}"


def test_ringkasan_without_last_year_says_so(dpa_store, app_env):
    at = new_app({"tahun": "2026", "bulan": "3"})
    run(at)
    assert any("Pembanding Maret 2025: belum ada laporan" in c.value for c in at.caption), [c.value for c in at.caption]
    assert {x.label: x.proto.delta for x in at.metric}["Serapan anggaran"] == ""
