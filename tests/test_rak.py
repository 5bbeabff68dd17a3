"""SIPD anggaran kas (RAK): the cash planned per sub kegiatan and month becomes the keuangan target
of those sub kegiatan (recap, lampu, kurva S); the flat curve stays for the rest. Issue 14."""

from __future__ import annotations

import openpyxl
import pytest
from pg_support import use_both_engines

from core.months import BULAN
from core.recap import kurva_s, recap_opd, target_serapan
from db.store import Store
from etl.pipeline import ingest_paths
from ui.tables import with_lights

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL


def _rak(path, subs: list[tuple[str, str, float]]):
    """An anggaran kas export: a twelfth of the pagu each month (the last month takes the rest)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ANGGARAN KAS SUB KEGIATAN"])
    ws.append(["SKPD : DINAS KESEHATAN"])
    ws.append(["TAHUN ANGGARAN 2026"])
    ws.append([])
    ws.append(["Kode", "Uraian", "Pagu", *BULAN])
    ws.append(["1.02.01", "PROGRAM PENUNJANG", sum(p for _, _, p in subs), *([None] * 12)])
    for kode, nama, pagu in subs:
        month = round(pagu / 12)
        ws.append([kode, nama, pagu, *([month] * 11), pagu - 11 * month])
    wb.save(path)
    return path


def test_an_anggaran_kas_becomes_the_keuangan_target_of_its_sub_kegiatan(dpa_store: Store, tmp_path, fixtures_dir):
    subs = dpa_store.leaf_rows(2026, 3, None)
    dinkes = subs[subs["opd"] == "Dinas Kesehatan"].head(3)
    rows = [(k, n, float(p)) for k, n, p in zip(dinkes["kode"], dinkes["nama"], dinkes["pagu"])]
    (rep,) = ingest_paths(dpa_store, [_rak(tmp_path / "rak_dinkes_2026.xlsx", rows)])
    assert rep["status"] in ("accepted", "flagged"), rep["issues"][:2]
    assert (rep["kind"], rep["source"], rep["year"], rep["rows"]) == ("rak", "sipd_rak", 2026, 3)
    assert rep["pagu"] == pytest.approx(sum(p for _, _, p in rows))
    ingest_paths(dpa_store, [fixtures_dir / "realisasi" / "realisasi_dinkes_2026-03.xlsx"])
    recap = recap_opd(dpa_store, 2026, 3)
    row = recap[recap["opd"] == "Dinas Kesehatan"].iloc[0]
    covered = sum(p for _, _, p in rows)
    planned = sum(round(p / 12) * 3 for _, _, p in rows)
    assert row["target_keuangan_pct"] == pytest.approx(planned / covered * 100)
    assert row["plan_share"] == pytest.approx(covered / row["pagu"])
    # the OPD's target: the plan for the covered pagu, the flat curve (here 20 %) for the rest
    (target,) = target_serapan(recap[recap["opd"] == "Dinas Kesehatan"], 20.0)
    assert target == pytest.approx((planned + 0.20 * (row["pagu"] - covered)) / row["pagu"] * 100)
    other = recap[recap["opd"] != "Dinas Kesehatan"]
    assert (target_serapan(other, 20.0) == 20.0).all()
    assert "lampu" in with_lights(recap, 20.0, 5.0, 10.0)
    curve = kurva_s(dpa_store, 2026, "1.02.0.00.0.00.01.0000", upto=3)
    assert curve["target_keuangan_pct"].notna().all()
    assert list(curve["target_keuangan_pct"].round(6)) == sorted(curve["target_keuangan_pct"].round(6))
