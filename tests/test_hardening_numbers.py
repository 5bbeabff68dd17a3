"""Issue 15, items 1 and 5: no number read is inf, NaN or absurdly large; nothing stored or shown
can meet one; ``recap --json`` is strict JSON; the CLI never prints a traceback."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import FIXTURES, ROOT
from pg_support import use_both_engines

from cli import main as cli
from core.numbers import MAX_MAGNITUDE, NotANumber, NumberOutOfRange, parse_number, plain_numbers
from core.recap import recap_opd
from db.finite import NotFinite
from etl.pipeline import ingest_paths

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

HUGE_TEXTS = ["1" + "0" * 400, "1" + "0" * 30, "1.000.000.000.000.000", "Rp 9.999.999.999.999.999,00", "-1" + "0" * 20]


# ---------------------------------------------------------------------------- parse_number
@pytest.mark.parametrize("value", HUGE_TEXTS + [math.inf, -math.inf, 1e309 * 3, 9e307, 10**400, 10**15, 1e15])
def test_too_large_is_refused_never_inf(value):
    with pytest.raises(NumberOutOfRange) as exc:
        parse_number(value)
    assert isinstance(exc.value, NotANumber)  # callers that skip a non-number skip it too
    assert len(str(exc.value)) < 500


@pytest.mark.parametrize("value", ["999.999.999.999.999", 999_999_999_999_999, -(MAX_MAGNITUDE - 1), "1e5"])
def test_largest_values_still_read(value):
    if value == "1e5":
        with pytest.raises(NotANumber):
            parse_number(value)
        return
    assert math.isfinite(parse_number(value))


def test_plain_numbers_never_returns_inf():
    assert plain_numbers(["1", "2.500"]) == [1.0, 2500.0]
    for text in HUGE_TEXTS:
        assert plain_numbers(["1", text]) is None  # the caller parses one by one and meets the refusal


# ---------------------------------------------------------------------------- reports
def _csv_with_huge_values(tmp_path: Path) -> Path:
    lines = (FIXTURES / "realisasi" / "dinsos_2026-03.csv").read_text(encoding="utf-8-sig").splitlines()
    out = []
    for line in lines:
        cells = line.split(";")
        if cells[0] == "1.06.01.2.02.0001":
            cells[5] = "1" + "0" * 400  # realisasi keuangan
        if cells[0] == "1.06.01.2.09.0001":
            cells[2] = "3.000.000.000.000.000"  # pagu
            cells[4] = "99999"  # realisasi fisik %
        out.append(";".join(cells))
    path = tmp_path / "dinsos_2026-03.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _xlsx_with_huge_values(tmp_path: Path) -> Path:
    """The DINKES report with numeric cells 1e309 (Excel keeps the text; calamine reads inf) and
    9e307 (three of them overflow a sum)."""
    src = FIXTURES / "realisasi" / "realisasi_dinkes_2026-03.xlsx"
    path = tmp_path / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                for cell in (b'<c r="G9"', b'<c r="D10"', b'<c r="G10"', b'<c r="G11"'):
                    start = data.index(cell)
                    v0 = data.index(b"<v>", start) + 3
                    v1 = data.index(b"</v>", v0)
                    data = data[:v0] + (b"1e309" if cell == b'<c r="G9"' else b"9e307") + data[v1:]
            zout.writestr(info, data)
    return path


def _finite_everywhere(store) -> None:
    with store.session():
        for table, cols in {
            "realisasi": ("pagu", "target_fisik", "realisasi_fisik", "realisasi_keuangan"),
            "import": ("pagu", "realisasi_keuangan"),
        }.items():
            for col in cols:
                bad = store.sql(f'SELECT count(*) FROM "{table}" WHERE NOT abs({col}) < 1e15')[0][0]
                assert bad == 0, (table, col)


def test_report_with_huge_values_is_flagged_and_stored_finite(dpa_store, tmp_path):
    results = ingest_paths(dpa_store, [_csv_with_huge_values(tmp_path), _xlsx_with_huge_values(tmp_path)])
    assert [r["status"] for r in results] == ["flagged", "flagged"]
    csv_issues = [i for i in results[0]["issues"] if i["code"] == "number_out_of_range"]
    assert [(i["row"], i["column"]) for i in csv_issues] == [
        (4, "realisasi_keuangan"),
        (6, "pagu"),
        (6, "realisasi_fisik"),
    ]
    assert "3.000.000.000.000.000" in csv_issues[1]["message"]  # the raw text shown
    assert "terlalu besar" in csv_issues[1]["message"]
    assert "401 karakter" in csv_issues[0]["message"]  # a very long text is shortened in the message
    xlsx_issues = [i for i in results[1]["issues"] if i["code"] == "number_out_of_range"]
    assert {(i["row"], i["column"]) for i in xlsx_issues} == {(9, "G"), (10, "D"), (10, "G"), (11, "G")}
    assert all(math.isfinite(r["pagu"]) and math.isfinite(r["realisasi_keuangan"]) for r in results)
    _finite_everywhere(dpa_store)
    recap = recap_opd(dpa_store, 2026, 3)
    numbers = recap.select_dtypes("number").to_numpy().ravel()
    assert not any(math.isinf(v) for v in numbers)


def test_store_refuses_non_finite_numbers(store):
    row = {"import_id": [1], "tahun": [2026], "bulan": [3], "opd_kode": ["1.02"], "sub_kegiatan_kode": ["x"]}
    for bad in (math.inf, math.nan, -1e300, 1e15):
        with pytest.raises(NotFinite) as exc:
            store.insert_realisasi(pa.table({**row, "realisasi_keuangan": [bad]}))
        assert "realisasi_keuangan" in str(exc.value)
    store.insert_realisasi(pa.table({**row, "realisasi_keuangan": [None], "pagu": [5e14]}))
    assert store.count_rows("realisasi") == 1


def test_migration_clears_stored_non_finite_numbers(store):
    sql = (ROOT / "db" / "migrations" / "008_finite_numbers.sql").read_text(encoding="utf-8")
    with store.session():
        store.con.execute(
            "INSERT INTO realisasi (import_id, tahun, bulan, opd_kode, sub_kegiatan_kode, pagu, realisasi_fisik, "
            "realisasi_keuangan) VALUES (1, 2026, 3, '1.02', 'x', 'inf'::DOUBLE, 'nan'::DOUBLE, 5), "
            "(1, 2026, 3, '1.02', 'y', 10, 20000, 5), (1, 2026, 3, '1.02', 'z', 10, 50, 5)"
        )
        store.con.execute(sql)
        rows = store.sql(
            "SELECT sub_kegiatan_kode, pagu, realisasi_fisik, realisasi_keuangan, flagged FROM realisasi ORDER BY 1"
        )
    assert rows == [("x", None, None, 5.0, True), ("y", 10.0, None, 5.0, True), ("z", 10.0, 50.0, 5.0, False)]


# ---------------------------------------------------------------------------- CLI
def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PANTAU_DATA": str(tmp), "PANTAU_DB": str(tmp / "default.duckdb")}
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _strict(text: str):
    def refuse(token):
        raise ValueError(f"not strict JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def test_cli_recap_json_is_strict_after_huge_values(tmp_path):
    db = str(tmp_path / "x.duckdb")
    files = [str(FIXTURES / "master" / "dpa_2026.xlsx"), str(_csv_with_huge_values(tmp_path))]
    proc = _run(tmp_path, "ingest", "--db", db, "--json", *files)
    assert proc.returncode == 0, proc.stderr
    assert [r["status"] for r in _strict(proc.stdout)] == ["accepted", "flagged"]
    proc = _run(tmp_path, "recap", "--db", db, "--year", "2026", "--month", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = _strict(proc.stdout)
    assert len(rows) == 8 and proc.stderr == ""


def test_cli_recap_json_turns_inf_into_null(monkeypatch, capsys):
    import pandas as pd

    frame = pd.DataFrame(
        [["Dinas X", 3, 10.0, math.inf, math.inf, math.nan, 0.0, 10.0]],
        columns=[
            "opd",
            "sub_kegiatan",
            "pagu",
            "realisasi_keuangan",
            "keuangan_pct",
            "fisik_pct",
            "fisik_pagu",
            "non_fisik_pagu",
        ],
    )
    monkeypatch.setattr(cli, "recap_opd", lambda *a, **k: frame)
    monkeypatch.setattr(cli, "Store", _NoStore)
    assert cli.main(["recap", "--year", "2026", "--month", "3", "--json"]) == 0
    rows = _strict(capsys.readouterr().out)
    assert rows[0]["realisasi_keuangan"] is None and rows[0]["keuangan_pct"] is None and rows[0]["pagu"] == 10.0


class _NoStore:
    def __init__(self, *a, **k):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_cli_unexpected_error_is_a_message_and_a_log_entry(monkeypatch, capsys, tmp_path):
    log = tmp_path / "pantau.log"
    monkeypatch.setenv("PANTAU_LOG", str(log))

    def boom(args):
        raise RuntimeError("/srv/rahasia/pantau/db.duckdb: disk I/O error")

    monkeypatch.setitem(cli.COMMANDS, "recap", boom)
    assert cli.main(["recap", "--year", "2026", "--month", "3"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "/srv/rahasia" not in err and "RuntimeError" not in err
    assert "kesalahan tak terduga" in err and "kode rujukan" in err
    ref = err.split("kode rujukan ")[1][:8]
    text = log.read_text(encoding="utf-8")
    assert ref in text and "Traceback" in text and "/srv/rahasia" in text


def test_cli_crash_in_a_subprocess_exits_1_without_traceback(tmp_path):
    # a database file that is not a database: DuckDB raises deep inside the store
    bad = tmp_path / "rusak.duckdb"
    bad.write_bytes(b"bukan basis data" * 1000)
    proc = _run(tmp_path, "recap", "--db", str(bad), "--year", "2026", "--month", "3", "--json")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and str(tmp_path) not in proc.stderr
    assert proc.stderr.startswith("Kesalahan:")
    assert (tmp_path / "logs" / "pantau.log").exists()


def test_unexpected_analysis_failure_names_no_server_detail(monkeypatch, tmp_path):
    """An unexpected failure while analysing a file: the message gives a reference code, the
    technical detail (exception text with a server path) goes to the log only."""
    from etl import pipeline

    log = tmp_path / "pantau.log"
    monkeypatch.setenv("PANTAU_LOG", str(log))

    def boom(*a, **k):
        raise OSError("/srv/rahasia/pantau/tmp/xyz: gagal")

    monkeypatch.setattr(pipeline, "read_sheets", boom)
    data = (FIXTURES / "realisasi" / "dinsos_2026-03.csv").read_bytes()
    analysis = pipeline.analyse("dinsos_2026-03.csv", data, pipeline.Master([], {}))
    (issue,) = analysis.errors
    assert issue.code == "internal_error" and "kode rujukan" in issue.message
    assert "/srv/rahasia" not in issue.message and "/srv/rahasia" not in (issue.raw or "")
    assert "/srv/rahasia" in log.read_text(encoding="utf-8")
