"""Request templates benchmark (part of ``make bench``, issue 18): the per-OPD report request
templates zip (``exports.request_template.zip_of``, what the Permintaan Laporan page builds)
for the 40-OPD DPA of ``bench/work/inputs`` (12,000 sub kegiatan on 29,966 belanja lines; the
issue's "12,000-line DPA": one template line per sub kegiatan), with March's 40 reports as
"last month" of an April request. Budget: under 5 s.

The database is built once from the bench inputs (``bench.bench.prepare_inputs``) under
``bench/work/request`` and reused while the inputs are unchanged. Each timed run reads the rows
(``request_rows``) and builds the zip, as the page's "Siapkan" button does; the median of
``repeat`` runs is the figure. The zip is checked: one workbook per OPD, and in every workbook
as many sub kegiatan rows as the DPA has for that OPD (so a fast but incomplete zip cannot pass).
"""

from __future__ import annotations

import io
import json
import shutil
import statistics
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 5.0
YEAR, MONTH = 2026, 4  # the inputs' reports are for March


def prepare(work: Path, manifest: dict):
    """The benchmark database (built when missing or out of date); returns an open Store."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    base = work / "request"
    stamp = base / "fingerprint.txt"
    db = base / "pantau.duckdb"
    if stamp.exists() and stamp.read_text() == manifest["fingerprint"] and db.exists():
        print(f"request: reusing {db.relative_to(ROOT)}")
        return Store(db, data_dir=base / "data")
    start = time.perf_counter()
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    store = Store(db, data_dir=base / "data")
    files = [Path(manifest["dpa"]["path"]), *(Path(r["path"]) for r in manifest["reports"])]
    results = ingest_paths(store, files, user="bench")
    refused = [r["file"] for r in results if r["status"] not in ("accepted", "flagged")]
    if refused:
        raise RuntimeError(f"request benchmark inputs refused: {refused}")
    stamp.write_text(manifest["fingerprint"])
    print(f"request: database built in {time.perf_counter() - start:.1f} s")
    return store


def measure(work: Path, manifest: dict, repeat: int = 5) -> dict:
    """Median of ``repeat`` runs of request_rows + zip_of (wall clock, the budget; CPU time beside
    it); the checks' problems."""
    from core.settings import load
    from exports.request_template import SHEET, request_rows, zip_of

    store = prepare(work, manifest)
    settings = load(store)
    runs, cpu, base, data = [], [], [], b""
    for _ in range(repeat):  # alternating with the baseline (a busy machine slows both alike)
        c0, t0 = time.process_time(), time.perf_counter()
        rows = request_rows(store, YEAR, MONTH)
        data = zip_of(rows, YEAR, MONTH, settings)
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        _plain_zip(request_rows(store, YEAR, MONTH))
        base.append(time.perf_counter() - t0)
    problems = _check(data, request_rows(store, YEAR, MONTH), SHEET)
    store.close()
    return dict(
        seconds=statistics.median(runs),
        all_runs=runs,
        cpu_seconds=statistics.median(cpu),
        baseline_seconds=statistics.median(base),
        baseline_runs=base,
        sub_kegiatan=manifest["dpa"]["sub_kegiatan"],
        belanja_lines=manifest["dpa"]["belanja_lines"],
        opd=manifest["dpa"]["opd"],
        zip_bytes=len(data),
        problems=problems,
    )


def _plain_zip(rows) -> bytes:
    """Baseline: the same rows read and written per OPD with XlsxWriter, values only (no title,
    formats, formulas, validation or protection), zipped: the floor of any writer here."""
    import xlsxwriter

    cols = [c for c in rows.columns if c not in ("opd", "singkatan", "prev_import_id")]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for kode, part in rows.groupby("opd_kode", sort=False):
            one = io.BytesIO()
            wb = xlsxwriter.Workbook(one, {"constant_memory": True})
            ws = wb.add_worksheet("Laporan Realisasi")
            for i, row in enumerate(zip(*(part[c].tolist() for c in cols))):
                for j, v in enumerate(row):
                    if isinstance(v, str):
                        ws.write_string(i, j, v)
                    elif isinstance(v, (int, float)) and v == v:
                        ws.write_number(i, j, v)
            wb.close()
            zf.writestr(f"{kode}.xlsx", one.getvalue())
    return buf.getvalue()


def _check(data: bytes, rows, sheet: str) -> list[str]:
    """One workbook per OPD, each with its OPD's number of sub kegiatan rows (codes with 5 dots
    in column B: program and kegiatan rows have fewer)."""
    from python_calamine import CalamineWorkbook

    want = rows.groupby("opd_kode").size()
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        if len(names) != len(want):
            problems.append(f"{len(names)} workbooks in the zip, {len(want)} OPDs in the DPA")
        counts = []
        for name in names:
            book = CalamineWorkbook.from_filelike(io.BytesIO(zf.read(name)))
            cells = book.get_sheet_by_name(sheet).to_python()
            counts.append(sum(1 for r in cells if len(r) > 1 and isinstance(r[1], str) and r[1].count(".") == 5))
    if sorted(counts) != sorted(want.tolist()):
        problems.append(f"sub kegiatan rows per workbook {sorted(counts)[:5]}... != DPA {sorted(want.tolist())[:5]}...")
    return problems


if __name__ == "__main__":
    from bench import bench

    out = measure(bench.WORK, bench.prepare_inputs(bench.WORK))
    print(json.dumps(out, indent=1))
