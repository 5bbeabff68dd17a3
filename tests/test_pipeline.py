"""Pipeline rules (DESIGN.md section 4): idempotency, supersede, archive, all or nothing, layouts read by
content (HTML as .xls, CSV as .xlsx, legacy .xls, table off column A), and the CLI contract."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import DPA_FIXTURE, FIXTURES, ROOT, load_expected, realisasi_fixtures
from pg_support import use_both_engines

from cli import main as cli
from core.recap import recap_opd
from etl.pipeline import Master, analyse, commit, ingest_paths

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

EXPECTED = load_expected()["files"]
DINKES = "realisasi/realisasi_dinkes_2026-03.xlsx"
DINSOS_CSV = "realisasi/dinsos_2026-03.csv"
TABLES = ("opd", "import", "import_issue", "sub_kegiatan", "belanja", "realisasi", "audit_log")


# ---------------------------------------------------------------------------- helpers
def _counts(store) -> dict:
    return {t: store.count_rows(t) for t in TABLES}


def _xlsx_rows(key: str) -> list[list]:
    wb = openpyxl.load_workbook(FIXTURES / key)
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def _csv_rows(key: str) -> list[list]:
    text = (FIXTURES / key).read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text), delimiter=";")]


def _write_xlsx(path, sheets: dict[str, list[list]], row0: int = 0, col0: int = 0):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is not None:
                    ws.cell(row=row0 + i + 1, column=col0 + j + 1, value=v)
    wb.save(path)
    return path


def _retitle(rows: list[list], opd: str | None = None, period: str | None = None) -> list[list]:
    out = [list(r) for r in rows]
    for r in out:
        if isinstance(r[0], str) and r[0].startswith("OPD :") and opd:
            r[0] = f"OPD : {opd}"
        if isinstance(r[0], str) and r[0].startswith("KEADAAN") and period:
            r[0] = f"KEADAAN BULAN : {period}"
    return out


def _report(store, file_name: str, active_only: bool = False):
    hist = store.import_history()
    rows = hist[hist["file_name"] == file_name]
    if active_only:
        rows = rows[rows["superseded_by"].isna()]
    return rows


def _assert_matches_expected(result: dict, key: str):
    exp = EXPECTED[key]
    assert result["opd"] == exp["opd_name"]
    assert (result["year"], result["month"]) == (exp["year"], exp["month"])
    assert result["rows"] == exp["leaf_rows"]
    assert result["pagu"] == exp["sum_pagu"]
    assert result["realisasi_keuangan"] == exp["sum_realisasi_keuangan"]


def _xls_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A minimal legacy Excel 97-2003 workbook (BIFF8 in an OLE compound file), written by hand."""

    def rec(typ: int, data: bytes = b"") -> bytes:
        return struct.pack("<HH", typ, len(data)) + data

    def bof(dt: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))

    def label(r, c, text):
        return rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(text), 1) + text.encode("utf-16-le"))

    def boundsheet(pos, name):
        return rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(name), 1) + name.encode("utf-16-le"))

    bodies = []
    for name, rows in sheets.items():
        body = bof(0x0010) + rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows)), 0))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    body += rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
                else:
                    body += label(r, c, str(v))
        bodies.append((name, body + rec(0x000A)))
    head = bof(0x0005) + rec(0x0042, struct.pack("<H", 1200))
    pos = len(head) + sum(len(boundsheet(0, n)) for n, _ in bodies) + len(rec(0x000A))
    glob = head
    for name, body in bodies:
        glob += boundsheet(pos, name)
        pos += len(body)
    stream = glob + rec(0x000A) + b"".join(b for _, b in bodies)
    size = max(len(stream), 4096)  # >= 4096: no mini stream needed
    stream = stream.ljust(size, b"\0")
    stream += b"\0" * (-len(stream) % 512)
    n_stream = len(stream) // 512
    k = 1
    while k * 128 < k + 1 + n_stream:
        k += 1
    fat = [0xFFFFFFFD] * k + [0xFFFFFFFE]
    first = k + 1
    fat += [first + i + 1 for i in range(n_stream - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (k * 128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<9I", 0, k, k, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<109I", *(list(range(k)) + [0xFFFFFFFF] * (109 - k)))
    )

    def entry(name, typ, start, size, child=0xFFFFFFFF):
        n = (name + "\0").encode("utf-16-le") if name else b""
        return (
            n.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(n), typ, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
            + b"\0" * 16
            + struct.pack("<IQQIQ", 0, 0, 0, start, size)
        )

    directory = (
        entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
        + entry("Workbook", 2, first, size)
        + entry("", 0, 0, 0)
        + entry("", 0, 0, 0)
    )
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + stream


# ---------------------------------------------------------------------------- idempotency
def test_same_file_twice_is_a_no_op(dpa_store, tmp_path):
    path = FIXTURES / DINKES
    first = ingest_paths(dpa_store, [path])
    assert first[0]["status"] == "accepted"
    before = _counts(dpa_store)
    second = ingest_paths(dpa_store, [path])
    assert second[0]["status"] == "duplicate"
    assert second[0]["rows"] == EXPECTED[DINKES]["leaf_rows"]
    assert _counts(dpa_store) == before
    # the same bytes under another name are the same file
    renamed = tmp_path / "salinan laporan dinkes maret 2026.xlsx"
    renamed.write_bytes(path.read_bytes())
    assert ingest_paths(dpa_store, [renamed])[0]["status"] == "duplicate"
    assert _counts(dpa_store) == before


def test_dpa_twice_is_a_no_op(dpa_store):
    before = _counts(dpa_store)
    assert ingest_paths(dpa_store, [DPA_FIXTURE])[0]["status"] == "duplicate"
    assert _counts(dpa_store) == before


# ---------------------------------------------------------------------------- supersede
def test_newer_report_supersedes_older(dpa_store, tmp_path):
    exp = EXPECTED[DINKES]
    old = ingest_paths(dpa_store, [FIXTURES / DINKES])[0]
    assert old["status"] == "accepted"
    old_id = int(_report(dpa_store, "realisasi_dinkes_2026-03.xlsx")["id"].iloc[0])

    # the OPD corrects one sub kegiatan (row 9, column G = realisasi keuangan) and sends the report again
    wb = openpyxl.load_workbook(FIXTURES / DINKES)
    ws = wb["Realisasi"]
    assert ws["B9"].value == "1.02.01.2.01.0001"
    ws["G9"] = ws["G9"].value + 1_000_000
    newer = tmp_path / "realisasi_dinkes_2026-03 (revisi).xlsx"
    wb.save(newer)
    new = ingest_paths(dpa_store, [newer])[0]
    assert new["status"] in ("accepted", "flagged")
    assert (new["opd"], new["year"], new["month"]) == (exp["opd_name"], 2026, 3)
    assert new["realisasi_keuangan"] == exp["sum_realisasi_keuangan"] + 1_000_000
    new_id = int(_report(dpa_store, newer.name)["id"].iloc[0])

    hist = dpa_store.import_history().set_index("id")
    assert hist.loc[old_id, "superseded_by"] == new_id  # the older one stays in history
    assert pd.isna(hist.loc[new_id, "superseded_by"])  # the newer one is in force
    assert len(dpa_store.report_leaves(old_id)) == exp["leaf_rows"]
    assert len(dpa_store.report_leaves(new_id)) == exp["leaf_rows"]
    assert dpa_store.periods() == [(2026, 3)]

    recap = recap_opd(dpa_store, 2026, 3)
    row = recap[recap["opd"] == exp["opd_name"]].iloc[0]
    assert row["realisasi_keuangan"] == exp["sum_realisasi_keuangan"] + 1_000_000  # the newer numbers
    assert row["pagu"] == exp["sum_pagu"]
    assert row["sub_kegiatan"] == exp["leaf_rows"]  # not counted twice

    # uploading the older bytes again is a duplicate: it does not take over again
    assert ingest_paths(dpa_store, [FIXTURES / DINKES])[0]["status"] == "duplicate"
    recap = recap_opd(dpa_store, 2026, 3)
    assert (
        recap[recap["opd"] == exp["opd_name"]].iloc[0]["realisasi_keuangan"]
        == exp["sum_realisasi_keuangan"] + 1_000_000
    )


def test_other_month_does_not_supersede(dpa_store):
    ingest_paths(dpa_store, [FIXTURES / DINKES, FIXTURES / "realisasi/Lap Realisasi DINKES April 2026.xlsx"])
    hist = dpa_store.import_history()
    real = hist[hist["kind"] == "realisasi"]
    assert len(real) == 2 and real["superseded_by"].isna().all()
    assert dpa_store.periods() == [(2026, 4), (2026, 3)]


# ---------------------------------------------------------------------------- archive
def test_bytes_archived_by_sha256(dpa_store, tmp_path):
    import hashlib

    path = FIXTURES / DINKES
    data = path.read_bytes()
    ingest_paths(dpa_store, [path])
    rec = _report(dpa_store, path.name).iloc[0]
    sha = hashlib.sha256(data).hexdigest()
    assert rec["sha256"] == sha
    archived = tmp_path / "archive" / sha[:2] / f"{sha}.xlsx"
    assert archived.read_bytes() == data
    assert dpa_store.read_archived(int(rec["id"])) == (path.name, data)
    assert dpa_store.read_archived(987654) is None
    # the DPA is archived too
    dpa_rec = dpa_store.import_history().query("kind == 'dpa'").iloc[0]
    assert dpa_store.read_archived(int(dpa_rec["id"]))[1] == DPA_FIXTURE.read_bytes()


# ---------------------------------------------------------------------------- all or nothing
def test_one_sheet_per_month_workbook(dpa_store, tmp_path):
    rows = _xlsx_rows(DINKES)
    path = _write_xlsx(
        tmp_path / "Realisasi DINKES 2026.xlsx",
        {
            "Maret": _retitle(rows, period="MARET 2026"),
            "April": _retitle(rows, period="APRIL 2026"),
        },
    )
    results = ingest_paths(dpa_store, [path])
    assert [(r["status"], r["month"], r["rows"]) for r in results] == [("accepted", 3, 36), ("accepted", 4, 36)]
    assert all(r["pagu"] == EXPECTED[DINKES]["sum_pagu"] for r in results)
    assert dpa_store.count_rows("realisasi") == 72
    hist = _report(dpa_store, path.name)
    assert sorted(hist["sheet"]) == ["April", "Maret"]


def _other_figures(rows: list[list]) -> list[list]:
    """``rows`` with the pagu of the first sub kegiatan changed."""
    out = [list(r) for r in rows]
    for row in out:
        if any(isinstance(v, str) and re.fullmatch(r"\d+\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}", v) for v in row):
            nums = [
                j for j, v in enumerate(row) if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 1000
            ]
            row[nums[0]] += 1000.0
            return out
    raise AssertionError("no sub kegiatan row")


@pytest.mark.parametrize("bad", ["unknown_opd", "invalid_period", "period_twice"])
def test_multi_sheet_workbook_with_one_bad_sheet_stores_nothing(dpa_store, tmp_path, bad):
    rows = _xlsx_rows(DINKES)
    second = {
        "unknown_opd": _retitle(rows, opd="DINAS ANTAH BERANTAH", period="APRIL 2026"),
        "invalid_period": _retitle(rows, period="13 2026"),
        # the same month with other figures (an identical copy of a sheet is read once instead)
        "period_twice": _other_figures(_retitle(rows, period="MARET 2026")),
    }[bad]
    path = _write_xlsx(
        tmp_path / "Realisasi DINKES 2026.xlsx", {"Maret": _retitle(rows, period="MARET 2026"), "Kedua": second}
    )
    before = _counts(dpa_store)
    results = ingest_paths(dpa_store, [path])
    assert [r["status"] for r in results] == ["rejected"]
    assert bad in [i["code"] for i in results[0]["issues"] if i["severity"] == "error"]
    assert _counts(dpa_store) == before
    archived = [p for p in (tmp_path / "archive").rglob("*") if p.is_file()]
    assert len(archived) == 1  # the DPA only
    assert all(p.read_bytes() != path.read_bytes() for p in archived)


def test_database_failure_mid_file_rolls_back(dpa_store, tmp_path, monkeypatch):
    """A failure after part of a file was written (here: right after the leaf rows) leaves nothing behind."""
    rows = _xlsx_rows(DINKES)
    path = _write_xlsx(
        tmp_path / "Realisasi DINKES 2026.xlsx",
        {"Maret": _retitle(rows, period="MARET 2026"), "April": _retitle(rows, period="APRIL 2026")},
    )
    analysis = analyse(path.name, path.read_bytes(), Master.from_store(dpa_store))
    assert len(analysis.reports) == 2 and not analysis.rejected
    before = _counts(dpa_store)
    calls = []
    real_insert = dpa_store.insert_realisasi

    def failing_insert(df):
        calls.append(len(df))
        real_insert(df)
        raise RuntimeError("disk full")

    monkeypatch.setattr(dpa_store, "insert_realisasi", failing_insert)
    monkeypatch.setenv("PANTAU_LOG", str(tmp_path / "pantau.log"))
    results = commit(dpa_store, analysis)
    assert [r["status"] for r in results] == ["rejected"]
    (failed,) = [i for i in results[0]["issues"] if i["code"] == "store_failed"]
    assert "tidak ada data yang berubah" in failed["message"] and "disk full" not in failed["message"]
    # the detail is in the server's log under the reference code the message quotes
    ref = re.search(r"kode rujukan ([0-9a-f]{8})", failed["message"]).group(1)
    log = (tmp_path / "pantau.log").read_text(encoding="utf-8")
    assert f"[{ref}]" in log and "RuntimeError: disk full" in log
    assert sum(calls) >= 36
    assert _counts(dpa_store) == before


# ---------------------------------------------------------------------------- layouts
def test_table_starting_in_column_c_with_title_and_jumlah(dpa_store, tmp_path):
    leaves = list(EXPECTED[DINKES]["leaves"].items())[:3]
    (k1, v1), (k2, v2), (k3, v3) = leaves
    keg = ".".join(k1.split(".")[:5])
    rows = [
        ["FORM REALISASI FISIK DAN KEUANGAN"],
        ["OPD : DINAS KESEHATAN"],
        ["KEADAAN S/D BULAN : JUNI 2026"],
        [],
        [
            "No",
            "Kode",
            "Uraian Sub Kegiatan",
            "Nilai DPA",
            "Rencana Fisik (%)",
            "Progres Fisik (%)",
            "Penyerapan (Rp)",
            "Kendala",
        ],
        ["A", keg, "Kegiatan", v1["pagu"] + v2["pagu"] + v3["pagu"], None, None, None, None],
        [1, k1, "Sub 1", v1["pagu"], 40, v1["fisik"], v1["keu"], None],
        [2, k2, "Sub 2", v2["pagu"], 40, v2["fisik"], v2["pagu"] + 5_000_000, "Tagihan ganda"],
        [3, k3, "Sub 3", v3["pagu"], 40, v3["fisik"], v3["keu"], None],
        [
            None,
            None,
            "JUMLAH",
            v1["pagu"] + v2["pagu"] + v3["pagu"],
            None,
            None,
            v1["keu"] + v2["pagu"] + 5_000_000 + v3["keu"],
            None,
        ],
        [],
        [None, None, None, None, None, None, "Sukamaju, 5 Juli 2026"],
        [None, None, None, None, None, None, "Kepala Dinas Kesehatan"],
        [None, None, None, None, None, None, "NIP. 19700101 199001 1 001"],
    ]
    path = _write_xlsx(tmp_path / "Form Realisasi.xlsx", {"Form": rows}, row0=1, col0=2)  # starts at C2
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] == "flagged"
    assert (res["opd"], res["year"], res["month"], res["rows"]) == ("Dinas Kesehatan", 2026, 6, 3)
    assert res["pagu"] == v1["pagu"] + v2["pagu"] + v3["pagu"]
    assert res["realisasi_keuangan"] == v1["keu"] + v2["pagu"] + 5_000_000 + v3["keu"]
    warn = [i for i in res["issues"] if i["severity"] == "warning"]
    assert [(i["code"], i["sheet"], i["row"], i["column"]) for i in warn] == [
        ("realisasi_melebihi_pagu", "Form", 9, "I")
    ]  # true sheet row and column letter
    rec = _report(dpa_store, path.name).iloc[0]
    leaves_db = dpa_store.report_leaves(int(rec["id"]))
    assert leaves_db["source_row"].tolist() == [8, 9, 10]
    assert leaves_db["sub_kegiatan_kode"].tolist() == [k1, k2, k3]
    assert leaves_db["target_fisik"].tolist() == [40, 40, 40]
    assert leaves_db["permasalahan"].tolist()[1] == "Tagihan ganda"
    cols = json.loads(dpa_store.sql("SELECT columns_json FROM import WHERE id = ?", [int(rec["id"])])[0][0])
    assert cols["pagu"] == "Nilai DPA" and cols["realisasi_keuangan"] == "Penyerapan (Rp)"


def _html(rows: list[list], title: list[str]) -> str:
    head = "".join(f"<p>{t}</p>" for t in title)
    body = []
    for i, row in enumerate(rows):
        tag = "th" if i == 0 else "td"
        body.append("<tr>" + "".join(f"<{tag}>{'' if v is None else v}</{tag}>" for v in row) + "</tr>")
    return (
        f"<html><head><meta charset='utf-8'><title>Ekspor</title><style>td{{mso-number-format:'\\@'}}</style>"
        f"</head><body><h3>LAPORAN REALISASI FISIK DAN KEUANGAN</h3>{head}<table border=1>"
        + "\n".join(body)
        + "</table></body></html>"
    )


def test_html_table_saved_as_xls(dpa_store, tmp_path):
    rows = _csv_rows(DINSOS_CSV)
    path = tmp_path / "laporan_realisasi.xls"
    path.write_text(_html(rows, ["OPD : DINAS SOSIAL", "KEADAAN BULAN : MARET 2026"]), encoding="utf-8")
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] == "flagged"
    _assert_matches_expected(res, DINSOS_CSV)
    warn = [i["code"] for i in res["issues"] if i["severity"] == "warning"]
    assert warn == ["format_mismatch"]
    rec = _report(dpa_store, path.name).iloc[0]
    leaves = dpa_store.report_leaves(int(rec["id"]))
    exp = EXPECTED[DINSOS_CSV]["leaves"]
    assert dict(zip(leaves["sub_kegiatan_kode"], leaves["realisasi_fisik"])) == {k: v["fisik"] for k, v in exp.items()}
    assert dpa_store.sql("SELECT format FROM import WHERE id = ?", [int(rec["id"])])[0][0] == "html"


def _comma_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=",", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("variant", ["semicolon_bom", "comma_quoted_crlf"])
def test_csv_saved_as_xlsx(dpa_store, tmp_path, variant):
    src = FIXTURES / DINSOS_CSV
    data = src.read_bytes() if variant == "semicolon_bom" else _comma_csv(_csv_rows(DINSOS_CSV))
    assert data.startswith(b"\xef\xbb\xbf") == (variant == "semicolon_bom")
    path = tmp_path / "dinsos_2026-03.xlsx"
    path.write_bytes(data)
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] == "flagged"
    _assert_matches_expected(res, DINSOS_CSV)
    assert [i["code"] for i in res["issues"] if i["severity"] == "warning"] == ["format_mismatch"]
    fmt = dpa_store.sql("SELECT format FROM import WHERE file_name = ?", [path.name])[0][0]
    assert fmt == "csv"


def test_legacy_xls(dpa_store, tmp_path):
    rows = _xlsx_rows(DINKES)
    data = _xls_bytes({"Realisasi": rows})
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    path = tmp_path / "realisasi_dinkes_2026-03.xls"
    path.write_bytes(data)
    analysis = analyse(path.name, data, Master.from_store(dpa_store))
    if analysis.rejected and analysis.errors[0].code == "corrupt_file":
        pytest.skip(f"hand-written BIFF8 not readable here: {analysis.errors[0].message}")
    assert analysis.format == "xls"
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] == "accepted", res["issues"]
    _assert_matches_expected(res, DINKES)
    rec = _report(dpa_store, path.name).iloc[0]
    leaves = dpa_store.report_leaves(int(rec["id"]))
    exp = EXPECTED[DINKES]["leaves"]
    assert dict(zip(leaves["sub_kegiatan_kode"], leaves["realisasi_fisik"])) == {k: v["fisik"] for k, v in exp.items()}
    assert leaves["source_row"].iloc[0] == 9


# ---------------------------------------------------------------------------- CLI
RESULT_KEYS = [
    "file",
    "status",
    "kind",
    "opd",
    "year",
    "month",
    "rows",
    "pagu",
    "realisasi_keuangan",
    "fisik_pct",
    "source",
    "fields",
    "layout",
    "issues",
    "issue_counts",
]
RECAP_KEYS = {
    "opd",
    "sub_kegiatan",
    "pagu",
    "realisasi_keuangan",
    "keuangan_pct",
    "fisik_pct",
    "fisik_pagu",
    "non_fisik_pagu",
}


def _run(tmp_path, *args):
    env = dict(os.environ, PANTAU_DATA=str(tmp_path), PANTAU_DB=str(tmp_path / "default.duckdb"))
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    """python -m etl ingest --json of the DPA and every public report into one database."""
    tmp = tmp_path_factory.mktemp("cli")
    db = tmp / "cli.duckdb"
    files = [str(FIXTURES / k) for k in realisasi_fixtures()] + [str(DPA_FIXTURE)]  # DPA last on purpose
    proc = _run(tmp, "ingest", "--db", str(db), "--json", *files)
    return tmp, db, proc


def test_cli_ingest_json(cli_db):
    tmp, db, proc = cli_db
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    results = json.loads(proc.stdout)
    assert len(results) == 17
    for r in results:
        # a realisation report also says how many rows are held for a person (names only close to the DPA)
        assert list(r) == RESULT_KEYS + (["held"] if r["kind"] == "realisasi" else [])
        for i in r["issues"]:
            assert {"severity", "sheet", "row", "column", "message", "code"} <= set(i)
    by_file = {r["file"]: r for r in results}
    dpa = by_file["dpa_2026.xlsx"]
    assert (dpa["status"], dpa["kind"], dpa["rows"], dpa["pagu"]) == (
        "accepted",
        "dpa",
        163,
        EXPECTED["master/dpa_2026.xlsx"]["sum_pagu"],
    )
    for key in realisasi_fixtures():
        exp = EXPECTED[key]
        r = by_file[key.split("/", 1)[1]]
        assert r["status"] == ("flagged" if exp["flags"] else "accepted")
        assert r["kind"] == "realisasi"
        _assert_matches_expected(r, key)
    assert not (tmp / "default.duckdb").exists()  # --db was used
    assert any((tmp / "archive").rglob("*.csv"))  # archived under PANTAU_DATA


@pytest.mark.parametrize("month", [3, 4])
def test_cli_recap_json(cli_db, month):
    tmp, db, _ = cli_db
    proc = _run(tmp, "recap", "--db", str(db), "--year", "2026", "--month", str(month), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 8
    by_opd = {r["opd"]: r for r in rows}
    for key in realisasi_fixtures():
        exp = EXPECTED[key]
        if exp["month"] != month:
            continue
        r = by_opd[exp["opd_name"]]
        assert set(r) == RECAP_KEYS
        fisik_pagu = sum(v["pagu"] for v in exp["leaves"].values() if v["jenis"] == "fisik")
        assert r["sub_kegiatan"] == exp["leaf_rows"] and isinstance(r["sub_kegiatan"], int)
        assert r["pagu"] == exp["sum_pagu"]
        assert r["realisasi_keuangan"] == exp["sum_realisasi_keuangan"]
        assert r["keuangan_pct"] == pytest.approx(exp["sum_realisasi_keuangan"] / exp["sum_pagu"] * 100)
        assert r["fisik_pct"] == pytest.approx(exp["fisik_weighted_mean"], abs=1e-3)
        assert r["fisik_pagu"] == fisik_pagu
        assert r["non_fisik_pagu"] == exp["sum_pagu"] - fisik_pagu


def test_cli_recap_empty_period(cli_db):
    tmp, db, _ = cli_db
    proc = _run(tmp, "recap", "--db", str(db), "--year", "2026", "--month", "1", "--json")
    assert proc.returncode == 0
    rows = json.loads(proc.stdout)
    assert len(rows) == 8  # DPA pagu, nobody reported
    assert all(r["realisasi_keuangan"] is None and r["fisik_pct"] is None for r in rows)
    assert sum(r["pagu"] for r in rows) == EXPECTED["master/dpa_2026.xlsx"]["sum_pagu"]


def test_cli_exit_code_1_on_rejection(tmp_path):
    db = tmp_path / "x.duckdb"
    proc = _run(
        tmp_path, "ingest", "--db", str(db), "--json", str(DPA_FIXTURE), str(FIXTURES / "bad" / "bulan_13.xlsx")
    )
    assert proc.returncode == 1
    results = json.loads(proc.stdout)
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["issues"][0]["code"] == "invalid_period"
    assert "Traceback" not in proc.stderr


@pytest.fixture
def in_process_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("PANTAU_DATA", str(tmp_path))
    db = str(tmp_path / "cli.duckdb")
    assert cli.main(["ingest", "--db", db, str(DPA_FIXTURE)]) == 0
    return db


def test_cli_opd_and_period_supply_what_the_file_lacks(in_process_cli, capsys):
    sipd = str(FIXTURES / "bad" / "export_sipd.xlsx")
    capsys.readouterr()
    assert cli.main(["ingest", "--db", in_process_cli, "--json", sipd]) == 1
    assert json.loads(capsys.readouterr().out)[0]["status"] == "rejected"
    code = cli.main(["ingest", "--db", in_process_cli, "--json", "--opd", "distan", "--period", "2026-03", sipd])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out[0]["status"] == "flagged"  # format_mismatch: CSV text with an .xlsx name
    assert [i["code"] for i in out[0]["issues"]] == ["format_mismatch"]
    _assert_matches_expected(out[0], "realisasi/distan_2026-03.csv")


def test_cli_period_overrides_file_with_warning(in_process_cli, capsys):
    capsys.readouterr()
    code = cli.main(["ingest", "--db", in_process_cli, "--json", "--period", "2026-05", str(FIXTURES / DINKES)])
    out = json.loads(capsys.readouterr().out)[0]
    assert code == 0
    assert (out["status"], out["year"], out["month"]) == ("flagged", 2026, 5)
    assert "period_override" in [i["code"] for i in out["issues"]]


def test_cli_unknown_opd_option_rejected(in_process_cli, capsys):
    capsys.readouterr()
    code = cli.main(
        ["ingest", "--db", in_process_cli, "--json", "--opd", "dinas antah berantah", str(FIXTURES / DINKES)]
    )
    out = json.loads(capsys.readouterr().out)[0]
    assert code == 1
    assert out["status"] == "rejected"
    assert "unknown_opd" in [i["code"] for i in out["issues"]]


@pytest.mark.parametrize("bad", ["2026-13", "Maret 2026", "2026"])
def test_cli_bad_period_argument(in_process_cli, capsys, bad):
    with pytest.raises(SystemExit) as exc:
        cli.main(["ingest", "--db", in_process_cli, "--period", bad, str(FIXTURES / DINKES)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "tidak valid" in err and "Traceback" not in err


def test_cli_human_output(in_process_cli, capsys):
    capsys.readouterr()
    assert cli.main(["ingest", "--db", in_process_cli, str(FIXTURES / DINKES)]) == 0
    out = capsys.readouterr().out
    assert "[ACCEPTED ]" in out and "Dinas Kesehatan 3/2026" in out and "Rp 48.270.950.000" in out
    assert cli.main(["recap", "--db", in_process_cli, "--year", "2026", "--month", "3"]) == 0
    out = capsys.readouterr().out
    assert "Dinas Kesehatan" in out and "Rp 5.029.328.314" in out


# ---------------------------------------------------------------------------- more layouts and known gaps
def test_report_on_a_later_sheet_after_a_cover_hidden_sheet_ignored(dpa_store, tmp_path):
    rows = _xlsx_rows(DINKES)
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Sampul"
    for line in ("LAPORAN REALISASI", "DINAS KESEHATAN", "TAHUN ANGGARAN 2026"):
        cover.append([line])
    report = wb.create_sheet("Maret")
    for r in rows:
        report.append(r)
    hidden = wb.create_sheet("Februari")
    for r in _retitle(rows, period="FEBRUARI 2026"):
        hidden.append(r)
    hidden.sheet_state = "hidden"
    path = tmp_path / "laporan dinkes.xlsx"
    wb.save(path)
    results = ingest_paths(dpa_store, [path])
    assert len(results) == 1
    assert results[0]["status"] == "accepted"
    _assert_matches_expected(results[0], DINKES)
    assert _report(dpa_store, path.name)["sheet"].tolist() == ["Maret"]


def test_html_two_row_header_with_rowspan(dpa_store, tmp_path):
    exp = EXPECTED[DINSOS_CSV]
    head = (
        "<tr><th rowspan=2>No</th><th rowspan=2>Kode</th><th rowspan=2>Sub Kegiatan</th>"
        "<th rowspan=2>Pagu (Rp)</th><th colspan=2>Realisasi</th></tr>"
        "<tr><th>Fisik (%)</th><th>Keuangan (Rp)</th></tr>"
    )
    body = "".join(
        f"<tr><td>{i}</td><td>{k}</td><td>Sub {i}</td><td>{v['pagu']:,}</td><td>{v['fisik']}</td><td>{v['keu']:,}</td>"
        "</tr>".replace(",", "#")
        .replace(".", ",")
        .replace("#", ".")
        .replace(f"<td>{k.replace('.', ',')}</td>", f"<td>{k}</td>")
        for i, (k, v) in enumerate(exp["leaves"].items(), start=1)
    )
    html = (
        f"<html><body><p>OPD : DINAS SOSIAL</p><p>KEADAAN BULAN : MARET 2026</p><table>{head}{body}</table>"
        "</body></html>"
    )
    path = tmp_path / "ekspor_dinsos.xls"
    path.write_text(html, encoding="utf-8")
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] in ("accepted", "flagged"), res["issues"]
    assert res["rows"] == exp["leaf_rows"]
    assert res["pagu"] == exp["sum_pagu"]
    assert res["realisasi_keuangan"] == exp["sum_realisasi_keuangan"]


@pytest.mark.parametrize("newline", [b"\r", b"\r\n"], ids=["cr_macintosh", "crlf"])
def test_csv_line_endings(dpa_store, tmp_path, newline):
    """Windows CRLF, and Excel for Mac 'CSV (Macintosh)' which ends lines with CR only."""
    path = tmp_path / "dinsos_2026-03.csv"
    path.write_bytes((FIXTURES / DINSOS_CSV).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", newline))
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] == "accepted", res["issues"]
    _assert_matches_expected(res, DINSOS_CSV)


# ---------------------------------------------------------------------------- OPD and period sources
def test_opd_in_title_and_file_name_disagree_is_refused(dpa_store, tmp_path):
    path = tmp_path / "realisasi_dinsos_2026-03.xlsx"  # the content is the Dinas Kesehatan report
    path.write_bytes((FIXTURES / DINKES).read_bytes())
    before = _counts(dpa_store)
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] == "rejected"
    err = [i for i in res["issues"] if i["severity"] == "error"]
    assert [e["code"] for e in err] == ["opd_conflict"]
    assert "Dinas Kesehatan" in err[0]["message"] and "Dinas Sosial" in err[0]["message"]
    assert _counts(dpa_store) == before
    # the user's choice settles it (a warning-free override of a silent/contradictory file)
    res = ingest_paths(dpa_store, [path], opd="dinkes")[0]
    assert (res["status"], res["opd"]) == ("accepted", "Dinas Kesehatan")


def test_opd_from_file_name_and_month_from_sheet_name(dpa_store, tmp_path):
    rows = [r for r in _xlsx_rows(DINKES) if not (isinstance(r[0], str) and r[0].startswith(("OPD", "KEADAAN")))]
    path = _write_xlsx(tmp_path / "Lap Realisasi DINKES 2026.xlsx", {"Maret": rows})
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] == "accepted", res["issues"]
    _assert_matches_expected(res, DINKES)


def test_no_opd_anywhere_is_refused_not_guessed(dpa_store, tmp_path):
    rows = [r for r in _xlsx_rows(DINKES) if not (isinstance(r[0], str) and r[0].startswith("OPD"))]
    path = _write_xlsx(tmp_path / "laporan_2026-03.xlsx", {"Realisasi": rows})
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] == "rejected"
    assert "unknown_opd" in [i["code"] for i in res["issues"] if i["severity"] == "error"]


# ---------------------------------------------------------------------------- batches written while analysed
def _loaded(store) -> list[tuple]:
    """(file, status, opd, rows, pagu, realisasi) of every import, in id order."""
    hist = store.import_history().sort_values("id")
    return [(r.file_name, r.kind, r.opd_kode, r.rows_accepted, r.pagu, r.realisasi_keuangan) for r in hist.itertuples()]


def test_dpa_in_the_middle_of_a_batch_is_loaded_before_the_reports(store, tmp_path):
    """A DPA after some reports in one batch is loaded first: the reports are matched against
    it, exactly as when the DPA comes first."""
    first, second = FIXTURES / DINKES, FIXTURES / "realisasi/Lap Realisasi DINKES April 2026.xlsx"
    mixed = ingest_paths(store, [first, DPA_FIXTURE, second])
    assert all(r["status"] in ("accepted", "flagged") for r in mixed)
    assert [r["kind"] for r in mixed] == ["realisasi", "dpa", "realisasi"]
    exp = load_expected()["files"][DINKES]
    assert mixed[0]["opd"] == exp["opd_name"] and mixed[0]["rows"] == exp["leaf_rows"]
    from db.store import Store

    ordered = Store(str(tmp_path / "ordered.duckdb"))
    in_order = ingest_paths(ordered, [DPA_FIXTURE, first, second])

    def key(r):
        return (r["file"], r["status"], r["opd"], r["rows"], r["pagu"], r["realisasi_keuangan"])

    assert sorted(map(key, mixed)) == sorted(map(key, in_order))


def test_a_failed_file_write_is_rolled_back_alone_and_the_batch_goes_on(dpa_store, monkeypatch):
    """Each file of a batch is written in a transaction of its own: should one fail midway, its
    rows are rolled back, it is reported with a reference code, and the next file is written."""
    import duckdb

    from etl import pipeline

    real_write, calls = pipeline._write, []

    def flaky(store, analysis, user):
        calls.append(analysis.name)
        real_write(store, analysis, user)  # rows really land in the transaction
        if len(calls) == 1:
            raise duckdb.IOException("disk hiccup")  # then it fails

    monkeypatch.setattr(pipeline, "_write", flaky)
    april = "realisasi/Lap Realisasi DINKES April 2026.xlsx"
    results = ingest_paths(dpa_store, [FIXTURES / DINKES, FIXTURES / april])
    assert calls == [Path(DINKES).name, Path(april).name]
    assert results[0]["status"] == "rejected"
    assert [i["code"] for i in results[0]["issues"]] == ["store_failed"]
    assert "kode rujukan" in results[0]["issues"][0]["message"]
    assert results[1]["status"] in ("accepted", "flagged")
    assert [row[0] for row in _loaded(dpa_store) if row[1] == "realisasi"] == [Path(april).name]
    with dpa_store.session():
        n = dpa_store.con.execute("SELECT count(*) FROM realisasi").fetchall()[0][0]
    assert n == load_expected()["files"][april]["leaf_rows"]
    # the failed file goes in on its own once the disk is well again
    monkeypatch.setattr(pipeline, "_write", real_write)
    assert ingest_paths(dpa_store, [FIXTURES / DINKES])[0]["status"] in ("accepted", "flagged")


def test_the_same_file_twice_in_one_batch_is_loaded_once(dpa_store):
    results = ingest_paths(dpa_store, [FIXTURES / DINKES, FIXTURES / DINKES])
    assert [r["status"] for r in results][1] == "duplicate"
    assert results[0]["status"] in ("accepted", "flagged")
    assert len([row for row in _loaded(dpa_store) if row[1] == "realisasi"]) == 1


def test_a_correction_in_the_same_batch_supersedes_the_first_report(dpa_store, tmp_path):
    """Both versions of a month in one batch: the later file is in force, the earlier kept in history,
    and the recap counts the sub kegiatan once."""
    exp = EXPECTED[DINKES]
    wb = openpyxl.load_workbook(FIXTURES / DINKES)
    wb["Realisasi"]["G9"] = wb["Realisasi"]["G9"].value + 1_000_000
    newer = tmp_path / "realisasi_dinkes_2026-03 (revisi).xlsx"
    wb.save(newer)
    other = FIXTURES / "realisasi/Lap Realisasi DINKES April 2026.xlsx"
    results = ingest_paths(dpa_store, [FIXTURES / DINKES, other, newer], last_wins=True)  # CLI --last-wins
    assert all(r["status"] in ("accepted", "flagged") for r in results)
    hist = dpa_store.import_history().set_index("file_name")
    second = int(hist.loc[newer.name, "id"])
    assert hist.loc["realisasi_dinkes_2026-03.xlsx", "superseded_by"] == second
    assert pd.isna(hist.loc[newer.name, "superseded_by"]) and pd.isna(hist.loc[other.name, "superseded_by"])
    row = recap_opd(dpa_store, 2026, 3).set_index("opd").loc[exp["opd_name"]]
    assert row["realisasi_keuangan"] == exp["sum_realisasi_keuangan"] + 1_000_000
    assert row["sub_kegiatan"] == exp["leaf_rows"]
    supersede = dpa_store.audit_entries(action="supersede")
    assert len(supersede) == 1 and f'"import_id": {second}' in supersede.iloc[0]["detail"]


def test_a_batch_is_analysed_in_input_order_as_file_by_file(dpa_store):
    """The batch analyser answers for every file exactly as analyse() does alone, in input
    order, and reports progress after each file."""
    from etl.pipeline import Upload, analyse_batch

    names = sorted(p.name for p in (FIXTURES / "realisasi").iterdir())[:7]
    bad = ["terpotong.xlsx", "terproteksi_password.xlsx", "scan_laporan_dinkes.xlsx", "pagu_teks.xlsx"]
    paths = [FIXTURES / "realisasi" / n for n in names] + [FIXTURES / "bad" / n for n in bad]
    paths.insert(3, paths[0])  # the same file twice
    uploads = [Upload(p.name, p.read_bytes()) for p in paths]
    master = Master.from_store(dpa_store)
    calls = []
    batch = analyse_batch(uploads, master, progress=lambda done, total, name: calls.append((done, total, name)))

    def summary(a):
        return (
            a.name,
            a.format,
            a.rejected,
            [i.code for i in a.all_issues()],
            [
                (r.kind, r.opd.kode if r.opd else None, r.year, r.month, r.rows, r.pagu, r.realisasi_keuangan)
                for r in a.reports
            ],
        )

    assert [summary(a) for a in batch] == [summary(analyse(u.name, u.data, master)) for u in uploads]
    assert calls == [(i, len(uploads), u.name) for i, u in enumerate(uploads, start=1)]
    assert sum(a.rejected for a in batch) >= 3 and sum(not a.rejected for a in batch) >= 8


def test_an_original_that_cannot_be_archived_is_not_loaded_and_the_others_are(dpa_store, monkeypatch):
    """The originals are archived beside the transaction; a file whose original cannot be written
    (disk full) is refused with a clear message, nothing of it is loaded, the rest of the batch is."""
    other = "realisasi/Lap Realisasi DINKES April 2026.xlsx"
    failing = (FIXTURES / DINKES).name
    real_archive = dpa_store.archive

    def archive(sha256, file_name, data):
        if file_name == failing:
            raise OSError(28, "No space left on device")
        return real_archive(sha256, file_name, data)

    monkeypatch.setattr(dpa_store, "archive", archive)
    results = ingest_paths(dpa_store, [FIXTURES / DINKES, FIXTURES / other])
    assert results[0]["status"] == "rejected" and results[1]["status"] in ("accepted", "flagged")
    assert any(i["code"] == "store_failed" for i in results[0]["issues"])
    assert [row[0] for row in _loaded(dpa_store) if row[1] == "realisasi"] == [(FIXTURES / other).name]


def test_a_batch_is_analysed_before_the_database_is_held(dpa_store, monkeypatch):
    """Other users wait while the database is held: the files of a batch are read first and only
    then written (the database is not open while they are analysed)."""
    from etl import pipeline
    from etl.pipeline import Upload, commit_batch

    held_while_analysing = []
    real_analyse = pipeline.analyse

    def analyse(*args, **kwargs):
        held_while_analysing.append(getattr(dpa_store._local, "depth", 0) > 0)
        return real_analyse(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse", analyse)
    files = [FIXTURES / DINKES, FIXTURES / "realisasi/Lap Realisasi DINKES April 2026.xlsx"]
    uploads = [Upload(p.name, p.read_bytes()) for p in files]
    results = commit_batch(dpa_store, uploads)
    assert held_while_analysing == [False, False]
    assert all(r["status"] in ("accepted", "flagged") for rs in results for r in rs)
    results = commit_batch(dpa_store, uploads)
    assert [r["status"] for rs in results for r in rs] == ["duplicate", "duplicate"]
