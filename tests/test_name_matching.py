"""Rows reported by name without a code are matched to the DPA's sub kegiatan by normalised name:
exactly the same name -> matched; only close -> listed with the candidates, never attached."""

from __future__ import annotations

import openpyxl

from etl.pipeline import ingest_paths


def _report(path, names: list[str]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAPORAN REALISASI FISIK DAN KEUANGAN"])
    ws.append(["OPD : DINAS KESEHATAN"])
    ws.append(["KEADAAN BULAN : MARET 2026"])
    ws.append([])
    ws.append(["No", "Uraian Sub Kegiatan", "Pagu (Rp)", "Realisasi Keuangan (Rp)", "Realisasi Fisik (%)"])
    for i, name in enumerate(names, start=1):
        ws.append([i, name, 1_000_000 * i, 500_000 * i, 50.0])
    wb.save(path)
    return path


def test_names_without_codes_match_the_dpa_exactly_or_wait_for_a_person(dpa_store, tmp_path):
    exact = "PENYUSUNAN  dokumen perencanaan perangkat daerah"  # case and spaces differ only
    close = "Evaluasi Kinerja Perangkat Daerahh"  # a typo: only close
    (rep,) = ingest_paths(dpa_store, [_report(tmp_path / "dinkes_maret_2026.xlsx", [exact, close])])
    assert rep["status"] == "flagged", rep["issues"]
    codes = {i["code"] for i in rep["issues"]}
    assert "nama_cocok_dpa" in codes and "nama_tidak_di_dpa" in codes
    unsure = next(i for i in rep["issues"] if i["code"] == "nama_tidak_di_dpa")
    assert "1.02.01.2.01.0003" in unsure["message"] and unsure["row"] == 7  # the candidate is named
    leaves = dpa_store.report_leaves(int(dpa_store.import_history().query("kind == 'realisasi'").iloc[0]["id"]))
    kodes = leaves.sort_values("source_row")["sub_kegiatan_kode"].tolist()
    assert kodes[0] == "1.02.01.2.01.0001"
    assert kodes[1].startswith("~")  # not attached to the candidate
