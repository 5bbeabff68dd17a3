"""The print-ready Excel recap (exports.recap_xlsx) and ``python -m etl export recap``: each
exported workbook is opened again and its numbers checked against core.recap."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from conftest import DPA_FIXTURE, FIXTURES, ROOT, realisasi_fixtures
from daerah_support import demo_daerah  # noqa: F401 (a fixture, used by pytestmark)
from pg_support import use_both_engines

from core.recap import kabupaten_totals, leaf_recap, recap_opd
from core.settings import Settings, load, save
from exports.recap_xlsx import DEVIASI, REKAP_SHEET, RINCIAN_SHEET, TITLE, NoData, recap_workbook, tanggal
from exports.table_xlsx import PERCENT, RUPIAH

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

pytestmark = pytest.mark.usefixtures("demo_daerah")  # a configured daerah (issue 17)

DINKES = "1.02.0.00.0.00.01.0000"
TODAY = dt.date(2026, 11, 23)
CUSTOM = dict(
    kop_1="PEMERINTAH KABUPATEN CONTOH",
    kop_2="SEKRETARIAT DAERAH",
    kop_3="BAGIAN PEMBANGUNAN",
    kop_alamat="Jalan Merdeka No. 1, Contoh",
    tempat="Kota Contoh",
    ttd_jabatan="Kepala Bagian Administrasi Pembangunan",
    ttd_nama="Drs. BUDI SANTOSO, M.Si.",
    ttd_nip="19700101 199503 1 001",
)
REKAP_HEAD = [
    "No",
    "OPD",
    "Jumlah Sub Kegiatan",
    "Pagu (Rp)",
    "Realisasi Keuangan (Rp)",
    "Keuangan (%)",
    "Target Fisik (%)",
    "Realisasi Fisik (%)",
    "Deviasi (poin)",
    "Status laporan",
]
RINCIAN_HEAD = [
    "Kode",
    "Program / Kegiatan / Sub Kegiatan",
    "Sumber Dana",
    "Jenis",
    "Pagu (Rp)",
    "Realisasi Keuangan (Rp)",
    "Keuangan (%)",
    "Target Fisik (%)",
    "Realisasi Fisik (%)",
    "Deviasi (poin)",
]
NASTY_PROGRAM = '=HYPERLINK("http://contoh.invalid","klik")'
NASTY_DANA = "@SUM(A1:A2)"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A store with the fixture DPA, every public report and custom kop / signatory settings."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    tmp = tmp_path_factory.mktemp("recap_xlsx")
    store = Store(tmp / "pantau.duckdb", data_dir=tmp)
    results = ingest_paths(store, [DPA_FIXTURE] + [FIXTURES / k for k in realisasi_fixtures()])
    assert all(r["status"] in ("accepted", "flagged") for r in results), results
    save(store, Settings(**CUSTOM), "test")
    yield store
    store.close()


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _header_row(ws, first: str) -> int:
    return next(c.row for c in ws["A"] if c.value == first)


def _table(ws, first: str):
    """(header row number, data rows as lists of cells, the JUMLAH row's cells)."""
    head = _header_row(ws, first)
    rows, total = [], None
    for row in ws.iter_rows(min_row=head + 1):
        if row[0].value == "JUMLAH":
            total = list(row)
            break
        rows.append(list(row))
    assert total is not None, "no JUMLAH row"
    return head, rows, total


def _nan_none(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _same(a, b):
    a, b = _nan_none(a), _nan_none(b)
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(b, rel=1e-12, abs=1e-9)


def _weighted(rows, col):
    """Pagu-weighted mean of column ``col`` over rows (missing values count as 0)."""
    pagu = sum(r[4].value or 0 for r in rows)
    return sum((r[4].value or 0) * (r[col].value or 0) for r in rows) / pagu if pagu else None


@pytest.mark.parametrize("month", [3, 4])
def test_rekap_sheet_equals_recap_opd(loaded, month):
    ws = _open(recap_workbook(loaded, 2026, month, today=TODAY))[REKAP_SHEET]
    head, rows, total = _table(ws, "No")
    assert [c.value for c in ws[head]] == REKAP_HEAD
    recap = recap_opd(loaded, 2026, month)
    assert len(rows) == len(recap) == 8
    for i, (row, r) in enumerate(zip(rows, recap.itertuples(index=False)), start=1):
        v = [c.value for c in row]
        assert v[:3] == [i, r.opd, r.sub_kegiatan]
        for got, want in zip(
            v[3:9], [r.pagu, r.realisasi_keuangan, r.keuangan_pct, r.target_fisik_pct, r.fisik_pct, r.deviasi]
        ):
            assert _same(got, want), (r.opd, v, r)
        assert v[9] == "Sudah lapor"
    tot = kabupaten_totals(recap)
    t = [c.value for c in total]
    assert t[2] == tot["sub_kegiatan"] == sum(r[2].value for r in rows)
    assert t[3] == tot["pagu"] == sum(r[3].value for r in rows)
    assert t[4] == pytest.approx(tot["realisasi_keuangan"]) and t[4] == pytest.approx(sum(r[4].value for r in rows))
    for got, key in zip(t[5:9], ["keuangan_pct", "target_fisik_pct", "fisik_pct", "deviasi"]):
        assert _same(got, tot[key]), key
    assert t[9] == "8 dari 8 OPD"


def _rincian(ws):
    """Rincian rows grouped: [(opd row, [(program row, [(kegiatan row, [sub rows])])])]."""
    head, rows, total = _table(ws, "Kode")
    tree = []
    for row in rows:
        level = ws.row_dimensions[row[0].row].outline_level
        if level == 0:
            tree.append((row, []))
        elif level == 1:
            tree[-1][1].append((row, []))
        elif level == 2:
            tree[-1][1][-1][1].append((row, []))
        else:
            assert level == 3
            tree[-1][1][-1][1][-1][1].append(row)
    return head, tree, total


def _check_subtotal(parent, subs):
    assert parent[4].value == pytest.approx(sum(s[4].value for s in subs)), parent[1].value
    reals = [s[5].value for s in subs if s[5].value is not None]
    assert _same(parent[5].value, sum(reals) if reals else None), parent[1].value
    if parent[8].value is not None:
        assert parent[8].value == pytest.approx(_weighted(subs, 8)), parent[1].value
    if parent[7].value is not None:
        assert parent[7].value == pytest.approx(_weighted(subs, 7)), parent[1].value


@pytest.mark.parametrize("month", [3, 4])
def test_rincian_subtotals_add_up_to_the_rekap(loaded, month):
    wb = _open(recap_workbook(loaded, 2026, month, today=TODAY))
    ws = wb[RINCIAN_SHEET]
    head, tree, total = _rincian(ws)
    assert [c.value for c in ws[head]] == RINCIAN_HEAD
    _, rekap_rows, rekap_total = _table(wb[REKAP_SHEET], "No")
    leaves = leaf_recap(loaded, 2026, month)
    all_subs = []
    assert [o[1].value for o, _ in tree] == [r[1].value for r in rekap_rows]
    for (opd, programs), rekap in zip(tree, rekap_rows):
        opd_subs = []
        # the OPD row carries the Rekap numbers
        for a, b in zip(opd[4:10], rekap[3:9]):
            assert _same(a.value, b.value)
        for program, kegiatan in programs:
            program_subs = []
            for keg, subs in kegiatan:
                assert subs, keg[0].value
                assert all(s[0].value.startswith(keg[0].value) for s in subs)
                _check_subtotal(keg, subs)
                program_subs += subs
            assert all(s[0].value.startswith(program[0].value) for s in program_subs)
            _check_subtotal(program, program_subs)
            opd_subs += program_subs
        _check_subtotal(opd, opd_subs)
        all_subs += opd_subs
    assert len(all_subs) == len(leaves) == rekap_total[2].value
    assert sorted(s[0].value for s in all_subs) == sorted(leaves["kode"])
    # the grand total equals the Rekap total
    for a, b in zip(total[4:10], rekap_total[3:9]):
        assert _same(a.value, b.value)
    assert total[4].value == pytest.approx(sum(s[4].value for s in all_subs))
    assert total[5].value == pytest.approx(sum(s[5].value or 0 for s in all_subs))
    # sub kegiatan rows: code, name, sumber dana, jenis, numbers as leaf_recap has them
    by_kode = {(r.opd, r.kode): r for r in leaves.itertuples(index=False)}
    for opd, programs in tree:
        for _, kegiatan in programs:
            for _, subs in kegiatan:
                for s in subs:
                    want = by_kode[(opd[1].value, s[0].value)]
                    assert s[1].value == want.nama and s[2].value == want.sumber_dana
                    assert s[3].value == {"fisik": "Fisik konstruksi", "non_fisik": "Non fisik"}[want.jenis]
                    for got, exp in zip(
                        [c.value for c in s[4:10]],
                        [
                            want.pagu,
                            want.realisasi_keuangan,
                            want.keuangan_pct,
                            want.target_fisik,
                            want.realisasi_fisik,
                            want.deviasi,
                        ],
                    ):
                        assert _same(got, exp)


def test_layout_formats_and_print_setup(loaded):
    wb = _open(recap_workbook(loaded, 2026, 3, today=TODAY))
    assert wb.sheetnames == [REKAP_SHEET, RINCIAN_SHEET]
    for name, first, money, pct, dev in [
        (REKAP_SHEET, "No", "DE", "FGH", "I"),
        (RINCIAN_SHEET, "Kode", "EF", "GHI", "J"),
    ]:
        ws = wb[name]
        head, rows, total = _table(ws, first)
        texts = [c.value for c in ws["A"][:head]]
        assert texts[:4] == [CUSTOM["kop_1"], CUSTOM["kop_2"], CUSTOM["kop_3"], CUSTOM["kop_alamat"]]
        assert ws["A1"].font.b and ws["A1"].alignment.horizontal == "center"
        assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
        assert "Keadaan s.d. akhir bulan Maret 2026" in texts
        assert (
            TITLE
            if name == REKAP_SHEET
            else "RINCIAN REALISASI FISIK DAN KEUANGAN PER PROGRAM, KEGIATAN DAN SUB KEGIATAN"
        ) in texts
        assert (
            "PEMERINTAH KABUPATEN CONTOH" not in texts[4:] and "KABUPATEN TANJUNG MAKMUR TAHUN ANGGARAN 2026" in texts
        )
        assert ws.freeze_panes == f"C{head + 1}"
        assert ws.auto_filter.ref == f"A{head}:J{rows[-1][0].row}"
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
        # fitToWidth absent means 1 (the OOXML default; XlsxWriter leaves it out)
        assert int(ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == f"${head}:${head}"
        assert all(ws.column_dimensions[c].width >= 5 for c in "ABCDEFGHIJ")
        for row in rows + [total]:
            for col in money:
                assert ws[f"{col}{row[0].row}"].number_format == RUPIAH
            for col in pct:
                assert ws[f"{col}{row[0].row}"].number_format == PERCENT
            assert ws[f"{dev}{row[0].row}"].number_format == DEVIASI
        assert all(c.font.b for c in total if c.value is not None)
    # program rows shaded and bold, kegiatan lighter and indented, sub kegiatan indented further
    ws = wb[RINCIAN_SHEET]
    _, tree, _ = _rincian(ws)
    program, kegiatan = tree[0][1][0]
    keg, subs = kegiatan[0]
    assert program[1].font.b and program[1].fill.fgColor.rgb.endswith("DDEBF7")
    assert not keg[1].font.b and keg[1].fill.fgColor.rgb.endswith("F2F2F2") and keg[1].alignment.indent == 1
    assert subs[0][1].alignment.indent == 2 and subs[0][1].fill.fill_type is None
    assert ws.sheet_properties.outlinePr.summaryBelow is False


@pytest.mark.parametrize("sheet", [REKAP_SHEET, RINCIAN_SHEET])
def test_signature_block_from_settings(loaded, sheet):
    assert load(loaded).ttd_nama == CUSTOM["ttd_nama"]
    ws = _open(recap_workbook(loaded, 2026, 3, today=TODAY))[sheet]
    _, _, total = _table(ws, "No" if sheet == REKAP_SHEET else "Kode")
    below = {c.value: c for row in ws.iter_rows(min_row=total[0].row + 1) for c in row if c.value is not None}
    assert "Kota Contoh, 23 November 2026" in below
    assert CUSTOM["ttd_jabatan"] in below
    nama = below[CUSTOM["ttd_nama"]]
    assert nama.font.b and nama.font.u == "single"
    assert "NIP. 19700101 199503 1 001" in below
    assert nama.row > below[CUSTOM["ttd_jabatan"]].row + 3  # room to sign
    nip = below["NIP. 19700101 199503 1 001"]
    assert nip.row == nama.row + 1 and ws.print_area.endswith(f"$A$1:$J${nip.row}")  # printed too
    # without a date given, today in Indonesian
    ws = _open(recap_workbook(loaded, 2026, 3))[sheet]
    assert f"Kota Contoh, {tanggal(dt.date.today())}" in [c.value for row in ws.iter_rows() for c in row]


def test_signature_placeholders_without_a_signatory(dpa_store):
    ws = _open(recap_workbook(dpa_store, 2026, 3, today=TODAY))[REKAP_SHEET]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Tanjung Makmur, 23 November 2026" in values and "Kepala Bagian Administrasi Pembangunan" in values
    assert any(v.startswith("(....") for v in values) and any(v.startswith("NIP. ....") for v in values)


def test_cells_are_numbers_and_missing_values_are_empty(loaded, dpa_store):
    for store, month in [(loaded, 3), (dpa_store, 1)]:
        data = recap_workbook(store, 2026, month, today=TODAY)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for n in zf.namelist():
                if n.startswith("xl/worksheets/sheet"):
                    xml = zf.read(n).decode()
                    assert "<f>" not in xml and "<f " not in xml
        wb = _open(data)
        for name, first, numeric in [(REKAP_SHEET, "No", [0, *range(2, 9)]), (RINCIAN_SHEET, "Kode", range(4, 10))]:
            ws = wb[name]
            _, rows, total = _table(ws, first)
            for row in rows:
                for j in numeric:
                    v = row[j].value
                    assert v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)), (
                        name,
                        row[j].coordinate,
                        v,
                    )
                    assert row[j].data_type == "n"
            for j in numeric if name == RINCIAN_SHEET else range(2, 9):
                assert total[j].value is None or isinstance(total[j].value, (int, float))
            assert not any(c.value == "-" for row in rows for c in row)
    # DPA only (January): pagu numbers, realisation cells empty
    _, rows, _ = _table(_open(recap_workbook(dpa_store, 2026, 1))[REKAP_SHEET], "No")
    assert all(isinstance(r[3].value, (int, float)) and r[3].value > 0 for r in rows)
    assert all(r[j].value is None for r in rows for j in range(4, 9))
    assert {r[9].value for r in rows} == {"Belum lapor"}


def test_opd_scoped_export(loaded):
    wb = _open(recap_workbook(loaded, 2026, 4, opd=DINKES, today=TODAY))
    _, rows, total = _table(wb[REKAP_SHEET], "No")
    recap = recap_opd(loaded, 2026, 4, DINKES)
    assert [r[1].value for r in rows] == ["Dinas Kesehatan"]
    assert total[3].value == recap["pagu"].iloc[0] and total[4].value == recap["realisasi_keuangan"].iloc[0]
    assert "DINAS KESEHATAN TAHUN ANGGARAN 2026" in [c.value for c in wb[REKAP_SHEET]["A"]]
    _, tree, rin_total = _rincian(wb[RINCIAN_SHEET])
    assert [o[0].value for o, _ in tree] == [DINKES]
    codes = [s[0].value for _, progs in tree for _, kegs in progs for _, subs in kegs for s in subs]
    assert codes and all(c.startswith("1.02.") for c in codes)
    assert len(codes) == recap["sub_kegiatan"].iloc[0]
    all_text = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(name in all_text for name in ("Dinas Sosial", "Dinas Pendidikan", "Dinas Pertanian"))
    assert rin_total[4].value == total[3].value


def test_text_that_looks_like_a_formula_stays_text(dpa_store, tmp_path):
    """A program name and a sumber dana from an uploaded CSV that start with = and @."""
    from etl.pipeline import ingest_paths

    text = (FIXTURES / "realisasi" / "dinsos_2026-03.csv").read_text(encoding="utf-8-sig")
    text = text.replace(
        "1.06.01;PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA;", f"1.06.01;{NASTY_PROGRAM};", 1
    )
    text = text.replace(
        ";DAU;Kabupaten Sukamaju;Menunggu juknis", f";{NASTY_DANA};Kabupaten Sukamaju;Menunggu juknis", 1
    )
    assert NASTY_PROGRAM in text and NASTY_DANA in text
    path = tmp_path / "dinsos_2026-03.csv"
    path.write_text(text, encoding="utf-8")
    assert [r["status"] for r in ingest_paths(dpa_store, [path])] == ["accepted"]
    data = recap_workbook(dpa_store, 2026, 3, today=TODAY)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    ws = _open(data)[RINCIAN_SHEET]
    cells = [c for row in ws.iter_rows() for c in row if c.value in (NASTY_PROGRAM, NASTY_DANA)]
    assert {c.value for c in cells} == {NASTY_PROGRAM, NASTY_DANA}
    assert all(c.data_type == "s" for c in cells)


def test_no_data_raises(store):
    with pytest.raises(NoData, match="Belum ada DPA atau laporan untuk Maret 2026"):
        recap_workbook(store, 2026, 3)


def test_tanggal():
    assert tanggal(dt.date(2026, 11, 23)) == "23 November 2026"
    assert tanggal(dt.date(2026, 3, 1)) == "1 Maret 2026"


# ---------------------------------------------------------------------------- CLI
def _run(tmp_path, *args):
    env = dict(os.environ, PANTAU_DATA=str(tmp_path), PANTAU_DB=str(tmp_path / "default.duckdb"))
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_export_recap(loaded, tmp_path):
    out = tmp_path / "keluar" / "rekap_maret.xlsx"
    proc = _run(
        tmp_path, "export", "recap", "--db", str(loaded.path), "--year", "2026", "--month", "3", "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Rekap Maret 2026 ditulis ke" in proc.stdout and "8 OPD" in proc.stdout
    wb = _open(out.read_bytes())
    _, rows, total = _table(wb[REKAP_SHEET], "No")
    recap = recap_opd(loaded, 2026, 3)
    assert [r[1].value for r in rows] == recap["opd"].tolist()
    assert [r[3].value for r in rows] == recap["pagu"].tolist()
    assert [r[4].value for r in rows] == pytest.approx(recap["realisasi_keuangan"].tolist())
    tot = kabupaten_totals(recap)
    assert total[3].value == tot["pagu"] and total[4].value == pytest.approx(tot["realisasi_keuangan"])
    assert total[7].value == pytest.approx(tot["fisik_pct"])
    # settings of the install reach the file
    values = [c.value for row in wb[REKAP_SHEET].iter_rows() for c in row]
    assert CUSTOM["kop_1"] in values and CUSTOM["ttd_nama"] in values
    assert not list(out.parent.glob("*.tmp"))


def test_cli_export_recap_one_opd(loaded, tmp_path):
    out = tmp_path / "dinkes.xlsx"
    proc = _run(
        tmp_path,
        "export",
        "recap",
        "--db",
        str(loaded.path),
        "--year",
        "2026",
        "--month",
        "4",
        "--opd",
        "dinkes",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    _, rows, _ = _table(_open(out.read_bytes())[REKAP_SHEET], "No")
    assert [r[1].value for r in rows] == ["Dinas Kesehatan"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2026", "--month", "1"], "belum ada laporan realisasi OPD untuk Januari 2026"),
        (["--year", "2025", "--month", "3"], "belum ada DPA atau laporan untuk Maret 2025"),
        (
            ["--year", "2026", "--month", "3", "--opd", "dinas antah berantah"],
            "OPD 'dinas antah berantah' tidak dikenal",
        ),
    ],
)
def test_cli_export_refuses_without_data(loaded, tmp_path, args, message):
    out = tmp_path / "x.xlsx"
    proc = _run(tmp_path, "export", "recap", "--db", str(loaded.path), *args, "--out", str(out))
    assert proc.returncode == 1
    assert message in proc.stderr and proc.stderr.startswith("Kesalahan:")
    assert "Traceback" not in proc.stderr
    assert not out.exists()
