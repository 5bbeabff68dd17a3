"""The bad-input corpus: tests/fixtures/bad (20 files), tests/fixtures/bad_extra (built by its
make_bad_extra.py) and two 200 000-row inputs built at test time.

For every file, through the pipeline with the DPA loaded: the expected outcome and issue codes;
messages in Indonesian with no exception text; row-level issues name sheet, row and column; a
rejected file leaves every table (``Store.table_checksums``) and the archive folder unchanged.
The CLI answers every file with JSON, never a traceback, and exits 1 when a file was rejected.
A property-based test checks the header detector.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DPA_FIXTURE, FIXTURES, ROOT, load_bad_expected
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_support import use_both_engines

from db.store import Store
from etl.columns import find_header
from etl.pipeline import Master, analyse, ingest_paths
from etl.reader import Sheet

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

EXTRA = FIXTURES / "bad_extra"


def _load(name: str):
    """The generator of the corpus (a script beside its files, with its helper ``xlsxw``)."""
    spec = importlib.util.spec_from_file_location(name, EXTRA / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_load("xlsxw")
make_bad_extra = _load("make_bad_extra")

EXTRA_EXPECTED = json.loads((EXTRA / "EXPECTED.json").read_text(encoding="utf-8"))["files"]
BAD_EXPECTED = load_bad_expected()["files"]
# bad/EXPECTED.json reasons that are issue codes of ours (the others describe the input, not our code)
OUR_CODES = {
    "invalid_container",
    "too_many_rows",
    "decompression_bomb",
    "invalid_period",
    "period_conflict",
    "empty_file",
    "no_data_rows",
    "not_a_spreadsheet",
    "header_not_found",
    "missing_required_column",
    "corrupt_file",
    "encrypted_or_corrupt",
    "unknown_opd",
}


def _corpus() -> dict[str, dict]:
    """Key "bad/x" or "bad_extra/x" -> expected outcome in the shape of bad_extra/EXPECTED.json."""
    out = {}
    for name, e in BAD_EXPECTED.items():
        out[f"bad/{name}"] = dict(
            outcome=e["outcome"],
            codes=[e["reason"]] if e.get("reason") in OUR_CODES else [],
            rows=e.get("leaf_rows"),
            month=e.get("month"),
            opd=e["opd"].upper() if e.get("opd") else None,
        )
    for name, e in EXTRA_EXPECTED.items():
        out[f"bad_extra/{name}"] = dict(e, opd=e.get("opd"))
    return out


CORPUS = _corpus()
SHEETED = {"xlsx", "xls", "xlsb", "ods"}
# issue codes about one cell: they must name sheet (where the file has sheets), row and column
CELL_CODES = {
    "non_numeric_value",
    "negative_value",
    "fisik_out_of_range",
    "realisasi_melebihi_pagu",
    "subtotal_mismatch",
    "duplicate_code",
    "kode_tidak_di_dpa",
}
INDONESIAN = re.compile(
    r"\b(berkas|lembar|kolom|tidak|bulan|periode|judul|baris|unggah|simpan|OPD|nilai|kode|"
    r"makro|dibaca|isinya|bukan|sub kegiatan|pagu|realisasi)\b",
    re.I,
)
NOT_FOR_USERS = re.compile(
    r"Traceback|Error\b|Exception|object has no attribute|NoneType|invalid literal|"
    r"Errno|\bthe\b|\bcannot\b|\bcould not\b|\bfailed\b|\bunexpected\b|\bnot found\b|"
    r"\bfile\b(?! >)|panicked|RUST_BACKTRACE|exit \d",
    re.I,
)
FIX = re.compile(
    r"\b(periksa|pastikan|simpan|unggah|buka|hapus|tambahkan|tulis|pilih|isi|ganti|perbaiki|samakan|"
    r"salin|ekstrak|impor|tampilkan|pecah|unduh|minta|tunggu|hubungi|coba)\b",
    re.I,
)
XFAIL: dict[str, str] = {}  # known bugs as strict xfails (none left)


def _params(keys):
    return [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=XFAIL[k])) if k in XFAIL else k for k in keys]


# ---------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory) -> Path:
    """The corpus files built at test time (200 000 rows), deterministic."""
    out = tmp_path_factory.mktemp("bad_generated")
    for name, data in make_bad_extra.build_all(generated=True).items():
        (out / name).write_bytes(data)
    return out


def _path(key: str, generated_dir: Path | None) -> Path:
    folder, name = key.split("/", 1)
    if CORPUS[key].get("generated_at_test_time"):
        return generated_dir / name
    return FIXTURES / folder / name


@pytest.fixture(scope="session")
def dpa_template(tmp_path_factory) -> Path:
    """A data folder with a database holding the fixture DPA, copied for each test (fast)."""
    folder = tmp_path_factory.mktemp("dpa_template")
    store = Store(folder / "pantau.duckdb", data_dir=folder)
    try:
        assert [r["status"] for r in ingest_paths(store, [DPA_FIXTURE])] == ["accepted"]
    finally:
        store.close()
    return folder


@pytest.fixture
def store(dpa_template, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(dpa_template, folder, ignore=shutil.ignore_patterns("*.lock"))
    s = Store(folder / "pantau.duckdb", data_dir=folder)
    try:
        with s.session():  # one connection for the whole test (a Store opens the file per operation)
            yield s
    finally:
        s.close()


def _archive(store) -> list[str]:
    root = store.data_dir / "archive"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _check_messages(issues, fmt: str | None, name: str) -> None:
    for i in issues:
        text = i.message
        assert text and text.strip(), i
        assert INDONESIAN.search(text), f"not Indonesian: {text}"
        assert not NOT_FOR_USERS.search(text.replace(name, "")), f"exception or English text: {text}"
        if i.severity == "error":
            assert FIX.search(text), f"error without a fix: {text}"
            assert name in text or i.sheet or i.row or re.search(r"judul|nama berkas|lembar", text), (
                f"error without a place: {text}"
            )
        if i.row is not None:  # a row-level issue: where exactly
            assert i.row >= 1, i
            if fmt in SHEETED:
                assert i.sheet, f"row-level issue without sheet: {i}"
        if i.code in CELL_CODES:
            assert i.row is not None, i
            assert i.column, f"cell-level issue without column: {i}"


# ---------------------------------------------------------------------------- the corpus
def test_corpus_size_and_listing():
    on_disk = {p.name for p in EXTRA.iterdir() if p.is_file()} - {"EXPECTED.json", "make_bad_extra.py", "xlsxw.py"}
    committed = {n for n, e in EXTRA_EXPECTED.items() if not e.get("generated_at_test_time")}
    assert on_disk == committed
    assert set(EXTRA_EXPECTED) == set(make_bad_extra.CASES)
    assert len(BAD_EXPECTED) == 20
    assert len(EXTRA_EXPECTED) >= 30
    assert len(CORPUS) >= 50
    assert len({k.split("/", 1)[1] for k in CORPUS}) == len(CORPUS)  # names are unique across folders
    outcomes = {e["outcome"] for e in CORPUS.values()}
    assert outcomes == {"reject", "accept_with_warnings", "accept"}


def test_generator_rebuilds_the_committed_files():
    built = make_bad_extra.build_all()
    assert built.keys() == {n for n, e in EXTRA_EXPECTED.items() if not e.get("generated_at_test_time")}
    changed = [n for n, data in built.items() if (EXTRA / n).read_bytes() != data]
    assert not changed, f"run python {EXTRA / 'make_bad_extra.py'}: {changed}"
    expected = json.dumps(make_bad_extra.expected_json(), ensure_ascii=False, indent=1) + "\n"
    assert (EXTRA / "EXPECTED.json").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("key", _params(sorted(CORPUS)))
def test_corpus_file(store, generated_dir, key):
    exp = CORPUS[key]
    path = _path(key, generated_dir)
    name = path.name
    data = path.read_bytes()

    analysis = analyse(name, data, Master.from_store(store))  # never raises
    issues = analysis.all_issues()
    assert "internal_error" not in {i.code for i in issues}, [i.message for i in issues]
    errors = {i.code for i in analysis.errors}
    warnings = {i.code for i in issues if i.severity == "warning"}

    before, archived = store.table_checksums(), _archive(store)
    results = ingest_paths(store, [path])
    after = store.table_checksums()
    statuses = [r["status"] for r in results]

    if exp["outcome"] == "reject":
        assert analysis.rejected, (errors, warnings)
        assert set(exp["codes"]) <= errors, (exp["codes"], errors)
        assert statuses == ["rejected"], results
        assert (results[0]["rows"], results[0]["pagu"], results[0]["realisasi_keuangan"]) == (0, None, None)
        assert after == before, "a rejected file changed the database"
        assert _archive(store) == archived, "a rejected file was archived"
    else:
        assert not analysis.rejected, [i.message for i in analysis.errors]
        if exp["outcome"] == "accept_with_warnings":
            assert set(exp["codes"]) <= warnings, (exp["codes"], warnings)
            assert set(statuses) == {"flagged"}, results
        else:
            assert not warnings, [i.message for i in issues if i.severity == "warning"]
            assert set(statuses) == {"accepted"}, results
        months = exp.get("months") or [exp["month"]]
        assert [r["month"] for r in results] == months
        assert all(r["rows"] == exp["rows"] for r in results), results
        singkatan = {o.nama: o.singkatan for o in store.opds()}
        assert {singkatan[r["opd"]] for r in results} == {exp["opd"]}
        if "pagu" in exp:
            assert results[0]["pagu"] == pytest.approx(exp["pagu"])
        if "realisasi_keuangan" in exp:
            assert results[0]["realisasi_keuangan"] == pytest.approx(exp["realisasi_keuangan"])
        assert after["import"][0] == before["import"][0] + len(results)
        assert len(_archive(store)) == len(archived) + 1
        for row, value in exp.get("fisik", {}).items():
            hist = store.import_history()
            leaves = store.report_leaves(int(hist[hist["file_name"] == name].iloc[0]["id"]))
            assert leaves[leaves["source_row"] == int(row)]["realisasi_fisik"].tolist() == [pytest.approx(value)]
        flagged = {i.row for i in issues if i.severity == "warning" and i.row}
        for row in exp.get("not_flagged_rows", []):
            assert row not in flagged, [i.message for i in issues if i.row == row]

    _check_messages(issues, analysis.format, name)
    for want in exp.get("where", []):
        hits = [i for i in issues if i.code == want["code"] and i.row == want["row"]]
        assert hits, (want, [(i.code, i.sheet, i.row, i.column) for i in issues])
        for i in hits:
            assert (i.sheet, i.column) == (want["sheet"], want["column"]), (want, i)
            if "raw" in want:
                assert i.raw == want["raw"], (want, i)


def test_isolated_parser_survives_a_crash(store):
    """An .xls whose DIMENSIONS record claims 4 billion rows makes python-calamine abort; the
    parser runs in a child process, so the file is rejected and this process carries on."""
    name = "xls_dimensi_raksasa.xls"
    analysis = analyse(name, (EXTRA / name).read_bytes(), Master.from_store(store))
    assert [i.code for i in analysis.errors] == ["corrupt_file"]
    good = EXTRA / "laporan_dinsos_maret_2026.xls"
    assert not analyse(good.name, good.read_bytes(), Master.from_store(store)).rejected


def test_uncached_formulas_become_visible_not_empty(store):
    name = "rumus_tanpa_nilai.xlsx"
    analysis = analyse(name, (EXTRA / name).read_bytes(), Master.from_store(store))
    raws = sorted(i.raw for i in analysis.all_issues() if i.code == "non_numeric_value")
    assert len(raws) == make_bad_extra.N_LEAVES
    assert all(r.startswith("=SUM(M") for r in raws), raws
    leaves = analysis.reports[0].leaves
    assert all(lf.realisasi_keuangan is None and lf.pagu for lf in leaves)


def test_unicode_codes_are_read_as_the_dpa_codes(store):
    name = "kode_unicode.xlsx"
    analysis = analyse(name, (EXTRA / name).read_bytes(), Master.from_store(store))
    assert [lf.kode for lf in analysis.reports[0].leaves] == [x[0] for x in make_bad_extra.LEAVES]


# ---------------------------------------------------------------------------- CLI
def _cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PANTAU_DATA=str(tmp_path / "data"), PANTAU_DB=str(tmp_path / "unused.duckdb"))
    return subprocess.run(
        [sys.executable, "-m", "etl", "ingest", "--db", str(tmp_path / "cli.duckdb"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_json_for_every_corpus_file(tmp_path, generated_dir):
    keys = sorted(CORPUS)
    paths = [str(_path(k, generated_dir)) for k in keys]
    proc = _cli(["--json", "--last-wins", str(DPA_FIXTURE), *paths], tmp_path)  # many are one OPD-month
    assert "Traceback" not in proc.stderr and "panicked" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 1, proc.stderr[-2000:]
    results = json.loads(proc.stdout)
    assert results[0]["file"] == DPA_FIXTURE.name and results[0]["status"] == "accepted"
    by_file: dict[str, list[str]] = {}
    for r in results[1:]:
        by_file.setdefault(r["file"], []).append(r["status"])
        for i in r["issues"]:
            assert "Traceback" not in i["message"] and i["message"].strip()
    assert len(results) - 1 == sum(
        len(CORPUS[k].get("months") or [1]) if CORPUS[k]["outcome"] != "reject" else 1 for k in keys
    )
    for key in keys:
        if key in XFAIL:
            continue
        name = key.split("/", 1)[1]
        want = {"reject": {"rejected"}, "accept_with_warnings": {"flagged"}, "accept": {"accepted"}}
        assert set(by_file[name]) == want[CORPUS[key]["outcome"]], (key, by_file[name])


def test_cli_exit_codes_and_text_output(tmp_path):
    accepted = [str(EXTRA / n) for n, e in sorted(EXTRA_EXPECTED.items()) if e["outcome"] != "reject"][:6]
    proc = _cli(["--json", "--last-wins", str(DPA_FIXTURE), *accepted], tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert {r["status"] for r in json.loads(proc.stdout)} <= {"accepted", "flagged"}
    rejected = [
        str(EXTRA / n)
        for n, e in sorted(EXTRA_EXPECTED.items())
        if e["outcome"] == "reject" and not e.get("generated_at_test_time") and f"bad_extra/{n}" not in XFAIL
    ]
    proc = _cli(rejected, tmp_path)  # text output
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout.count("[REJECTED ]") == len(rejected), proc.stdout


# ---------------------------------------------------------------------------- header detector (property)
SYNONYMS = {
    "no": ["No", "No.", "NO", "Nomor"],
    "kode": ["Kode", "Kode Rekening", "KODE REKENING", "Kode Sub Kegiatan", "Kd. Rek"],
    "nama": ["Uraian", "Program / Kegiatan / Sub Kegiatan", "Nama Sub Kegiatan", "Sub Kegiatan", "URAIAN KEGIATAN"],
    "pagu": ["Pagu", "Pagu Anggaran (Rp)", "Nilai DPA", "Anggaran", "Alokasi Anggaran", "PAGU DPA (Rp)"],
    "target_fisik": ["Target Fisik (%)", "Rencana Fisik", "Target Fisik s.d. Bulan Ini"],
    "realisasi_fisik": ["Realisasi Fisik (%)", "Progres Fisik", "Fisik (%)", "REALISASI FISIK"],
    "realisasi_keuangan": ["Realisasi Keuangan (Rp)", "Realisasi (Rp)", "Penyerapan", "Realisasi Belanja"],
    "sumber_dana": ["Sumber Dana", "SUMBER DANA"],
    "lokasi": ["Lokasi", "Lokasi Kegiatan"],
    "permasalahan": ["Permasalahan", "Kendala", "Hambatan"],
    "solusi": ["Solusi", "Upaya", "Tindak Lanjut"],
}
TITLES = [
    "LAPORAN REALISASI FISIK DAN KEUANGAN",
    "PEMERINTAH KABUPATEN SUKAMAJU",
    "OPD : DINAS SOSIAL",
    "KEADAAN BULAN : MARET 2026",
    "TAHUN ANGGARAN 2026",
    "Catatan: angka dalam rupiah",
    None,
]
OPTIONAL = [
    "no",
    "target_fisik",
    "realisasi_fisik",
    "realisasi_keuangan",
    "sumber_dana",
    "lokasi",
    "permasalahan",
    "solusi",
]


@st.composite
def report_grids(draw):
    titles = draw(st.lists(st.sampled_from(TITLES), max_size=8))
    blanks = draw(st.integers(0, 3))
    left = draw(st.integers(0, 4))
    fields = ["kode", "nama", "pagu"] + draw(st.lists(st.sampled_from(OPTIONAL), unique=True))
    fields = draw(st.permutations(fields))
    labels = [draw(st.sampled_from(SYNONYMS[f])) for f in fields]
    # a two-row header: a merged "Realisasi" over "Fisik (%) | Keuangan (Rp)"
    two_rows = draw(st.booleans()) and "realisasi_fisik" not in fields and "realisasi_keuangan" not in fields
    top, sub = list(labels), [None] * len(labels)
    if two_rows:
        at = draw(st.integers(0, len(fields)))
        fields[at:at] = ["realisasi_fisik", "realisasi_keuangan"]
        top[at:at] = ["Realisasi", None]
        sub[at:at] = ["Fisik (%)", "Keuangan (Rp)"]
    numbers = draw(st.sampled_from([None, "int", "paren"]))
    pad = [None] * left
    rows = [pad + [t] if t else [] for t in titles] + [[] for _ in range(blanks)]
    header_at = len(rows)
    rows.append(pad + top)
    if two_rows:
        rows.append(pad + sub)
    if numbers:
        rows.append(pad + [(n if numbers == "int" else f"({n})") for n in range(1, len(fields) + 1)])
    n_data = draw(st.integers(1, 6))
    for k in range(n_data):
        row = []
        for f in fields:
            row.append(
                {
                    "no": float(k + 1),
                    "kode": f"1.06.02.2.01.{k + 1:04d}",
                    "nama": f"Sub kegiatan {k}",
                    "sumber_dana": "DAU",
                    "lokasi": "Kec. Sukamaju",
                    "permasalahan": None,
                    "solusi": None,
                }.get(f, float(draw(st.integers(0, 10**10))))
            )
        rows.append(pad + row)
    return rows, header_at, two_rows, bool(numbers), left, fields


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_grids())
def test_find_header_property(case):
    rows, header_at, two_rows, numbers, left, fields = case
    header = find_header(Sheet("Realisasi", rows))
    assert header is not None
    assert header.first == header_at
    assert header.last == header_at + (1 if two_rows else 0)
    assert header.data_start == header.last + 1 + (1 if numbers else 0)
    for pos, f in enumerate(fields):
        assert header.fields.get(f) == left + pos, (f, header.fields, rows[header_at])
