"""A province install in the pages (issue 18, item 3): the sidebar offers the kabupaten/kota
when the OPDs name theirs; over all of them the Ringkasan ranks and tables kabupaten/kota (not
every OPD of the province); one chosen, every page reads only its OPDs."""

from __future__ import annotations

import pytest

from tests.test_pages import DPA, EXPECTED, FIXTURES, new_app, run

A, B = "Kabupaten Tanjung Makmur", "Kota Bukit Permai"
ALL = "Semua kabupaten/kota"


@pytest.fixture
def province_db(app_env):
    """The fixture DPA and the April reports; the first three OPDs by name in A, the next three in B."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    april = sorted(k for k, v in EXPECTED.items() if v["kind"] == "realisasi" and v["month"] == 4)
    store = Store(app_env, data_dir=app_env.parent / "data")
    try:
        res = ingest_paths(store, [FIXTURES / DPA, *(FIXTURES / k for k in april)])
        assert all(r["status"] in ("accepted", "flagged") for r in res), res
        opds = store.opds()
        store.set_wilayah({o.kode: A for o in opds[:3]} | {o.kode: B for o in opds[3:6]}, "admin")
        return {A: [o.nama for o in opds[:3]], B: [o.nama for o in opds[3:6]], "all": [o.nama for o in opds]}
    finally:
        store.close()


def _table(at, column: str) -> list:
    return [v for v in at.dataframe[0].value[column].tolist()]


def test_the_province_picks_a_kabupaten_and_every_recap_follows(app_env, province_db):
    at = run(new_app({"tahun": "2026", "bulan": "4"}))
    picker = at.sidebar.selectbox(key="_w_wilayah")
    assert picker.options == [ALL, A, B] and picker.value == ALL
    # all of the province: the kabupaten/kota are ranked and tabled, not the OPDs
    assert "Rekap per Kabupaten/Kota" in [s.value for s in at.subheader]
    assert "Peringkat Kabupaten/Kota" in [s.value for s in at.subheader]
    assert _table(at, "Kabupaten/Kota") == [A, B, "Tanpa kabupaten/kota", "JUMLAH"]
    assert _table(at, "OPD lapor")[:2] == ["3 / 3", "3 / 3"]

    picker.set_value(A)
    run(at)
    assert at.title[0].value == f"Ringkasan Realisasi - {A}"
    assert at.query_params["wilayah"] == [A] or at.query_params["wilayah"] == A
    assert "Rekap per OPD" in [s.value for s in at.subheader]
    assert sorted(_table(at, "OPD")[:-1]) == sorted(province_db[A])
    assert at.metric[5].value == "3 / 3"  # OPD sudah lapor

    at.switch_page("views/rekap.py")
    run(at)
    assert at.title[0].value == f"Rekap OPD - {A}"
    assert sorted(_table(at, "OPD")[:-1]) == sorted(province_db[A])
    at.switch_page("views/status.py")
    run(at)
    shown = " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())
    assert all(n in shown for n in province_db[A]) and not any(n in shown for n in province_db[B])
    at.switch_page("views/fisik.py")
    run(at)
    assert at.title[0].value == f"Fisik Konstruksi dan Non Fisik - {A}"
    at.switch_page("views/materi.py")
    run(at)
    assert at.title[0].value == f"Materi Rakor POK - {A}"
    assert next(m.value for m in at.metric if m.label == "OPD sudah melapor") == "3 / 3"


def test_the_kabupaten_comes_from_the_url(app_env, province_db):
    at = run(new_app({"tahun": "2026", "bulan": "4", "wilayah": B}))
    assert at.sidebar.selectbox(key="_w_wilayah").value == B
    assert at.title[0].value == f"Ringkasan Realisasi - {B}"
    # a name that is no kabupaten/kota of the data: all of them
    at = run(new_app({"tahun": "2026", "bulan": "4", "wilayah": "Kabupaten Lain"}))
    assert at.sidebar.selectbox(key="_w_wilayah").value == ALL


def test_no_picker_for_a_kabupaten_install_or_an_opd_operator(app_env, province_db):
    from tests.test_pages import app_store

    store = app_store()
    opd = store.opds()[0]
    at = run(new_app({"tahun": "2026", "bulan": "4"}, user="operator", role="opd", opd_kode=opd.kode))
    assert not [s for s in at.sidebar.selectbox if s.key == "_w_wilayah"]
    store.set_wilayah({o.kode: None for o in store.opds()}, "admin")
    store.close()
    at = run(new_app({"tahun": "2026", "bulan": "4"}))
    assert not [s for s in at.sidebar.selectbox if s.key == "_w_wilayah"]
    assert "Rekap per OPD" in [s.value for s in at.subheader]


def test_pengaturan_edits_the_kabupaten_of_opds(app_env, province_db):
    from db.store import OpdRow
    from ui.wilayah_admin import KODE, WILAYAH, wilayah_changes, wilayah_frame

    at = run(new_app())
    at.switch_page("views/pengaturan.py")
    run(at)
    assert "Kabupaten/Kota per OPD" in [s.value for s in at.subheader]
    save = next(b for b in at.button if b.key == "wilayah_save")
    assert save.label == "Simpan kabupaten/kota (0 OPD berubah)" and save.disabled

    frame = wilayah_frame([OpdRow("2", "Dua", None, A), OpdRow("1", "Satu", None, None), OpdRow("3", "Tiga", None, B)])
    assert frame[KODE].tolist() == ["1", "2", "3"] and frame[WILAYAH].tolist() == ["", A, B]
    edited = frame.copy()
    edited[WILAYAH] = ["  Kota   Baru ", "", B]
    assert wilayah_changes(frame, edited) == {"1": "Kota Baru", "2": None}


def test_pengaturan_of_a_kabupaten_install_has_no_kabupaten_table(app_env, province_db):
    from tests.test_pages import app_store

    store = app_store()
    store.set_wilayah({o.kode: None for o in store.opds()}, "admin")
    store.close()
    at = run(new_app())
    at.switch_page("views/pengaturan.py")
    run(at)
    assert "Kabupaten/Kota per OPD" not in [s.value for s in at.subheader]


def test_impor_of_a_province_takes_the_kabupaten_chosen_in_the_sidebar(app_env, province_db):
    from tests.test_pages import open_impor, save_button, upload

    dinkes = next(k for k in EXPECTED if "DINKES April" in k)
    at = run(new_app({"tahun": "2026", "bulan": "4"}))
    open_impor(at)
    assert any("Pilih kabupaten/kota asal berkas" in i.value for i in at.info)
    upload(at, [dinkes])
    assert save_button(at).label == "Simpan 0 berkas ke basis data"  # Dinas Kesehatan is an OPD of A or B
    shown = " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())
    assert "terdaftar untuk" in shown or any("terdaftar untuk" in e.value for e in at.error)
