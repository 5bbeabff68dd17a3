"""When unsure, ask — then remember (issue 16, CLI parity): a file with two candidate columns for
realisasi fisik waits with the candidates named; a confirmed --mapping loads it exactly and
--save-layout remembers it, so next month's file with the same header goes in without asking."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pg_support import use_both_engines

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

ROOT = Path(__file__).resolve().parent.parent
SUBS = [
    ("1.02.01.2.01.0001", "Penyusunan Dokumen Perencanaan Perangkat Daerah", 100_000_000.0),
    ("1.02.01.2.01.0002", "Koordinasi dan Penyusunan Laporan Capaian Kinerja", 300_000_000.0),
]


def _report(path: Path, month: str, shift: int = 0) -> Path:
    """Two FISIK › REAL › % columns (this month, last quarter's plan copied by hand) that no rule
    can tell apart; ``shift`` moves the table down by that many rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAPORAN REALISASI FISIK DAN KEUANGAN"])
    ws.append(["OPD : DINAS KESEHATAN"])
    ws.append([f"KEADAAN BULAN : {month} 2026"])
    for _ in range(shift):
        ws.append([])
    ws.append(["Kode", "Uraian", "Pagu", "Realisasi Keuangan (Rp)", "FISIK", None])
    ws.append([None, None, None, None, "REAL", "REAL"])
    for i, (kode, nama, pagu) in enumerate(SUBS):
        ws.append([kode, nama, pagu, pagu / 4, 30.0 + 10 * i, 55.0 - 5 * i])
    wb.save(path)
    return path


def _cli(*args: str) -> tuple[int, str, str]:
    p = subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    return p.returncode, p.stdout, p.stderr


def test_unsure_file_waits_then_a_confirmed_mapping_is_remembered(dpa_store, tmp_path):
    db = str(dpa_store.path)
    march = _report(tmp_path / "dinkes_maret_2026.xlsx", "MARET")
    rc, out, _ = _cli("ingest", "--db", db, "--json", str(march))
    (rep,) = json.loads(out)
    assert rc == 1 and rep["status"] == "needs_mapping"
    cands = rep["candidates"]["realisasi_fisik"]
    assert [c["column"] for c in cands] == ["E", "F"]
    assert cands[0]["header"] == "FISIK › REAL" and cands[0]["samples"] == [30.0, 40.0]
    assert dpa_store.count_rows("realisasi") == 0

    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "header_rows": [4, 5],
                "fields": {"kode": "A", "nama": "B", "pagu": "C", "realisasi_keuangan": "D", "realisasi_fisik": "E"},
            }
        )
    )
    rc, out, err = _cli(
        "ingest", "--db", db, "--json", "--mapping", str(mapping), "--save-layout", "Dinkes RFK", str(march)
    )
    (rep,) = json.loads(out)
    assert rc == 0, (err, rep["issues"][:2])
    assert rep["fisik_pct"] == pytest.approx((30 * 100 + 40 * 300) / 400)
    assert rep["fields"]["realisasi_fisik"] == "FISIK › REAL"
    rc, out, _ = _cli("layouts", "list", "--db", db)
    assert "Dinkes RFK" in out and "realisasi_fisik ← FISIK › REAL [1]" in out

    april = _report(tmp_path / "dinkes_april_2026.xlsx", "APRIL", shift=2)  # the table moved down
    rc, out, _ = _cli("ingest", "--db", db, "--json", str(april))
    (rep,) = json.loads(out)
    assert rc == 0 and rep["status"] in ("accepted", "flagged") and rep["layout"] == "Dinkes RFK"
    assert (rep["month"], rep["rows"]) == (4, 2)
    assert rep["fisik_pct"] == pytest.approx(37.5)  # column E, as confirmed in March

    exported = tmp_path / "layouts.json"
    assert _cli("layouts", "export", "--db", db, "--file", str(exported))[0] == 0
    (item,) = json.loads(exported.read_text())
    assert item["name"] == "Dinkes RFK" and item["height"] == 2


def test_a_bad_mapping_is_refused_with_what_is_wrong(dpa_store, tmp_path):
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"header_rows": [4], "fields": {"realisasi": "12"}}))
    rc, _, err = _cli(
        "ingest",
        "--db",
        str(dpa_store.path),
        "--mapping",
        str(mapping),
        str(_report(tmp_path / "x_maret_2026.xlsx", "MARET")),
    )
    assert rc == 1 and "isian tidak dikenal realisasi" in err and "harus huruf" in err
