"""The header and layout stages on their own: header paths, fields by path, duplicates settled by
the cells, the code column found by its codes (etl.columns, etl.codes)."""

from __future__ import annotations

import pytest

from etl.codes import KEGIATAN, ORGANISASI, PROGRAM, REKENING, SUB_KEGIATAN, code_kind, split_code
from etl.columns import block_paths, field_for_path, find_header
from etl.reader import Sheet
from etl.realisasi import parse_table
from etl.text import norm


def _path(*labels: str) -> tuple[str, ...]:
    return tuple(norm(x) for x in labels)


@pytest.mark.parametrize(
    "labels, field",
    [
        (("KEUANGAN", "REALISASI", "Rp"), "realisasi_keuangan"),
        (("KEUANGAN", "REALISASI", "% KUM"), "persen_keuangan"),
        (("KEUANGAN", "REALISASI", "% TTB"), "ignore"),
        (("KEUANGAN", "RENCANA", "Rp"), "target_keuangan"),
        (("FISIK ( % )", "RENCANA", "KUM"), "target_fisik"),
        (("FISIK ( % )", "REALISASI", "KUM"), "realisasi_fisik"),
        (("FISIK", "REN", "%"), "target_fisik"),
        (("FISIK", "REAL", "%"), "realisasi_fisik"),
        (("FISIK", "CAPAAIAN", "%"), "ignore"),  # a misspelt branch is never realisasi
        (("KEUANGAN", "DEVIASI (%)", "% KUM"), "ignore"),
        (("KEUANGAN", "SISA ANGGARAN ( Rp )"), "ignore"),
        (("NILAI DPA", "Rp"), "pagu"),
        (("NILAI ANGGARAN", "%"), "ignore"),
        (("Kelompok Belanja", "Total", "Anggaran"), "pagu"),
        (("Kelompok Belanja", "Total", "Realisasi"), "realisasi_keuangan"),
        (("Kelompok Belanja", "Modal", "Anggaran"), "pagu_modal"),
        (("Kelompok Belanja", "Operasi", "Realisasi"), "ignore"),
        (("PAGU AKAS", "SD JUNI"), "target_keuangan"),
        (("Realisasi", "Keuangan (Rp)"), "realisasi_keuangan"),
        (("KODE SUB KEGIATAN",), "kode"),
        (("KODE KEGIATAN",), "kegiatan_kode"),
        (("NAMA SUMBER DANA",), "sumber_dana"),
        (("KODE SUMBER DANA",), "ignore"),
        (("APBD",), "pagu"),
        (("UPAYA PEMECAHAN MASALAH",), "solusi"),
    ],
)
def test_field_by_header_path(labels, field):
    assert field_for_path(_path(*labels)) == field


def test_no_plan_column_is_ever_realisasi():
    for plan in ("RENCANA", "REN", "TARGET"):
        for leaf in ("Rp", "%", "KUM"):
            got = field_for_path(_path("KEUANGAN", plan, leaf))
            assert got not in ("realisasi_keuangan", "persen_keuangan", "realisasi_fisik"), (plan, leaf, got)


def test_parent_labels_spread_over_their_children_without_merge_information():
    rows = [
        ["NO", "URAIAN", "NILAI DPA", None, "KEUANGAN", None, None, None, "FISIK"],
        [None, None, "Rp", "%", "RENCANA", None, "REALISASI", None, "REALISASI"],
        [None, None, None, None, "Rp", "% TTB", "Rp", "% TTB", "KUM"],
    ]
    paths = block_paths(Sheet("RFK", rows), 0, 2)
    assert paths[3] == ("NILAI DPA", "%")
    assert paths[5] == ("KEUANGAN", "RENCANA", "% TTB")
    assert paths[6] == ("KEUANGAN", "REALISASI", "Rp")
    assert paths[8] == ("FISIK", "REALISASI", "KUM")


def _compilation(weighted: bool) -> Sheet:
    header = [
        ["NO", "URAIAN KEGIATAN", "NILAI ANGGARAN", "KEUANGAN", None, "FISIK", None],
        [None, None, None, "REALISASI", None, "REAL", None],
        [None, None, "Rp", "Rp", "%", "%", "%"],
    ]
    pagu = [100.0, 300.0]
    fisik = [50.0, 80.0]
    second = [f * p / sum(pagu) for f, p in zip(fisik, pagu)] if weighted else [40.0, 90.0]
    body = [[i + 1.0, f"Sub kegiatan {i}", pagu[i], pagu[i] / 2, 50.0, fisik[i], second[i]] for i in range(2)]
    return Sheet("Lembar", header + body)


def test_a_weighted_twin_column_is_set_aside_by_its_cells():
    header = find_header(_compilation(weighted=True))
    assert header.fields["realisasi_fisik"] == 5 and "realisasi_fisik" not in header.ambiguous
    assert any("tertimbang" in note for note in header.notes)


def test_two_unexplained_candidates_stay_ambiguous():
    header = find_header(_compilation(weighted=False))
    assert header.ambiguous["realisasi_fisik"] == [5, 6]


def test_the_code_column_is_found_by_its_codes():
    rows = [
        ["Kode", None, None, "Uraian", "Anggaran", "Realisasi Keuangan (Rp)"],
        ["1.02", "1.02.01", None, "PROGRAM X", 10.0, 5.0],
        ["1.02", "1.02.01.2.01.0001", None, "Sub kegiatan", 10.0, 5.0],
        ["1.02", "1.02.01.2.01.0001", "5.1.02.01.01.0024", "Belanja ATK", 10.0, 5.0],
    ]
    header = find_header(Sheet("LRA", rows))
    assert header.fields["kode"] == 1 and header.fields["kode_rekening"] == 2
    leaves = parse_table(Sheet("LRA", rows), header).leaves
    assert [lf.kode for lf in leaves] == ["1.02.01.2.01.0001"]  # the rekening line is not a leaf


@pytest.mark.parametrize(
    "code, kind",
    [
        ("1.02.01.2.01.0001", SUB_KEGIATAN),
        ("1.01.01.1.01.01", SUB_KEGIATAN),
        ("1.02.01.2.01", KEGIATAN),
        ("1.02.01", PROGRAM),
        ("5.1.02.01.01.0024", REKENING),
        ("1.02.2.14.0.00.01.0000", ORGANISASI),
    ],
)
def test_code_kinds(code, kind):
    assert code_kind(code) == kind


def test_code_and_name_in_one_cell():
    assert split_code("1.01.01.1.01.01 Penyusunan Dokumen") == ("1.01.01.1.01.01", "Penyusunan Dokumen")
    assert split_code(" 1.02.01.2.01.0001 ") == ("1.02.01.2.01.0001", None)
    assert split_code("1.01.01. ") == ("1.01.01", None)
    assert split_code("Dinas Kesehatan") == (None, "Dinas Kesehatan")


def test_a_fisik_column_with_one_value_above_one_is_not_rescaled():
    rows = [["Kode", "Uraian", "Pagu", "Realisasi Keuangan (Rp)", "Realisasi Fisik (%)"]]
    rows += [[f"1.02.01.2.01.{i:04d}", f"Sub {i}", 10.0, 5.0, 0.35] for i in range(1, 70)]
    rows += [["1.02.01.2.01.0099", "Sub 99", 10.0, 5.0, 100.0]]
    header = find_header(Sheet("R", rows))
    table = parse_table(Sheet("R", rows), header)
    assert not table.fraction_scale
    assert table.leaves[-1].realisasi_fisik == 100.0 and table.leaves[0].realisasi_fisik == 0.35


def test_rekening_lines_in_the_code_column_are_details_of_their_sub_kegiatan():
    rows = [
        ["Kode", "Uraian", "Pagu", "Realisasi Keuangan (Rp)", "Realisasi Fisik (%)"],
        ["1.02.01.2.01.0001", "Sub kegiatan", 300.0, 100.0, 40.0],
        ["5.1.02.01.01.0024", "Belanja ATK", 100.0, 50.0, 50.0],
        ["5.1.02.01.01.0026", "Belanja Cetak", 200.0, 50.0, 35.0],
    ]
    header = find_header(Sheet("RFK", rows))
    assert [lf.kode for lf in parse_table(Sheet("RFK", rows), header).leaves] == ["1.02.01.2.01.0001"]


@pytest.mark.parametrize(
    "labels, field",
    [
        (("PAGU SEBELUM PERGESERAN",), "pagu_sebelum"),
        (("PAGU SESUDAH PERGESERAN",), "pagu"),
        (("Anggaran Semula",), "pagu_sebelum"),
    ],
)
def test_the_pagu_in_force_of_a_pergeseran_export(labels, field):
    assert field_for_path(_path(*labels)) == field


def test_pagu_murni_alone_is_the_pagu():
    rows = [
        ["KODE SKPD", "KODE SUB KEGIATAN", "NAMA SUB KEGIATAN", "PAGU MURNI"],
        ["1.02.01", "1.02.01.2.01.0001", "A", 5.0],
    ]
    header = find_header(Sheet("S", rows))
    assert header.fields["pagu"] == 3


def test_this_months_flow_is_not_the_cumulative_realisasi():
    assert field_for_path(_path("REALISASI", "BULAN INI", "Rp")) == "ignore"
    assert field_for_path(_path("REALISASI", "S.D. BULAN INI", "Rp")) == "realisasi_keuangan"
