"""Rows reported by name without a code are matched to the DPA's sub kegiatan by normalised name:
exactly the same name -> matched; only close -> held for a person with the candidates, never
attached by guess; the confirmed name is remembered for the OPD (issue 14)."""

from __future__ import annotations

import openpyxl
import pytest
from pg_support import use_both_engines

from core import held
from core.access import Forbidden, User
from core.recap import recap_opd
from etl.pipeline import ingest_paths

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

EXACT = "PENYUSUNAN  dokumen perencanaan perangkat daerah"  # case and spaces differ only
CLOSE = "Evaluasi Kinerja Perangkat Daerahh"  # a typo: only close to 1.02.01.2.01.0003
ADMIN = User("admin", "Admin", "admin")


def _report(path, names: list[str], month: str = "MARET"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAPORAN REALISASI FISIK DAN KEUANGAN"])
    ws.append(["OPD : DINAS KESEHATAN"])
    ws.append([f"KEADAAN BULAN : {month} 2026"])
    ws.append([])
    ws.append(["No", "Uraian Sub Kegiatan", "Pagu (Rp)", "Realisasi Keuangan (Rp)", "Realisasi Fisik (%)"])
    for i, name in enumerate(names, start=1):
        ws.append([i, name, 1_000_000 * i, 500_000 * i, 50.0])
    wb.save(path)
    return path


def test_an_unsure_name_is_held_until_a_person_confirms_it_and_then_remembered(dpa_store, tmp_path):
    (rep,) = ingest_paths(dpa_store, [_report(tmp_path / "dinkes_maret_2026.xlsx", [EXACT, CLOSE])])
    assert rep["status"] == "flagged" and rep["held"] == 1 and rep["rows"] == 1
    assert rep["realisasi_keuangan"] == 500_000  # the held row is not loaded
    unsure = next(i for i in rep["issues"] if i["code"] == "nama_tidak_di_dpa")
    assert "1.02.01.2.01.0003" in unsure["message"] and "ditahan" in unsure["message"] and unsure["row"] == 7
    imp = int(dpa_store.import_history().query("kind == 'realisasi'").iloc[0]["id"])
    assert dpa_store.report_leaves(imp)["sub_kegiatan_kode"].tolist() == ["1.02.01.2.01.0001"]

    (row,) = held.waiting(dpa_store, ADMIN, 2026).itertuples()
    with pytest.raises(Forbidden):
        held.confirm(dpa_store, User("op", "Operator", "opd", opd_kode="1.03.0.00.0.00.01.0000"), row.id, "x")
    with pytest.raises(ValueError, match="bukan salah satu kandidat"):
        held.confirm(dpa_store, ADMIN, row.id, "1.02.01.2.01.0001")
    held.confirm(dpa_store, ADMIN, row.id, "1.02.01.2.01.0003")
    assert held.waiting(dpa_store, ADMIN, 2026).empty
    leaves = dpa_store.report_leaves(imp).sort_values("source_row")
    assert leaves["sub_kegiatan_kode"].tolist() == ["1.02.01.2.01.0001", "1.02.01.2.01.0003"]
    row = recap_opd(dpa_store, 2026, 3).set_index("opd").loc["Dinas Kesehatan"]
    assert row["realisasi_keuangan"] == pytest.approx(1_500_000)

    # next month the same typo is matched without asking (the confirmed name is remembered)
    (april,) = ingest_paths(dpa_store, [_report(tmp_path / "dinkes_april_2026.xlsx", [EXACT, CLOSE], "APRIL")])
    assert april["held"] == 0 and april["rows"] == 2


def test_a_held_row_can_be_left_out_with_a_reason(dpa_store, tmp_path):
    ingest_paths(dpa_store, [_report(tmp_path / "dinkes_maret_2026.xlsx", [CLOSE])])
    (row,) = held.waiting(dpa_store, ADMIN, 2026).itertuples()
    with pytest.raises(ValueError, match="alasan"):
        held.dismiss(dpa_store, ADMIN, row.id, "")
    held.dismiss(dpa_store, ADMIN, row.id, "Salah ketik; sudah dilaporkan pada baris lain")
    assert held.waiting(dpa_store, ADMIN, 2026).empty
    assert len(dpa_store.audit_entries(action="held_dismiss")) == 1


def test_the_impor_page_lets_the_admin_confirm_a_held_row(app_env, tmp_path):
    """AppTest: the held row is listed on Impor Laporan; confirming it loads it under the chosen
    sub kegiatan."""
    from test_pages import DPA, FIXTURES, new_app, open_impor, run

    from db.store import Store

    store = Store(app_env, data_dir=app_env.parent / "data")
    ingest_paths(store, [FIXTURES / DPA])
    ingest_paths(store, [_report(tmp_path / "dinkes_maret_2026.xlsx", [EXACT, CLOSE])])
    at = run(new_app({"tahun": "2026", "bulan": "3"}))
    open_impor(at)
    assert "Baris menunggu konfirmasi sub kegiatan" in [s.value for s in at.subheader]
    at.selectbox(key="held_kode").set_value("1.02.01.2.01.0003")
    next(b for b in at.button if b.label == "Konfirmasi sub kegiatan").click()
    run(at)
    assert "Baris menunggu konfirmasi sub kegiatan" not in [s.value for s in at.subheader]
    assert store.held_rows(2026).empty
    imp = int(store.import_history().query("kind == 'realisasi'").iloc[0]["id"])
    assert "1.02.01.2.01.0003" in store.report_leaves(imp)["sub_kegiatan_kode"].tolist()
