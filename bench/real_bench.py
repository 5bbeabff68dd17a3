"""The real 24,398-line SIPD-RI belanja rincian export (../shared/fixtures/real, read from there)
ingested into a fresh database, against reading the same file with python-calamine alone, in
alternating runs (issue 14: under 2 s on a quiet 2-core machine)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIPD = ROOT.parent / "shared" / "fixtures" / "real" / "asrani27_pergeseran" / "rekeningbelanja.xlsx"
BUDGET_SECONDS = 2.0


def _calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def _ingest(path: Path, run_dir: Path) -> list[dict]:
    from db.store import Store
    from etl.pipeline import ingest_paths

    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    store = Store(run_dir / "pantau.duckdb", data_dir=run_dir)
    try:
        return ingest_paths(store, [path])
    finally:
        store.close()


def measure(work: Path, repeat: int = 5) -> dict | None:
    """Best and all runs of the ingest and of calamine alone; ``None`` without the real files."""
    if not SIPD.exists():
        return None
    ingest, raw, results = [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        results = _ingest(SIPD, work / "run_sipd")
        ingest.append(time.perf_counter() - t)
        t = time.perf_counter()
        _calamine(SIPD)
        raw.append(time.perf_counter() - t)
    shutil.rmtree(work / "run_sipd", ignore_errors=True)
    (rep,) = results
    return {
        "seconds": min(ingest),
        "calamine_seconds": min(raw),
        "ratio": min(ingest) / min(raw),
        "all_runs": ingest,
        "calamine_runs": raw,
        "rows": rep["rows"],
        "pagu": rep["pagu"],
        "status": rep["status"],
    }
