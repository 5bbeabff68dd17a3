"""The app on PostgreSQL (issue 19): a replica pointed at ``PANTAU_DB=postgresql://...`` loads reports
through the Impor page and shows every page without an error, with the same figures as on DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pages import DPA, MARCH_REPORTS, N_OPD, expected_totals, load_via_page, metrics, new_app, run

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))


@pytest.fixture
def pg_app_env(pg_cluster, tmp_path, monkeypatch) -> str:
    url = pg_cluster.new_database("app")
    monkeypatch.setenv("PANTAU_DB", url)
    monkeypatch.setenv("PANTAU_DATA", str(tmp_path / "data"))
    return url


def test_every_page_runs_on_postgres_with_the_duckdb_figures(pg_app_env):
    from core.format import percent, rupiah_compact

    exp = expected_totals(MARCH_REPORTS)
    at = run(new_app({"tahun": "2026", "bulan": "3"}))
    load_via_page(at, [DPA, *MARCH_REPORTS])
    at.switch_page("views/ringkasan.py")
    run(at)
    m = metrics(at)
    assert m["Pagu"] == rupiah_compact(exp["pagu"]) == "Rp 205,13 M", m
    assert m["Realisasi keuangan"] == rupiah_compact(exp["realisasi"]), m
    assert m["Realisasi fisik"] == percent(exp["fisik_pct"]), m
    assert m["OPD sudah lapor"] == f"{N_OPD - 1} / {N_OPD}", m
    for page in PAGES:
        at.switch_page(page)
        run(at)  # asserts no exception
        assert not at.error, (page, [e.value for e in at.error])
