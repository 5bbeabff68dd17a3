"""Province recap queries on both engines (issue 19, item 6): the same synthetic province
(``bench/province.py``) in DuckDB and, moved by ``core.migrate`` (verified), in PostgreSQL; the
recap functions the pages use (``core.recap``) timed on each, and their results compared.

    .venv/bin/python -m bench.pg_bench [--kab N] [--opd N] [--pg URL] [--out FILE.json]

Without ``--pg`` a throwaway PostgreSQL cluster is started for the run (``tests/pg_support.py``:
Debian's ``postgresql`` package). Prints one JSON object: the province's size, the migration's
seconds, and per query the median seconds on DuckDB and on PostgreSQL and whether the two results
are the same numbers. The default size (4 kabupaten x 40 OPDs x 500 sub kegiatan x 12 months,
about a million report rows) keeps a run within minutes; ``--kab 35`` is the whole province.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from bench import province as gen

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
REPEAT = 5
YEAR, MONTH = 2025, 12


def _median(fn, repeat: int = REPEAT) -> tuple[float, object]:
    fn()  # warm: the first run reads the tables (and, on DuckDB, opens the file)
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same rows and numbers (to 1e-9 relative), whatever the dtypes each engine gives."""
    if a.shape != b.shape or list(a.columns) != list(b.columns):
        return False
    for name in a.columns:
        x, y = a[name].reset_index(drop=True), b[name].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            fx, fy = x.astype("float64"), y.astype("float64")
            both_nan = fx.isna() & fy.isna()
            close = (fx - fy).abs() <= 1e-9 * fy.abs().clip(lower=1.0)
            if not (both_nan | close).all():
                return False
        elif not x.astype(str).equals(y.astype(str)):
            return False
    return True


def measure(kab: int = 4, opd: int = 40, pg: str | None = None) -> dict:
    """The figures (see the module's docstring): province size, migration, per query the median
    seconds on each engine and whether the numbers are the same. Without ``pg`` a throwaway cluster
    is started and always stopped."""
    from core.migrate import migrate
    from core.recap import jenis_recap, kritis_recap, kurva_s, leaf_recap, recap_opd
    from db.store import Store

    cfg = {**gen.PROVINCE, "n_kab": kab, "n_opd": opd}
    db, manifest = gen.prepare(WORK, f"pg_bench_{kab}x{opd}", cfg)
    cluster = None
    url = pg
    data = Path(tempfile.mkdtemp(prefix="pantau-pg-bench-"))
    try:
        if url is None:
            sys.path.insert(0, str(ROOT))
            from tests.pg_support import PgCluster

            cluster = PgCluster()
            url = cluster.new_database("province")
        duck = Store(db, data_dir=db.parent / "data")
        server = Store(url, data_dir=data)
        start = time.perf_counter()
        report = migrate(duck, server, "bench")
        migrate_seconds = time.perf_counter() - start
        with server.session():
            server.con.execute("ANALYZE")
        opd = recap_opd(duck, YEAR, MONTH)["opd_kode"].iloc[0]
        cases = {
            "recap_opd": lambda s: recap_opd(s, YEAR, MONTH),
            "kurva_s": lambda s: kurva_s(s, YEAR),
            "jenis_recap": lambda s: jenis_recap(s, YEAR, MONTH),
            "kritis_recap": lambda s: kritis_recap(s, YEAR, MONTH, None, 10, 5),
            "leaf_recap_one_opd": lambda s: leaf_recap(s, YEAR, MONTH, opd),
        }
        queries = {}
        for key, fn in cases.items():
            d_sec, d_res = _median(lambda fn=fn: fn(duck))
            p_sec, p_res = _median(lambda fn=fn: fn(server))
            same = _same(d_res, p_res) if isinstance(d_res, pd.DataFrame) else d_res == p_res
            rows = len(d_res) if isinstance(d_res, pd.DataFrame) else None
            queries[key] = {
                "rows": rows,
                "duckdb_s": round(d_sec, 3),
                "postgres_s": round(p_sec, 3),
                "same_numbers": bool(same),
            }
        fig = {
            "province": {k: cfg[k] for k in ("n_kab", "n_opd", "n_sub", "months")},
            "realisasi_rows": manifest["counts"]["realisasi"],
            "migrate_seconds": round(migrate_seconds, 1),
            "migrate_verified": report["ok"],
            "queries": queries,
            "note": "median of 5 runs after one warm run, on this machine under its current load",
        }
        duck.close()
        server.close()
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(data, ignore_errors=True)
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--kab", type=int, default=4)
    parser.add_argument("--opd", type=int, default=40)
    parser.add_argument("--pg", help="an empty PostgreSQL database (default: a throwaway cluster)")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args(argv)
    fig = measure(args.kab, args.opd, args.pg)
    text = json.dumps(fig, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0 if all(q["same_numbers"] for q in fig["queries"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
