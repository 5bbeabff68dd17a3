"""Ingest benchmark: run with ``make bench`` (or ``.venv/bin/python -m bench.bench``).

Generates into ``bench/work/`` (gitignored, reused while the generator is unchanged):
a 40-OPD kabupaten with its DPA, 40 OPD reports of ~300 leaf rows in mixed .xlsx
layouts (V1, V2, V3, offset), and a separate 40,000-line DPA workbook. Then measures each
figure 3 times and keeps the best:

(c)  the 40 reports uploaded on the Impor page: analysed for the preview and saved into a
     DuckDB file that holds the 40-OPD DPA (loaded first, untimed), as
     ``ui.import_session.ImportSession`` does for the page
(d)  ``etl.pipeline.ingest_paths`` of the 40,000-line DPA into a fresh DuckDB file
(e)  the Rakor POK meeting pack (pack_data + PPTX + XLSX) of 40 OPDs and 2,000 sub kegiatan
     (``bench/pack_bench.py``; its database is built once under ``bench/work/pack``)
(g)  the per-OPD request templates zip of the 40-OPD DPA, 12,000 sub kegiatan
     (``bench/request_bench.py``; median of 5 runs alternating with a plain XlsxWriter baseline)

and, for information only, reading the 40 reports with other tools:

(a)  ``pandas.read_excel(..., sheet_name=None, header=None, engine="openpyxl")``
(b)  a raw read with python-calamine (every sheet ``to_python()``), the parser Pantau uses
(b2) a raw read with fastexcel (every sheet ``load_sheet(header_row=None).to_arrow()``)

Budgets, in what a user waits for (``budgets`` in results.json, each value, limit and pass):
``ingest_40_reports_seconds`` (c) < 3 s, ``dpa_40k_lines_seconds`` (d) < 3 s,
``meeting_pack_seconds`` (e) < 3 s, ``request_templates_12k_seconds`` (g) < 5 s. Every ingest result
is checked against the generator's ground truth (status, leaf rows, pagu, realisasi keuangan);
mismatches are printed loudly. Figures go to ``bench/results.json``. The exit code is 0 even when a
budget fails: this is a report.

The province section (``--only province``, ``make bench-province``) is bench/province_bench.py;
the load section (``--only load``) is a short run of bench/load.py: 10 sessions for 30 seconds on
the kabupaten demo DB, once on one process over the DuckDB file (``load``) and once on two replicas
over PostgreSQL (``load_pg``, issue 19; ``make bench-load`` runs the long ones). The PostgreSQL
section (``--only pg``) is bench/pg_bench.py: the province recap queries on both engines
(``pg_recap``). Issue 18's named budgets of those sections (``province_first_render_*``,
``province_kurva_s_*``, ``print_recap_20k_seconds``, ``load_p95_kabupaten_seconds``,
``load_errors``) are copied into the top-level ``budgets`` too, and the same two of the PostgreSQL
run (``load_pg_p95_kabupaten_seconds``, ``load_pg_errors``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import time
import traceback
from pathlib import Path

from bench import pack_bench, real_bench, request_bench
from scripts import synth

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results.json"
CONFIG = {
    "seed": 2026,
    "n_opd": 40,
    "subkeg_per_opd": 300,
    "lines_per_subkeg": [1, 4],
    "year": 2026,
    "month": 3,
    "layouts": ["V1", "V2", "V3", "offset"],
    "big_seed": 2027,
    "big_n_opd": 40,
    "big_subkeg_per_opd": 400,
    "big_lines": 40_000,
}
REPEAT = 3
BUDGET_SECONDS = 3.0  # (c) and (d); (e): pack_bench.BUDGET_SECONDS


# ----------------------------------------------------------------------------- inputs
def _fingerprint() -> str:
    """Changes when the configuration or the generator changes (then inputs are rebuilt)."""
    digest = hashlib.sha256(json.dumps(CONFIG, sort_keys=True).encode())
    digest.update((ROOT / "scripts" / "synth.py").read_bytes())
    return digest.hexdigest()


def _generate(work: Path) -> dict:
    """Write the benchmark inputs and return their manifest."""
    shutil.rmtree(work / "inputs", ignore_errors=True)
    (work / "inputs" / "reports").mkdir(parents=True)
    c = CONFIG
    master = synth.make_master(c["seed"], c["n_opd"], c["subkeg_per_opd"], tuple(c["lines_per_subkeg"]), year=c["year"])
    dpa = synth.write_dpa_xlsx(master, work / "inputs" / "dpa_40opd.xlsx")
    reports = []
    for i, opd in enumerate(master.opds):
        layout = c["layouts"][i % len(c["layouts"])]
        truth = synth.write_report(master, opd, c["year"], c["month"], layout, work / "inputs" / "reports")
        reports.append(truth.as_dict())
    big = synth.make_master(
        c["big_seed"],
        c["big_n_opd"],
        c["big_subkeg_per_opd"],
        tuple(c["lines_per_subkeg"]),
        year=c["year"],
        total_lines=c["big_lines"],
    )
    big_dpa = synth.write_dpa_xlsx(big, work / "inputs" / "dpa_40000_baris.xlsx")
    return {"fingerprint": _fingerprint(), "dpa": dpa, "reports": reports, "big_dpa": big_dpa}


def prepare_inputs(work: Path, force: bool = False) -> dict:
    """Reuse ``bench/work/inputs`` when still valid, else regenerate it."""
    manifest_path = work / "inputs.json"
    if not force and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        paths = [manifest["dpa"]["path"], manifest["big_dpa"]["path"], *(r["path"] for r in manifest["reports"])]
        if manifest.get("fingerprint") == _fingerprint() and all(Path(p).exists() for p in paths):
            print(f"inputs: reusing {work / 'inputs'}")
            return manifest
    start = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    manifest = _generate(work)
    manifest_path.write_text(json.dumps(manifest, indent=1))
    print(f"inputs: generated in {time.perf_counter() - start:.1f} s")
    return manifest


# ----------------------------------------------------------------------------- timers
def best_of(fn, repeat: int = REPEAT) -> tuple[float, list[float]]:
    """Run ``fn()`` (which returns its own timed seconds) ``repeat`` times; best and all."""
    times = [fn() for _ in range(repeat)]
    return min(times), times


def time_pandas(paths: list[Path]) -> float:
    """(a) pandas + openpyxl read of every sheet of every file."""
    import pandas as pd

    start = time.perf_counter()
    for p in paths:
        pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl")
    return time.perf_counter() - start


def time_calamine(paths: list[Path]) -> float:
    """(b) python-calamine raw read of every sheet of every file."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    for p in paths:
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - start


def time_fastexcel(paths: list[Path]) -> float:
    """(b2) fastexcel raw read of every sheet of every file."""
    import fastexcel

    start = time.perf_counter()
    for p in paths:
        reader = fastexcel.read_excel(str(p))
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None).to_arrow()
    return time.perf_counter() - start


def _fresh_store(run_dir: Path):
    """A new DuckDB file and archive folder under ``run_dir`` (never the project's data/)."""
    from db.store import Store

    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    os.environ["PANTAU_DATA"] = str(run_dir / "data")  # where Store archives uploads
    return Store(str(run_dir / "pantau.duckdb"))


class IngestRun:
    """Timed ingest runs that keep the results of the last run for checking."""

    def __init__(self, work: Path):
        self.work = work
        self.results: list[dict] = []
        self.setup_results: list[dict] = []
        self.n = 0

    def reports(self, dpa: Path, reports: list[Path]) -> float:
        """(c) load the DPA (untimed), then time the reports as the Impor page takes them:
        read the uploads, analyse them for the preview, save."""
        from etl.pipeline import Master, Upload, ingest_paths
        from ui.import_session import ImportSession

        self.n += 1
        store = _fresh_store(self.work / f"run_c{self.n}")
        try:
            self.setup_results = ingest_paths(store, [dpa], user="admin")
            start = time.perf_counter()
            uploads = [Upload(p.name, p.read_bytes()) for p in reports]
            session = ImportSession()
            session.analyses(uploads, Master.from_store(store), None, store.data_version())
            self.results = [r for rs in session.save(store, "admin", None) for r in rs]
            return time.perf_counter() - start
        finally:
            store.close()

    def big_dpa(self, dpa: Path) -> float:
        """(d) time the ingest of the large DPA into a fresh store."""
        from etl.pipeline import ingest_paths

        self.n += 1
        store = _fresh_store(self.work / f"run_d{self.n}")
        try:
            start = time.perf_counter()
            self.results = ingest_paths(store, [dpa], user="admin")
            return time.perf_counter() - start
        finally:
            store.close()


# ----------------------------------------------------------------------------- checks
def _close(a, b, tol: float = 0.5) -> bool:
    """Money equality within half a rupiah (results may come back as floats)."""
    return a is not None and b is not None and abs(float(a) - float(b)) <= tol


def check_dpa(results: list[dict], truth: dict, label: str) -> list[str]:
    """Mismatches between a DPA ingest result and the DPA ground truth."""
    if len(results) != 1:
        return [f"{label}: expected 1 result, got {len(results)}"]
    r = results[0]
    problems = []
    if r.get("status") not in ("accepted", "flagged") or r.get("kind") != "dpa":
        problems.append(f"{label}: status={r.get('status')} kind={r.get('kind')} issues={_issues(r)}")
    if not _close(r.get("pagu"), truth["sum_pagu"]):
        problems.append(f"{label}: pagu {r.get('pagu')} != {truth['sum_pagu']}")
    if r.get("rows") not in (truth["sub_kegiatan"], truth["belanja_lines"]):
        problems.append(
            f"{label}: rows {r.get('rows')} is neither {truth['sub_kegiatan']} sub kegiatan "
            f"nor {truth['belanja_lines']} lines"
        )
    return problems


def _issues(result: dict, limit: int = 3) -> list[str]:
    """The first few issue messages of a result."""
    return [i.get("message", str(i)) if isinstance(i, dict) else str(i) for i in (result.get("issues") or [])][:limit]


def check_reports(results: list[dict], truths: list[dict]) -> list[str]:
    """Mismatches between report ingest results and the generator's ground truth."""
    by_file: dict[str, list[dict]] = {}
    for r in results:
        by_file.setdefault(r.get("file"), []).append(r)
    problems = []
    for t in truths:
        name = Path(t["path"]).name
        got = by_file.get(name, [])
        if len(got) != 1:
            problems.append(f"{name}: expected 1 result, got {len(got)}")
            continue
        r = got[0]
        if r.get("status") not in ("accepted", "flagged") or r.get("kind") != "realisasi":
            problems.append(
                f"{name} [{t['layout']}]: status={r.get('status')} kind={r.get('kind')} issues={_issues(r)}"
            )
            continue
        if r.get("opd") not in (t["opd"], t["opd_name"]) and str(r.get("opd")).lower() != t["opd"]:
            problems.append(f"{name}: opd {r.get('opd')!r} != {t['opd_name']!r}")
        if (r.get("year"), r.get("month")) != (t["year"], t["month"]):
            problems.append(f"{name}: period {r.get('year')}-{r.get('month')} != {t['year']}-{t['month']}")
        if r.get("rows") != t["leaf_rows"]:
            problems.append(f"{name} [{t['layout']}]: rows {r.get('rows')} != {t['leaf_rows']} leaf rows")
        if not _close(r.get("pagu"), t["sum_pagu"]):
            problems.append(f"{name} [{t['layout']}]: pagu {r.get('pagu')} != {t['sum_pagu']}")
        if not _close(r.get("realisasi_keuangan"), t["sum_realisasi_keuangan"]):
            problems.append(
                f"{name} [{t['layout']}]: realisasi_keuangan {r.get('realisasi_keuangan')} "
                f"!= {t['sum_realisasi_keuangan']}"
            )
    return problems


# ----------------------------------------------------------------------------- report
def _row(name: str, seconds: float | None, ratio: str = "", budget: str = "", verdict: str = "") -> str:
    """One line of the results table."""
    secs = f"{seconds:8.3f}" if seconds is not None else "       -"
    return f"{name:<44} {secs}  {ratio:<18} {budget:<10} {verdict}"


def _loud(lines: list[str], title: str) -> None:
    """Print problems so they cannot be missed."""
    bar = "!" * 78
    print(f"\n{bar}\n!! {title}: {len(lines)} problem(s)")
    for line in lines[:50]:
        print(f"!!   {line}")
    if len(lines) > 50:
        print(f"!!   ... and {len(lines) - 50} more")
    print(bar)


def run(force: bool = False) -> dict:
    """Generate inputs, measure everything, print the table; return the figures."""
    manifest = prepare_inputs(WORK, force)
    reports = [Path(r["path"]) for r in manifest["reports"]]
    n_leaves = sum(r["leaf_rows"] for r in manifest["reports"])
    print(
        f"inputs: {len(reports)} reports ({n_leaves} leaf rows, layouts {', '.join(CONFIG['layouts'])}), "
        f"DPA {manifest['dpa']['belanja_lines']} lines, big DPA {manifest['big_dpa']['belanja_lines']} lines"
    )
    fig: dict = {
        "config": CONFIG,
        "repeat": REPEAT,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "seconds": {},
        "all_runs": {},
        "budgets": {},
        "mismatches": {},
        "errors": {},
    }

    runner = IngestRun(WORK)
    try:
        fig["seconds"]["c_ingest_reports"], fig["all_runs"]["c_ingest_reports"] = best_of(
            lambda: runner.reports(Path(manifest["dpa"]["path"]), reports)
        )
    except Exception:
        fig["errors"]["c_ingest_reports"] = traceback.format_exc()
    if "c_ingest_reports" not in fig["errors"]:
        fig["mismatches"]["c_setup_dpa"] = check_dpa(runner.setup_results, manifest["dpa"], "40-OPD DPA")
        fig["mismatches"]["c_reports"] = check_reports(runner.results, manifest["reports"])
        fig["statuses_c"] = _count_status(runner.results)
    try:
        fig["seconds"]["d_ingest_dpa_40000"], fig["all_runs"]["d_ingest_dpa_40000"] = best_of(
            lambda: runner.big_dpa(Path(manifest["big_dpa"]["path"]))
        )
        fig["mismatches"]["d_dpa"] = check_dpa(runner.results, manifest["big_dpa"], "40,000-line DPA")
    except Exception:
        fig["errors"]["d_ingest_dpa_40000"] = traceback.format_exc()
    try:
        pack = pack_bench.measure(WORK, REPEAT)
        fig["seconds"]["e_pack"], fig["all_runs"]["e_pack"] = pack["seconds"], pack["all_runs"]
        fig["pack"], fig["mismatches"]["e_pack"] = pack, pack["problems"]
    except Exception:
        fig["errors"]["e_pack"] = traceback.format_exc()
    try:
        req = request_bench.measure(WORK, manifest)
        fig["request"], fig["mismatches"]["g_request"] = req, req["problems"]
        fig["seconds"]["g_request_templates"], fig["all_runs"]["g_request_templates"] = req["seconds"], req["all_runs"]
    except Exception:
        fig["errors"]["g_request_templates"] = traceback.format_exc()
    try:
        real = real_bench.measure(WORK, REPEAT)
        if real is not None:
            fig["real_sipd"] = real
            fig["seconds"]["f_real_sipd_25k"], fig["all_runs"]["f_real_sipd_25k"] = real["seconds"], real["all_runs"]
    except Exception:
        fig["errors"]["f_real_sipd_25k"] = traceback.format_exc()
    readers = (("a_pandas_openpyxl", time_pandas), ("b_calamine", time_calamine), ("b2_fastexcel", time_fastexcel))
    for key, fn in readers:  # information only
        try:
            fig["seconds"][key], fig["all_runs"][key] = best_of(lambda fn=fn: fn(reports))
        except Exception as exc:  # a missing optional reader must not stop the report
            fig["errors"][key] = f"{type(exc).__name__}: {exc}"
    _cleanup_runs(WORK)
    _budgets(fig)
    return fig


def _count_status(results: list[dict]) -> dict:
    """How many results per status."""
    counts: dict[str, int] = {}
    for r in results:
        counts[r.get("status")] = counts.get(r.get("status"), 0) + 1
    return counts


def _cleanup_runs(work: Path) -> None:
    """Remove the per-run DuckDB files and archives (inputs stay for the next run)."""
    for run_dir in work.glob("run_*"):
        shutil.rmtree(run_dir, ignore_errors=True)


def _budgets(fig: dict) -> None:
    """Evaluate the budgets into fig["budgets"]: {name: {"value", "limit", "pass"}} in seconds."""
    s = fig["seconds"]
    limits = {
        "ingest_40_reports_seconds": ("c_ingest_reports", BUDGET_SECONDS),
        "dpa_40k_lines_seconds": ("d_ingest_dpa_40000", BUDGET_SECONDS),
        "meeting_pack_seconds": ("e_pack", pack_bench.BUDGET_SECONDS),
        "real_sipd_25k_lines_seconds": ("f_real_sipd_25k", real_bench.BUDGET_SECONDS),
        "request_templates_12k_seconds": ("g_request_templates", request_bench.BUDGET_SECONDS),
    }
    for name, (key, limit) in limits.items():
        value = s.get(key)
        fig["budgets"][name] = {"value": value, "limit": limit, "pass": value is not None and value < limit}


def print_table(fig: dict) -> None:
    """The human-readable summary."""
    s, bud = fig["seconds"], fig["budgets"]

    def budget(name: str, key: str, label: str, note: str = "") -> None:
        b = bud[name]
        verdict = "PASS" if b["pass"] else ("FAIL  <<<<<<<<<<" if b["value"] is not None else "NOT MEASURED")
        print(_row(label, s.get(key), note, f"< {b['limit']:.0f} s", verdict))

    print()
    print(f"{'benchmark (best of {})'.format(fig['repeat']):<44} {'seconds':>8}  {'':<18} {'budget':<10} result")
    print("-" * 100)
    budget("ingest_40_reports_seconds", "c_ingest_reports", "(c)  40 reports analysed and saved", "Impor page")
    budget("dpa_40k_lines_seconds", "d_ingest_dpa_40000", "(d)  40,000-line DPA analysed and saved")
    budget("meeting_pack_seconds", "e_pack", "(e)  meeting pack 40 OPD, 2,000 sub keg.", "PPTX + XLSX")
    if fig.get("real_sipd"):
        r = fig["real_sipd"]
        budget(
            "real_sipd_25k_lines_seconds",
            "f_real_sipd_25k",
            "(f)  real SIPD export, 24,398 lines",
            f"{r['ratio']:.1f}x calamine alone ({r['calamine_seconds']:.2f} s)",
        )
    if fig.get("request"):
        rq = fig["request"]
        budget(
            "request_templates_12k_seconds",
            "g_request_templates",
            "(g)  request templates zip, 12,000 sub keg.",
            f"{rq['opd']} files, median of {len(rq['all_runs'])}",
        )
        print(
            f"     (g) CPU {rq['cpu_seconds']:.2f} s; plain XlsxWriter baseline (same values, no formats) "
            f"{rq['baseline_seconds']:.2f} s; zip {rq['zip_bytes'] / 1e6:.1f} MB"
        )
    if fig.get("pack"):
        pk = fig["pack"]
        print(
            f"     (e) pack_data {pk['best']['data']:.2f} s, PPTX {pk['best']['pptx']:.2f} s, XLSX "
            f"{pk['best']['xlsx']:.2f} s (CPU {pk['best']['cpu']:.2f} s); {pk['slides']} slides, "
            f"{pk['kritis']} kontrak kritis"
        )
    print("     for information, reading the same 40 reports:")
    c = s.get("c_ingest_reports")

    def versus(x: float | None) -> str:
        if not (x and c):
            return ""
        return f"(c) {x / c:.1f}x faster" if x > c else f"(c) = {c / x:.2f}x this"

    for key, label in (
        ("a_pandas_openpyxl", "(a)  pandas.read_excel openpyxl"),
        ("b_calamine", "(b)  python-calamine raw read"),
        ("b2_fastexcel", "(b2) fastexcel raw read"),
    ):
        x = s.get(key)
        print(_row(label, x, versus(x), "-", "info" if x else "SKIPPED"))
    print("-" * 100)
    if fig.get("statuses_c"):
        print(f"(c) statuses: {fig['statuses_c']}")
    for key, err in fig["errors"].items():
        _loud(err.strip().splitlines()[-12:], f"ERROR in {key}")
    for key, problems in fig["mismatches"].items():
        if problems:
            _loud(problems, f"MISMATCH against ground truth ({key})")
    if not any(fig["mismatches"].values()) and fig["mismatches"]:
        print("ground truth: every ingest result matches (status, rows, pagu, realisasi keuangan)")
    failed = [k for k, v in bud.items() if not v["pass"]]
    print("\nBUDGETS: " + (f"FAIL ({', '.join(failed)})" if failed else "ALL PASS"))


NAMED = (  # issue 18's budgets of the province and load sections, copied into the top-level budgets
    "province_first_render_ringkasan",
    "province_first_render_rekap",
    "province_first_render_fisik",
    "province_first_render_status",
    "province_first_render_materi",
    "province_kurva_s_seconds",
    "province_kurva_s_over_raw",
    "print_recap_20k_seconds",
)
LOAD_SHORT = {"db": "kabupaten", "sessions": 10, "seconds": 30}
# kept from the last results.json when not run (load_full: written by ``make bench-load`` only)
SECTIONS = ("province", "load", "load_pg", "pg_recap", "load_full")


def load_budgets(load: dict, prefix: str = "load") -> dict:
    """The named budgets of a short load run (``load_pg`` for the PostgreSQL one)."""
    p95 = load.get("p95")
    return {
        f"{prefix}_p95_kabupaten_seconds": {
            "value": p95,
            "limit": f"< {load.get('budget_p95')} s",
            "pass": p95 is not None and p95 < load["budget_p95"] and not load.get("task_errors"),
        },
        f"{prefix}_errors": {"value": load.get("errors"), "limit": "== 0", "pass": load.get("errors") == 0},
    }


def _load_section(engine: str) -> dict:
    """The short load run on one engine; a failure is kept as its traceback (the other figures
    still count)."""
    from bench import load

    try:
        fig = load.run(**LOAD_SHORT, engine=engine)
        load.print_table(fig)
        return fig
    except Exception:
        fig = {"error": traceback.format_exc(), "errors": None, "p95": None, "budget_p95": None, "engine": engine}
        _loud(fig["error"].strip().splitlines()[-12:], f"ERROR in the load run ({engine})")
        return fig


def print_pg_recap(pg: dict) -> None:
    """The province recap queries on both engines (bench/pg_bench.py)."""
    if pg.get("error"):
        _loud(pg["error"].strip().splitlines()[-12:], "ERROR in the PostgreSQL recap section")
        return
    size = pg["province"]
    print(
        f"\nprovince recap queries on both engines ({size['n_kab']} kabupaten x {size['n_opd']} OPD x "
        f"{size['n_sub']} sub kegiatan x {size['months']} months, {pg['realisasi_rows']:,} realisasi rows; "
        f"migrate {pg['migrate_seconds']} s, verified {pg['migrate_verified']}; {pg['note']})"
    )
    print(f"{'query':<22} {'rows':>6} {'DuckDB s':>9} {'PostgreSQL s':>13}  same numbers")
    for name, q in pg["queries"].items():
        same = "yes" if q["same_numbers"] else "NO  <<<<<<<<<<"
        print(f"{name:<22} {q['rows'] or 0:>6} {q['duckdb_s']:>9.3f} {q['postgres_s']:>13.3f}  {same}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; always exits 0 (the output is a report). ``--only`` runs one
    section (``ingest``: the figures above; ``province``: bench/province_bench.py; ``load``: the
    short run of bench/load.py) and keeps the other sections' last figures in results.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regenerate", action="store_true", help="rebuild bench/work/inputs first")
    parser.add_argument("--only", choices=["ingest", "province", "load", "pg"], help="run one section only")
    args = parser.parse_args(argv)
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    sections = {"ingest", "province", "load", "pg"} if args.only is None else {args.only}
    if "ingest" in sections:
        fig = run(force=args.regenerate)
        print_table(fig)
    else:
        fig = {k: v for k, v in old.items() if k not in SECTIONS}
        fig.setdefault("budgets", {})
    ran = set(sections) | ({"load_pg"} if "load" in sections else set()) | ({"pg_recap"} if "pg" in sections else set())
    for key in SECTIONS:
        if key not in ran and key in old:
            fig[key] = old[key]
    if "province" in sections:
        from bench import province_bench

        fig["province"] = province_bench.run(force=args.regenerate)
        province_bench.print_table(fig["province"])
    if "load" in sections:
        from bench import load

        fig["load"] = _load_section("duckdb")
        fig["load_pg"] = _load_section("postgres")
        load.print_side_by_side({"kabupaten": fig["load"], "kabupaten_pg": fig["load_pg"]})
    if "pg" in sections:
        from bench import pg_bench

        try:
            fig["pg_recap"] = pg_bench.measure()
        except Exception:
            fig["pg_recap"] = {"error": traceback.format_exc()}
        print_pg_recap(fig["pg_recap"])
    for name in NAMED:
        if name in fig.get("province", {}).get("budgets", {}):
            fig["budgets"][name] = fig["province"]["budgets"][name]
    if "load" in fig:
        fig["budgets"].update(load_budgets(fig["load"]))
    if "load_pg" in fig:
        fig["budgets"].update(load_budgets(fig["load_pg"], "load_pg"))
    fig["load_average_end"] = os.getloadavg()
    print_budgets(fig)
    RESULTS.write_text(json.dumps(fig, indent=1, default=str) + "\n")
    print(f"\nfigures written to {RESULTS.relative_to(ROOT)}")
    return 0


def print_budgets(fig: dict) -> None:
    """Every top-level budget, one line each, failures marked."""
    print(f"\n{'budget (bench/results.json)':<36} {'value':>10}  {'limit':<22} result")
    print("-" * 80)
    for name, b in fig["budgets"].items():
        value = b.get("value")
        shown = "-" if value is None else f"{value:10.3f}" if isinstance(value, float) else str(value)
        verdict = "PASS" if b.get("pass") else ("NOT MEASURED" if value is None else "FAIL  <<<<<<<<<<")
        limit = b.get("limit")
        limit = f"< {limit} s" if isinstance(limit, (int, float)) else str(limit)
        print(f"{name:<36} {shown:>10}  {limit:<22} {verdict}")
    la = os.getloadavg()
    print(
        f"(load average now {la[0]:.1f} / {la[1]:.1f} / {la[2]:.1f} on {os.cpu_count()} cores: the machine is "
        "shared, so absolute times are noisy; baselines are measured alternately in the same run)"
    )


if __name__ == "__main__":
    sys.exit(main())
