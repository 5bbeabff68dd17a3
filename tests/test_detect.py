"""Recognition: header rows and column fields, period, OPD, leaf rows (etl.columns/detect/opd_match/realisasi)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, load_expected

from etl.columns import field_for, find_header
from etl.detect import find_period, opd_in_title, period_in_title, title_lines
from etl.opd_match import OpdMatcher, OpdRef
from etl.reader import Sheet, read_sheets
from etl.realisasi import parse_table
from etl.sniff import sniff
from etl.text import norm

EXPECTED = load_expected()["files"]
LAYOUT_FILES = sorted(k for k, v in EXPECTED.items() if "header_row" in v)
V2_FILES = sorted(k for k, v in EXPECTED.items() if v.get("variant") == "V2")


def _sheets(key: str) -> list[Sheet]:
    path = FIXTURES / key
    data = path.read_bytes()
    return read_sheets(path.name, data, sniff(path.name, data))


def _report_sheet(key: str) -> Sheet:
    sheets = _sheets(key)
    want = EXPECTED[key].get("sheet")
    if want is None:
        assert len(sheets) == 1
        return sheets[0]
    return next(s for s in sheets if s.name == want)


# ---------------------------------------------------------------------------- headers
@pytest.mark.parametrize("key", LAYOUT_FILES)
def test_header_row_matches_expected(key):
    sheet = _report_sheet(key) if EXPECTED[key]["kind"] == "realisasi" else _sheets(key)[0]
    header = find_header(sheet)
    assert header is not None, key
    # EXPECTED header_row is the 1-based sheet row of the first header row
    assert sheet.sheet_row(header.first) == EXPECTED[key]["header_row"]


@pytest.mark.parametrize("key", sorted(k for k, v in EXPECTED.items() if v["kind"] == "realisasi"))
def test_realisasi_fields_recognised(key):
    header = find_header(_report_sheet(key))
    for f in ("kode", "nama", "pagu", "target_fisik", "realisasi_fisik", "realisasi_keuangan"):
        assert f in header.fields, (key, f, header.matched())
    # pagu, fisik and keuangan are different columns
    cols = [header.fields[f] for f in ("pagu", "target_fisik", "realisasi_fisik", "realisasi_keuangan")]
    assert len(set(cols)) == 4


@pytest.mark.parametrize("key", V2_FILES)
def test_two_row_header_and_column_number_row(key):
    sheet = _report_sheet(key)
    header = find_header(sheet)
    row = EXPECTED[key]["header_row"]
    assert sheet.sheet_row(header.first) == row
    assert sheet.sheet_row(header.last) == row + 1  # "Fisik (%) | Keuangan (Rp) | %" sub-header
    assert sheet.sheet_row(header.data_start) == row + 3  # the 1 2 3 ... row is skipped
    f = header.fields
    # merged "Target" / "Realisasi" parents combined with their children
    assert (f["target_fisik"], f["realisasi_fisik"], f["realisasi_keuangan"], f["persen_keuangan"]) == (4, 5, 6, 7)
    assert (f["kode"], f["nama"], f["pagu"]) == (1, 2, 3)
    assert header.labels[f["realisasi_keuangan"]] == "Realisasi › Keuangan (Rp)"  # the header path


def test_dpa_header_fields():
    sheet = _sheets("master/dpa_2026.xlsx")[0]
    header = find_header(sheet)
    assert sheet.sheet_row(header.first) == 1
    assert {"kode_opd", "nama_opd", "kode", "nama", "pagu", "sumber_dana", "kode_rekening", "uraian_rekening"} <= set(
        header.fields
    )


@pytest.mark.parametrize(
    "label, field",
    [
        ("Pagu Anggaran (Rp)", "pagu"),
        ("Nilai DPA", "pagu"),
        ("Anggaran", "pagu"),
        ("Realisasi Keuangan (Rp)", "realisasi_keuangan"),
        ("Realisasi Keuangan (%)", "persen_keuangan"),
        ("Realisasi Fisik (%)", "realisasi_fisik"),
        ("Target Fisik (%)", "target_fisik"),
        ("Kode Rekening", "kode_rekening"),  # cells holding sub kegiatan codes make it the kode (settle_layout)
        ("Program / Kegiatan / Sub Kegiatan", "nama"),
        ("nama_sub_kegiatan", "nama"),
        ("Sumber Dana", "sumber_dana"),
        ("Permasalahan", "permasalahan"),
        ("Deviasi Fisik (%)", "deviasi"),
        ("No", "no"),
    ],
)
def test_field_synonyms(label, field):
    assert field_for(norm(label)) == field


def test_column_number_row_skipped_and_header_not_in_column_a():
    rows = [
        [None, None, "LAPORAN REALISASI", None, None, None, None],
        [None, None, "No", "Kode", "Uraian", "Pagu", "Realisasi Fisik (%)", "Realisasi Keuangan (Rp)"],
        [None, None, "1", "2", "3", "4", "5", "6"],
        [None, None, 1, "1.02.01.2.01.0001", "Sub A", 100, 10, 5],
    ]
    sheet = Sheet("S", rows)
    header = find_header(sheet)
    assert header.first == header.last == 1
    assert header.data_start == 3
    assert header.fields["kode"] == 3 and header.fields["pagu"] == 5


def test_no_header_found():
    sheet = Sheet("S", [["Laporan"], ["angka", 1, 2, 3], [None, 4, 5, 6]])
    assert find_header(sheet) is None


# ---------------------------------------------------------------------------- period
@pytest.mark.parametrize(
    "text, source, year, month",
    [
        ("KEADAAN BULAN : APRIL 2026", "title", 2026, 4),
        ("KEADAAN S/D BULAN : MARET 2026", "title", 2026, 3),
        ("Keadaan s.d. Maret 2026", "title", 2026, 3),
        ("dinsos_2026-03", "file", 2026, 3),
        ("dinsos_2026-03.csv", "file", 2026, 3),
        ("DISDIK_MARET_2026", "file", 2026, 3),
        ("Lap Realisasi DINKES April 2026", "file", 2026, 4),
        ("April", "sheet", None, 4),
        ("Mar", "sheet", None, 3),
        ("Des 2026", "sheet", 2026, 12),
        ("KEADAAN BULAN : 03-2026", "title", 2026, 3),
    ],
)
def test_period_found(text, source, year, month):
    hit = find_period(text, source)
    assert hit is not None
    assert (hit.year, hit.month, hit.invalid_month) == (year, month, None)
    assert hit.source == source


@pytest.mark.parametrize(
    "text, source", [("13 2026", "file"), ("laporan_2026-13", "file"), ("KEADAAN BULAN : 13 2026", "title")]
)
def test_period_month_13_is_invalid(text, source):
    hit = find_period(text, source)
    assert hit.month is None
    assert hit.invalid_month == 13
    assert hit.year == 2026


@pytest.mark.parametrize(
    "text, source",
    [
        ("", "title"),
        ("LAPORAN REALISASI FISIK DAN KEUANGAN", "title"),
        ("PEMERINTAH KABUPATEN SUKAMAJU", "title"),
        ("OPD : DINAS KESEHATAN", "title"),
        ("Sheet1", "sheet"),
        ("Realisasi", "sheet"),
    ],
)
def test_no_period(text, source):
    assert find_period(text, source) is None


def test_year_only_has_no_month():
    hit = find_period("TA 2026", "title")
    assert (hit.year, hit.month) == (2026, None)


def test_period_in_title_skips_opd_line_and_prefers_month():
    lines = ["LAPORAN REALISASI FISIK DAN KEUANGAN TA 2026", "OPD : DINAS KESEHATAN", "KEADAAN BULAN : MARET 2026"]
    hit = period_in_title(lines)
    assert (hit.year, hit.month) == (2026, 3)
    assert opd_in_title(lines) == "DINAS KESEHATAN"


@pytest.mark.parametrize("text", ["KEADAAN BULAN : JANUARI S/D MARET 2026", "Periode Januari s.d. Maret 2026"])
def test_period_range_takes_end_month(text):
    assert find_period(text, "title").month == 3


@pytest.mark.parametrize(
    "text", ["KEADAAN S/D BULAN : MEI 2026", "LAPORAN REALISASI BULAN MEI 2026", "Lap Realisasi DINKES Mei 2026"]
)
def test_mei_in_a_title(text):
    hit = find_period(text, "title")
    assert (hit.year, hit.month) == (2026, 5)


def test_mei_in_a_short_title():
    hit = find_period("KEADAAN BULAN : MEI 2026", "title")
    assert (hit.year, hit.month) == (2026, 5)


def test_title_lines_of_fixture():
    sheet = _report_sheet("realisasi/realisasi_dinkes_2026-03.xlsx")
    header = find_header(sheet)
    lines = title_lines(sheet.rows, header.first)
    assert lines == [
        "LAPORAN REALISASI FISIK DAN KEUANGAN",
        "PEMERINTAH KABUPATEN SUKAMAJU",
        "OPD : DINAS KESEHATAN",
        "KEADAAN BULAN : MARET 2026",
    ]
    assert (period_in_title(lines).year, period_in_title(lines).month) == (2026, 3)


# ---------------------------------------------------------------------------- OPD
OPDS = [
    OpdRef("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "DINKES"),
    OpdRef("1.03.0.00.0.00.01.0000", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"),
    OpdRef("5.01.0.00.0.00.01.0000", "Badan Perencanaan Pembangunan Daerah", "BAPPEDA"),
    OpdRef("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", None),
    # two OPDs that both answer to "DKP": a common alias and the initials of the other
    OpdRef("2.09.0.00.0.00.01.0000", "Dinas Ketahanan Pangan", None),
    OpdRef("3.25.0.00.0.00.01.0000", "Dinas Kelautan dan Perikanan", None),
    OpdRef("2.08.0.00.0.00.01.0000", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", None),
]


@pytest.fixture(scope="module")
def matcher():
    return OpdMatcher(OPDS)


@pytest.mark.parametrize(
    "text, kode",
    [
        ("Dinas Kesehatan", "1.02.0.00.0.00.01.0000"),
        ("DINAS KESEHATAN", "1.02.0.00.0.00.01.0000"),
        ("PEMERINTAH KABUPATEN SUKAMAJU DINAS KESEHATAN", "1.02.0.00.0.00.01.0000"),
        ("dinkes", "1.02.0.00.0.00.01.0000"),
        ("DPUPR", "1.03.0.00.0.00.01.0000"),
        ("Dinas PUPR", "1.03.0.00.0.00.01.0000"),
        ("bappeda", "5.01.0.00.0.00.01.0000"),
        ("BAPPEDA", "5.01.0.00.0.00.01.0000"),
        ("Badan Perencanaan Pembangunan Daerah", "5.01.0.00.0.00.01.0000"),
        ("disdik", "1.01.0.00.0.00.01.0000"),
        ("1.02.0.00.0.00.01.0000", "1.02.0.00.0.00.01.0000"),
        ("Dinas Ketahanan Pangan", "2.09.0.00.0.00.01.0000"),
        ("Dinas Kelautan dan Perikanan", "3.25.0.00.0.00.01.0000"),
        ("DP3A", "2.08.0.00.0.00.01.0000"),
    ],
)
def test_opd_exact(matcher, text, kode):
    assert matcher.exact(text).kode == kode


@pytest.mark.parametrize(
    "text, kode",
    [
        ("Lap Realisasi DINKES April 2026", "1.02.0.00.0.00.01.0000"),
        ("realisasi dpupr 2026 03", "1.03.0.00.0.00.01.0000"),
        ("dp3a_2026-03", "2.08.0.00.0.00.01.0000"),
        ("LAPORAN BADAN PERENCANAAN PEMBANGUNAN DAERAH KAB. SUKAMAJU", "5.01.0.00.0.00.01.0000"),
    ],
)
def test_opd_search_in_text(matcher, text, kode):
    assert [o.kode for o in matcher.search(text)] == [kode]


@pytest.mark.parametrize("text", ["DKP", "dkp", "realisasi dkp 2026 03"])
def test_ambiguous_abbreviation_not_matched(matcher, text):
    assert matcher.exact(text) is None
    assert matcher.search(text) == []


@pytest.mark.parametrize("text", ["dinas", "kesehatan", "Dinas Pariwisata", "brida", ""])
def test_unknown_opd_not_matched(matcher, text):
    assert matcher.exact(text) is None
    assert matcher.search(text) == []


# ---------------------------------------------------------------------------- leaf rows
def test_fixture_leaves_are_the_sub_kegiatan_rows():
    key = "realisasi/DISDIK_MARET_2026.xlsx"
    sheet = _report_sheet(key)
    table = parse_table(sheet, find_header(sheet))
    exp = EXPECTED[key]
    assert len(table.leaves) == exp["leaf_rows"]
    assert [lf.kode for lf in table.leaves] == list(exp["leaves"])
    assert all(len(lf.kode.split(".")) == 6 for lf in table.leaves)
    assert sum(lf.pagu for lf in table.leaves) == exp["sum_pagu"]
    first = table.leaves[0]
    assert (first.kode, first.row, first.program_kode, first.kegiatan_kode) == (
        "1.01.01.2.01.0001",
        9,
        "1.01.01",
        "1.01.01.2.01",
    )
    assert first.program_nama == "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA"
    assert first.kegiatan_nama == "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah"
    assert not [i for i in table.issues if i.code == "subtotal_mismatch"]


HEADER = ["No", "Kode", "Uraian", "Pagu (Rp)", "Target Fisik (%)", "Realisasi Fisik (%)", "Realisasi Keuangan (Rp)"]


def _table(rows: list[list]) -> tuple:
    sheet = Sheet("Realisasi", [["LAPORAN REALISASI"], HEADER] + rows)
    header = find_header(sheet)
    return sheet, parse_table(sheet, header)


def test_program_and_kegiatan_rows_excluded_and_jumlah_ends_table():
    sheet, table = _table(
        [
            ["I", "1.02.01", "PROGRAM A", 300, 25, 20, 60],
            ["A", "1.02.01.2.01", "Kegiatan A", 300, 25, 20, 60],
            [1, "1.02.01.2.01.0001", "Sub A1", 100, 25, 10, 20],
            [2, "1.02.01.2.01.0002", "Sub A2", 200, 25, 25, 40],
            [None, None, "JUMLAH", 300, None, None, 60],
            [None, "1.02.01.2.01.0003", "Catatan setelah jumlah", 999, 0, 0, 0],
            [None, None, "Mengetahui, Kepala Dinas", None, None, None, None],
        ]
    )
    assert [lf.kode for lf in table.leaves] == ["1.02.01.2.01.0001", "1.02.01.2.01.0002"]
    assert [lf.row for lf in table.leaves] == [5, 6]
    assert [lf.pagu for lf in table.leaves] == [100, 200]
    assert [lf.realisasi_fisik for lf in table.leaves] == [10, 25]
    assert not [i for i in table.issues if i.severity != "info"]


def test_jumlah_mismatch_is_a_warning_on_the_total_row():
    sheet, table = _table(
        [
            [1, "1.02.01.2.01.0001", "Sub A1", 100, 25, 10, 20],
            [2, "1.02.01.2.01.0002", "Sub A2", 200, 25, 25, 40],
            [None, None, "TOTAL", 350, None, None, 60],
        ]
    )
    mism = [i for i in table.issues if i.code == "subtotal_mismatch"]
    assert len(mism) == 1
    assert (mism[0].severity, mism[0].row, mism[0].column, mism[0].raw) == ("warning", 5, "D", "350.0")


def test_subtotal_mismatch_on_kegiatan_row():
    sheet, table = _table(
        [
            ["A", "1.02.01.2.01", "Kegiatan A", 300, 25, 20, 65],
            [1, "1.02.01.2.01.0001", "Sub A1", 100, 25, 10, 20],
            [2, "1.02.01.2.01.0002", "Sub A2", 200, 25, 25, 40],
        ]
    )
    mism = [i for i in table.issues if i.code == "subtotal_mismatch"]
    assert [(i.row, i.column) for i in mism] == [(3, "G")]


def test_leaves_by_number_marker_without_code_column():
    sheet = Sheet(
        "S",
        [
            ["No", "Program / Kegiatan / Sub Kegiatan", "Pagu", "Realisasi Fisik (%)", "Realisasi Keuangan (Rp)"],
            ["I", "PROGRAM A", 300, 20, 60],
            ["A", "Kegiatan A", 300, 20, 60],
            [1, "Sub A1", 100, 10, 20],
            [2, "Sub A2", 200, 25, 40],
            ["JUMLAH", None, 300, None, 60],
        ],
    )
    table = parse_table(sheet, find_header(sheet))
    assert [(lf.nama, lf.pagu) for lf in table.leaves] == [("Sub A1", 100), ("Sub A2", 200)]
