"""The Impor page asks when unsure, then remembers (issue 16 items 1-4, 7): an unsure file waits as
"Perlu konfirmasi", the user confirms a column mapping in the editor, the file is saved with it and
its layout remembered, and next month's file of the same layout goes in without a question with
exact figures. Two files of one batch for the same OPD and month wait for the user's pick."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pg_support import use_both_engines
from test_mapping import SUBS, _report
from test_pages import (
    DINKES_MAR,
    XLSX_MIME,
    load_via_page,
    new_app,
    run,
    save,
    save_button,
    summary_tables,
    upload_item,
)
from test_pages import (
    DPA as DPA_REL,
)

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL


def _item(path: Path) -> tuple[str, bytes, str]:
    return path.name, path.read_bytes(), XLSX_MIME


def _select(at, suffix: str):
    return next(s for s in at.selectbox if s.key and s.key.endswith(suffix))


def _store(app_env):
    from db.store import Store

    return Store(app_env, data_dir=app_env.parent / "data")


def test_unsure_file_confirmed_saved_remembered_and_next_month_recognised(app_env, tmp_path):
    from core.format import percent, rupiah

    at = run(new_app())
    load_via_page(at, [DPA_REL])

    march = _report(tmp_path / "dinkes_maret_2026.xlsx", "MARET")
    at.file_uploader[0].set_value([_item(march)])
    run(at)
    row = summary_tables(at)[march.name]
    assert row["Status"] == "Perlu konfirmasi", row
    assert save_button(at).label == "Simpan 0 berkas ke basis data" and save_button(at).disabled
    assert any("Pantau ragu menentukan kolom" in i.value and "kolom E" in i.value for i in at.info)

    # the editor: header rows 4-5 as found, the sure fields filled, realisasi fisik left to the user
    assert [n.value for n in at.number_input if n.key.endswith(("_first", "_last"))] == [4, 5]
    fisik = _select(at, "_f_realisasi_fisik")
    assert fisik.value == ""
    assert "E · FISIK › REAL · contoh: 30; 40" in fisik.options, fisik.options
    assert _select(at, "_f_pagu").value == "C"
    assert not [b for b in at.button if b.label == "Konfirmasi pemetaan kolom"], "no preview before a choice"
    fisik.set_value("E")
    run(at)
    assert summary_tables(at)[march.name]["Fisik"] == "belum pasti"  # never a figure from a guessed column
    preview = next(
        df.value for df in at.dataframe if {"Fisik", "Lembar"} <= set(df.value.columns) and "Berkas" not in df.value
    )
    assert preview.iloc[0]["Fisik"] == percent((30 * 100 + 40 * 300) / 400)
    name = next(t for t in at.text_input if t.label == "Nama format")
    name.set_value("Dinkes RFK")
    next(b for b in at.button if b.label == "Konfirmasi pemetaan kolom").click()
    run(at)
    row = summary_tables(at)[march.name]
    assert row["Status"] in ("Siap", "Ada catatan") and row["Format kolom"] == "pemetaan dikonfirmasi", row
    assert row["Fisik"] == percent((30 * 100 + 40 * 300) / 400)
    save(at)
    assert not at.error, [e.value for e in at.error]
    assert any("Dinkes RFK" in s.value for s in at.success), [s.value for s in at.success]
    store = _store(app_env)
    try:
        (layout,) = store.layouts()
        assert layout["name"] == "Dinkes RFK" and layout["opd_kode"] is not None
        assert layout["paths"]["realisasi_fisik"] == "FISIK › REAL [1]"
    finally:
        store.close()

    april = _report(tmp_path / "dinkes_april_2026.xlsx", "APRIL", shift=2)  # the table moved down
    at.file_uploader[0].set_value([_item(april)])
    run(at)
    row = summary_tables(at)[april.name]
    assert row["Status"] in ("Siap", "Ada catatan"), row
    assert row["Format kolom"] == "dikenal: Dinkes RFK"
    assert row["Periode"] == "April 2026"
    assert not [s for s in at.selectbox if s.key and "_f_" in s.key], "asked again"
    assert any("Format dikenal: Dinkes RFK" in c.value for c in at.caption)
    pagu = sum(p for _, _, p in SUBS)
    assert row["Pagu"] == rupiah(pagu) and row["Realisasi keuangan"] == rupiah(pagu / 4)
    assert row["Fisik"] == percent(37.5)  # column E, as confirmed in March
    save(at)
    store = _store(app_env)
    try:
        hist = store.import_history()
        imp = hist[hist["file_name"] == april.name].iloc[0]
        assert (int(imp["tahun"]), int(imp["bulan"]), int(imp["rows_accepted"])) == (2026, 4, 2)
        assert imp["pagu"] == pytest.approx(pagu) and imp["realisasi_keuangan"] == pytest.approx(pagu / 4)
        fisik_rows = store.sql(
            "SELECT realisasi_fisik FROM realisasi WHERE import_id = ? ORDER BY realisasi_fisik", [int(imp["id"])]
        )
        assert [r[0] for r in fisik_rows] == [30.0, 40.0]
    finally:
        store.close()


def test_conflict_in_batch_waits_for_a_pick_and_a_replacement_is_named(app_env):
    import openpyxl

    at = run(new_app())
    load_via_page(at, [DPA_REL])
    first = upload_item(DINKES_MAR)
    wb = openpyxl.load_workbook(io.BytesIO(first[1]))
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and cell.value > 1_000_000:
                cell.value = cell.value * 2
                break
    buf = io.BytesIO()
    wb.save(buf)
    second = ("dinkes_maret_revisi.xlsx", buf.getvalue(), XLSX_MIME)
    at.file_uploader[0].set_value([first, second])
    run(at)
    rows = summary_tables(at)
    assert {r["Status"] for r in rows.values()} == {"Konflik"}, rows
    assert save_button(at).label == "Simpan 0 berkas ke basis data"
    assert "Laporan ganda dalam unggahan ini" in [s.value for s in at.subheader]
    pick = next(r for r in at.radio if r.label == "Berkas yang disimpan")
    assert pick.value is None
    pick.set_value(1)
    run(at)
    rows = summary_tables(at)
    assert rows[first[0]]["Status"] == "Konflik" and rows[second[0]]["Status"] in ("Siap", "Ada catatan")
    save(at)
    assert not at.error, [e.value for e in at.error]

    # the first file alone now replaces the stored revision: named in the summary, old vs new shown
    at.file_uploader[0].set_value([first])
    run(at)
    row = summary_tables(at)[first[0]]
    assert row["Menggantikan"].startswith("Ya, impor #") and second[0] in row["Menggantikan"], row
    old_new = next(df.value for df in at.dataframe if "Tersimpan (lama)" in df.value.columns)
    assert old_new.iloc[0]["Tersimpan (lama)"] == second[0]


def test_layout_rights_are_decided_in_core(store):
    from core import layouts
    from core.access import User

    admin = User("admin", "Admin", "admin")
    dinkes = User("op", "Operator", "opd", opd_kode="1.02.0.00.0.00.01.0000")
    shape = {"signature": "abc", "height": 2, "paths": {"pagu": "Pagu"}}
    assert layouts.save(store, dinkes, " Dinkes  RFK ", shape, dinkes.opd_kode) == "Dinkes RFK"
    with pytest.raises(layouts.LayoutRefused, match="OPD-nya sendiri"):
        layouts.save(store, dinkes, "Lain", shape, "9.99.0.00.0.00.01.0000")
    with pytest.raises(layouts.LayoutRefused, match="semua OPD hanya dapat disimpan oleh admin"):
        layouts.save(store, dinkes, "Bersama", shape, dinkes.opd_kode, shared=True)
    layouts.save(store, admin, "Bersama", shape, None, shared=True)
    with pytest.raises(layouts.LayoutRefused, match="sudah dipakai"):
        layouts.save(store, dinkes, "Bersama", shape, dinkes.opd_kode)  # never over a shared one
    ids = {r["name"]: r["id"] for r in store.layouts()}
    with pytest.raises(layouts.LayoutRefused, match="Hanya admin"):
        layouts.rename(store, dinkes, ids["Dinkes RFK"], "X")
    with pytest.raises(layouts.LayoutRefused, match="Hanya admin"):
        layouts.delete(store, dinkes, ids["Dinkes RFK"])
    layouts.rename(store, admin, ids["Dinkes RFK"], "Dinkes RFK 2026")
    layouts.delete(store, admin, ids["Bersama"])
    assert [(r["name"], r["opd_kode"]) for r in store.layouts()] == [("Dinkes RFK 2026", dinkes.opd_kode)]


def test_pengaturan_lists_renames_and_deletes_layouts(app_env):
    from core import layouts
    from core.access import User

    store = _store(app_env)
    try:
        layouts.save(
            store,
            User("admin", "Admin", "admin"),
            "Format A",
            {"signature": "s", "height": 1, "paths": {"pagu": "PAGU"}},
            None,
            shared=True,
        )
    finally:
        store.close()
    at = run(new_app())
    at.switch_page("views/pengaturan.py")
    run(at)
    listed = next(df.value for df in at.dataframe if "Nama format" in df.value.columns)
    assert list(listed["Nama format"]) == ["Format A"] and list(listed["Berlaku untuk"]) == ["Semua OPD"]
    next(t for t in at.text_input if t.label == "Nama baru").set_value("Format B")
    next(b for b in at.button if b.label == "Ganti nama").click()
    run(at)
    listed = next(df.value for df in at.dataframe if "Nama format" in df.value.columns)
    assert list(listed["Nama format"]) == ["Format B"]
    next(c for c in at.checkbox if c.label.startswith("Ya, hapus format ini")).check()
    run(at)
    next(b for b in at.button if b.label == "Hapus format").click()
    run(at)
    assert any("Belum ada format kolom yang diingat" in c.value for c in at.caption)
