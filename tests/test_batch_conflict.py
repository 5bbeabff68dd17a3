"""Two files of one batch for the same OPD and month: never one silently replacing the other
(issue 16): the CLI refuses both, naming the other file, unless --last-wins is given."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

from etl.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
DINKES = FIXTURES / "realisasi" / "realisasi_dinkes_2026-03.xlsx"


def _copy(tmp_path: Path) -> Path:
    """The same report under another name, with one figure changed (a corrected version)."""
    import openpyxl

    wb = openpyxl.load_workbook(DINKES)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, (int, float)) and cell.value > 1_000_000:
                cell.value += 1_000
                break
        else:
            continue
        break
    path = tmp_path / "realisasi_dinkes_2026-03_revisi.xlsx"
    wb.save(path)
    return path


def test_two_reports_of_one_opd_and_month_in_a_batch_are_refused(dpa_store, tmp_path):
    first = tmp_path / DINKES.name
    shutil.copy(DINKES, first)
    second = _copy(tmp_path)
    results = ingest_paths(dpa_store, [first, second])
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    for r, other in zip(results, (second.name, first.name)):
        (msg,) = [i["message"] for i in r["issues"] if i["code"] == "batch_conflict"]
        assert other in msg and "--last-wins" in msg
    assert dpa_store.count_rows("realisasi") == 0


def test_last_wins_puts_the_last_file_in_force(dpa_store, tmp_path):
    first = tmp_path / DINKES.name
    shutil.copy(DINKES, first)
    second = _copy(tmp_path)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "ingest",
            "--db",
            str(dpa_store.path),
            "--json",
            "--last-wins",
            str(first),
            str(second),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    results = json.loads(out.stdout)
    assert all(r["status"] in ("accepted", "flagged") for r in results)
    hist = dpa_store.import_history().query("kind == 'realisasi'").set_index("file_name")
    assert hist.loc[first.name, "superseded_by"] == hist.loc[second.name, "id"]  # the first stays in history
