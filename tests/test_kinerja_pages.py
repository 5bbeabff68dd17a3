"""The data kinerja pages through AppTest (issue 6): the full review flow with three users
(unit submits through the form, Sekcam returns with a note, the unit sees it and resubmits,
Sekcam verifies, Camat approves, the month is locked, an explicit reopen is audited); the Data
kinerja recap equals :func:`core.kinerja.kinerja_recap` for a month, a triwulan and the year;
the held indicator match confirm / dismiss flow; downloads; menus per role.

Data: the targets of the fixture Perjanjian Kinerja and the values of the fixture unit
formats (``tests/fixtures/kinerja``, ground truth in EXPECTED.json)."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_pages import FIXTURES, MIME, PASSWORD, download_bytes, new_app, open_impor, run, save, save_button

from ui.safe import md_escape

PK = FIXTURES / "master" / "perjanjian_kinerja_2026.xlsx"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))["files"]
KINERJA = {k: v for k, v in EXPECTED.items() if v["kind"] == "kinerja"}
UNIT = "Seksi Pemerintahan"
Q = {"tahun": "2026", "bulan": "3"}


# --------------------------------------------------------------------------- data
def _store():
    from db.store import Store

    db = Path(os.environ["PANTAU_DB"])
    return Store(db, data_dir=db.parent / "data")


def ingest(store, paths: list[Path], user: str = "test") -> list[dict]:
    from etl.pipeline import ingest_paths

    results = ingest_paths(store, paths, user=user)
    assert all(r["status"] in ("accepted", "flagged") for r in results), results
    return results


def ids_by_name(store, unit_id: int) -> dict[str, int]:
    inds = store.indikator_frame(2026, unit_id)
    return dict(zip(inds["nama"], inds["id"].astype(int)))


@pytest.fixture
def kinerja(app_env) -> dict:
    """The fixture PK and the March and April formats of every unit except Seksi Pemerintahan
    (which submits through the form in the tests), loaded by the ingest; the unit's account."""
    from core.auth import create_user

    store = _store()
    ingest(store, [PK] + [FIXTURES / key for key, exp in sorted(KINERJA.items()) if exp["unit"] != UNIT])
    units = {nama: int(i) for i, nama in store.unit_kerja()}
    create_user(
        store,
        "test",
        "kasi.pem",
        "Kasi Pemerintahan",
        "unit",
        PASSWORD,
        unit_id=units[UNIT],
        must_change_password=False,
    )
    return {"units": units}


NBSP = "\u00a0"


def shown_number(text: str) -> float | None:
    """A number as the page shows it ("1.110", "104,30 %", "–" for none), read back."""
    from core.numbers import parse_number

    t = text.replace(NBSP, " ").replace("%", "").strip()
    return None if t in ("–", "") else parse_number(t)


def _audit(action: str) -> list[tuple]:
    return _store().sql("SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id", [action])


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def unit_app() -> object:
    return new_app(Q, user="kasi.pem")


def recap_table(at) -> pd.DataFrame:
    """The recap table of Data Kinerja (the one with an Indikator column; the predikat table is beside it)."""
    return next(t.value for t in at.table if "Indikator" in t.value.columns)


def open_page(at, path: str, title: str):
    at.switch_page(path)
    run(at)
    assert [t.value for t in at.title][:1] == [title], [t.value for t in at.title]
    return at


# --------------------------------------------------------------------------- the review flow
def fill_form(at, values: dict[int, str]) -> None:
    for ind_id, value in values.items():
        at.text_input(key=f"val_2026_3_{ind_id}").set_value(value)


def click(at, label: str):
    button = next(b for b in at.button if b.label == label)
    button.click()
    return run(at)


def test_full_review_flow_three_users(kinerja):
    from core import review
    from core.access import User
    from core.kinerja_input import submit_values

    store = _store()
    unit_id = kinerja["units"][UNIT]
    ids = ids_by_name(store, unit_id)
    exp = KINERJA["kinerja/kinerja_seksi_pemerintahan_2026-03.xlsx"]
    values = {ids[i["indikator"]]: i["realisasi"] for i in exp["indicators"]}

    # 1. the unit opens Pantau: its first page is the form; a wrong value is refused in Indonesian
    unit = run(unit_app())
    assert [t.value for t in unit.title] == ["Isi Data Kinerja"]
    assert "Belum disampaikan" in _texts(unit.markdown)
    # the month's target (bulanan, from TW I): stok as is, alir a third (PBB-P2 3.000 SPPT / 3)
    assert "Target bulan Maret (bulanan, dari target triwulan I)" in _texts(unit.caption)
    targets = ["12", "85", "1.000", "100"]
    assert [m.value for m in unit.markdown if m.value in targets] == targets
    first = next(iter(values))
    fill_form(unit, {i: str(v).replace(".", ",") for i, v in values.items()})
    unit.text_input(key=f"val_2026_3_{first}").set_value("dua belas")
    click(unit, "Kirim ke Sekcam")
    assert "'dua belas' bukan angka" in _texts(unit.error)
    assert store.review_get(unit_id, 2026, 3) is None
    unit.text_input(key=f"val_2026_3_{first}").set_value(str(values[first]))
    click(unit, "Kirim ke Sekcam")
    assert "terkirim ke Sekcam" in _texts(unit.success), _texts(unit.error)
    assert review.status_of(store, unit_id, 2026, 3) == "submitted"
    stored = store.kinerja_values(2026, unit_id)
    assert dict(zip(stored["indikator_id"], stored["realisasi"])) == pytest.approx(values)

    # 2. the Sekcam opens the submitted recap of the unit; returning needs a note
    sek = run(new_app(Q, user="sekcam", role="reviewer"))
    open_page(sek, "pages/kinerja_review.py", "Review Kinerja")
    sek.selectbox(key="review_unit").set_value(unit_id)
    run(sek)
    shown = sek.table[1].value
    assert shown["Realisasi"].tolist()[1] == "80,18"
    assert shown["Target"].tolist() == targets  # the same targets the unit saw
    assert "Kolom Target: **Target bulan Maret (bulanan, dari target triwulan I)**" in _texts(sek.caption)
    click(sek, "Kembalikan ke unit")
    assert "Catatan wajib diisi" in _texts(sek.error)
    assert review.status_of(store, unit_id, 2026, 3) == "submitted"
    note = "Jumlah desa yang dibina tidak sesuai laporan pembinaan; periksa kembali."
    sek.text_area(key=f"review_note_{unit_id}_2026_3").set_value(note)
    click(sek, "Kembalikan ke unit")
    assert review.status_of(store, unit_id, 2026, 3) == "returned"

    # 3. the unit sees the note, corrects and resubmits
    run(unit)
    warning = _texts(unit.warning)
    assert md_escape(note) in warning and "sekcam" in warning  # shown escaped: never markdown
    unit.text_input(key=f"val_2026_3_{first}").set_value("4")
    click(unit, "Kirim ke Sekcam")
    assert review.status_of(store, unit_id, 2026, 3) == "submitted"
    assert store.active_value(first, 2026, 3)["realisasi"] == 4

    # 4. the Sekcam verifies
    run(sek)
    assert sek.selectbox(key="review_unit").value == unit_id
    click(sek, "Verifikasi")
    assert review.status_of(store, unit_id, 2026, 3) == "verified"
    assert "Terverifikasi" in _texts(sek.success)

    # 5. the Camat approves (the verified unit is shown first)
    camat = run(new_app(Q, user="camat", role="approver"))
    open_page(camat, "pages/kinerja_review.py", "Review Kinerja")
    assert camat.selectbox(key="review_unit").value == unit_id
    assert not [b for b in camat.button if b.label == "Verifikasi"]
    click(camat, "Setujui")
    assert review.status_of(store, unit_id, 2026, 3) == "approved"
    assert any("🔒 Disetujui" in s.value for s in camat.subheader)

    # 6. locked: the form is disabled with the reason, and the backend refuses too
    run(unit)
    assert "sudah disetujui Camat oleh Pengguna camat" in _texts(unit.error)
    assert unit.text_input(key=f"val_2026_3_{first}").disabled
    assert next(b for b in unit.button if b.label == "Kirim ke Sekcam").disabled
    with pytest.raises(review.Locked):
        submit_values(
            store,
            unit_id,
            2026,
            3,
            {first: ("5", None)},
            User("kasi.pem", "Kasi Pemerintahan", "unit", unit_id=unit_id),
        )
    assert store.active_value(first, 2026, 3)["realisasi"] == 4

    # 7. reopening needs a reason and is audited
    run(camat)
    click(camat, "Buka kembali")
    assert "Catatan wajib diisi" in _texts(camat.error)
    camat.text_area(key=f"review_note_{unit_id}_2026_3").set_value("Koreksi data LPPD dari BPMD.")
    click(camat, "Buka kembali")
    assert review.status_of(store, unit_id, 2026, 3) == "draft"
    actor, target, detail = _audit("kinerja_reopened")[-1]
    assert (actor, target) == ("camat", UNIT) and "Koreksi data LPPD dari BPMD." in detail
    steps = store.review_events(2026, 3, unit_id)["step"].tolist()
    assert steps == ["submitted", "returned", "submitted", "verified", "approved", "reopened"]
    run(unit)
    assert not unit.text_input(key=f"val_2026_3_{first}").disabled


# --------------------------------------------------------------------------- data kinerja recap
@pytest.mark.parametrize(
    "kind, extra, args",
    [
        ("bulan", {}, dict(month=3)),
        ("triwulan", {"data_tw": 2}, dict(triwulan=2)),
        ("tahun", {}, dict(annual=True)),
    ],
)
def test_data_kinerja_recap_equals_core(kinerja, media, kind, extra, args):
    from core.kinerja import kinerja_recap

    at = run(new_app(Q, user="kabag", role="viewer"))
    open_page(at, "pages/kinerja_data.py", "Data Kinerja")
    at.radio(key="data_kind").set_value(kind)
    run(at)
    for key, value in extra.items():
        at.selectbox(key=key).set_value(value)
        run(at)
    expected = kinerja_recap(_store(), 2026, **args)
    table = recap_table(at)
    assert table["Indikator"].tolist() == expected["indikator"].tolist()
    # the numbers on screen, read back, are the backend's (to the 2 decimals shown)
    for column, key in (("Target", "target"), ("Realisasi", "realisasi"), ("Capaian", "capaian")):
        shown = [shown_number(t) for t in table[column]]
        want = [None if pd.isna(v) else round(float(v), 2) for v in expected[key]]
        assert len(shown) == len(want)
        for got, exp in zip(shown, want):
            assert (got is None and exp is None) or got == pytest.approx(exp, abs=0.005), (column, got, exp)
    assert [p.replace(NBSP, " ") for p in table["Predikat"]] == expected["predikat"].fillna("–").tolist()
    # the fixture values are really there (Seksi Pemerintahan has not submitted yet)
    assert expected["realisasi"].notna().sum() == 25

    # both workbooks open and carry the same capaian (the print-ready one and the plain table)
    for label in ("Unduh rekap siap cetak", "Unduh tabel"):
        button = next(b for b in at.get("download_button") if b.label.startswith(label))
        wb = openpyxl.load_workbook(io.BytesIO(download_bytes(media, button)), data_only=True)
        numbers = [
            c
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if isinstance(c, (int, float))
        ]
        for v in expected["capaian"].dropna():
            assert any(abs(n - v) < 0.006 for n in numbers), (label, v)
    button.click()
    run(at)
    slug = dict(bulan="b03", triwulan="tw2", tahun="tahun")[kind]
    assert _audit("download")[-1][:2] == ("kabag", f"tabel_kinerja_2026-{slug}.xlsx")


# --------------------------------------------------------------------------- held indicator matches
def unsure_format(tmp_path: Path, month: int = 3) -> Path:
    """The format of Seksi Pemerintahan for ``month`` (3 or 4) with two indicator names written so
    differently that the ingest cannot be sure which indicator they mean (held for a person)."""
    src = FIXTURES / "kinerja" / f"kinerja_seksi_pemerintahan_2026-{month:02d}.xlsx"
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    renamed = {
        "Persentase desa yang menyampaikan LPPD tepat waktu": "LPPD desa disampaikan tepat waktu",
        "Jumlah desa yang dibina": "Pembinaan desa",
    }
    done = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.value in renamed:
                cell.value = renamed[cell.value]
                done += 1
    assert done == 2
    path = tmp_path / src.name
    wb.save(path)
    return path


def test_held_matches_are_confirmed_or_dismissed_by_a_person(kinerja, tmp_path):
    store = _store()
    unit_id = kinerja["units"][UNIT]
    ids = ids_by_name(store, unit_id)
    lppd, desa = ids["Persentase desa yang menyampaikan LPPD tepat waktu"], ids["Jumlah desa yang dibina"]
    [result] = ingest(store, [unsure_format(tmp_path)])
    assert result["held"] == 2
    held = store.pending_matches(unit_id=unit_id)
    assert sorted(held["nama_file"]) == ["LPPD desa disampaikan tepat waktu", "Pembinaan desa"]
    # never attached silently: the two indicators have no value yet
    assert store.active_value(lppd, 2026, 3) is None and store.active_value(desa, 2026, 3) is None

    at = run(new_app(Q))
    open_page(at, "pages/kinerja_data.py", "Data Kinerja")
    assert any(t.label == "Konfirmasi indikator (2)" for t in at.tabs)
    text = _texts(at.markdown)
    assert "“LPPD desa disampaikan tepat waktu”" in text and "realisasi: **100**" in text
    rows = {r["nama_file"]: (int(r["import_id"]), int(r["row"])) for r in held.to_dict("records")}
    imp, line = rows["LPPD desa disampaikan tepat waktu"]
    pick = at.radio(key=f"pick_{imp}_{line}")
    assert pick.value is None  # nothing is preselected
    assert next(b for b in at.button if b.key == f"confirm_{imp}_{line}").disabled
    labels = [o for o in pick.options]
    assert any("Persentase desa yang menyampaikan LPPD tepat waktu" in o and "kemiripan" in o for o in labels)
    pick.set_value(lppd)
    run(at)
    next(b for b in at.button if b.key == f"confirm_{imp}_{line}").click()
    run(at)
    assert "dipasangkan ke indikator" in _texts(at.success), _texts(at.error)
    value = store.active_value(lppd, 2026, 3)
    assert value["realisasi"] == 100.0 and value["match_how"] == "confirmed"
    assert _audit("kinerja_match_confirm")[-1][0] == "admin"

    imp, line = rows["Pembinaan desa"]
    next(b for b in at.button if b.key == f"dismiss_{imp}_{line}").click()
    run(at)
    assert "Alasan wajib diisi" in _texts(at.error)
    at.text_input(key=f"why_{imp}_{line}").set_value("Bukan indikator PK; dilaporkan terpisah.")
    next(b for b in at.button if b.key == f"dismiss_{imp}_{line}").click()
    run(at)
    assert store.pending_matches(unit_id=unit_id).empty
    assert store.active_value(desa, 2026, 3) is None
    assert "Tidak ada baris yang menunggu konfirmasi" in _texts(at.success)
    assert _audit("kinerja_match_dismiss")[-1][0] == "admin"


# --------------------------------------------------------------------------- permintaan and downloads
def test_permintaan_records_requests_and_tracks_steps(kinerja, media):
    from core import review

    store = _store()
    unit_id = kinerja["units"][UNIT]
    at = run(new_app(Q))
    open_page(at, "pages/kinerja_permintaan.py", "Permintaan Data Kinerja")
    # only units that may still be asked (not yet submitted) are offered, all preselected
    chosen = at.multiselect(key="req_units")
    assert chosen.value == [unit_id]
    click(at, "Catat: permintaan data sudah dikirim")
    assert "tercatat untuk 1 unit" in _texts(at.success)
    events = store.review_events(2026, 3, unit_id)
    assert events["step"].tolist() == ["requested"] and events["actor"].tolist() == ["admin"]
    click(at, "Catat: data sudah dihimpun staf (SOP langkah 4)")
    assert "tercatat untuk 6 unit" in _texts(at.success)
    track = at.table[0].value
    assert track["Unit"].tolist() == store.kinerja_units(2026)["nama"].tolist()
    row = track[track["Unit"] == UNIT].iloc[0]
    assert " · admin" in row["Permintaan"] and row["Disampaikan unit"] == ""
    assert "Data disampaikan unit" in row["Menunggu"] and "(batas SOP 2 hari kerja)" in row["Menunggu"]
    others = track[track["Unit"] != UNIT]
    assert all("admin" in c for c in others["Dihimpun staf"])
    durations = review.step_durations(store, 2026, 3)
    assert set(durations["step"]) == {"requested", "submitted", "compiled"}

    button = next(b for b in at.get("download_button") if b.label == "Unduh Excel (pelacakan)")
    rows = list(openpyxl.load_workbook(io.BytesIO(download_bytes(media, button))).active.iter_rows(values_only=True))
    assert rows[0][0] == "Pelacakan Pengumpulan Data Kinerja - Maret 2026"
    assert rows[3][0] == "Unit" and [r[0] for r in rows[4:]] == track["Unit"].tolist()
    # the pre-filled request formats: one workbook per unit, each naming its unit and indicators
    [button] = [b for b in at.get("download_button") if "zip" in b.label]
    with zipfile.ZipFile(io.BytesIO(download_bytes(media, button))) as zf:
        names = zf.namelist()
        assert len(names) == 7
        for name in names:
            wb = openpyxl.load_workbook(io.BytesIO(zf.read(name)))
            cells = [c for r in wb.worksheets[0].iter_rows(values_only=True) for c in r if isinstance(c, str)]
            unit = next(c for c in cells if c.startswith("Unit Kerja : ")).removeprefix("Unit Kerja : ")
            assert set(ids_by_name(store, kinerja["units"][unit])) <= set(cells)
            assert "Bulan : Maret 2026" in cells
    button.click()
    run(at)
    assert "format permintaan" in _audit("download")[-1][2]


# --------------------------------------------------------------------------- menus
@pytest.mark.parametrize(
    "role, menu",
    [
        ("unit", ["kinerja_isi", "kinerja_data"]),
        ("reviewer", ["kinerja_permintaan", "kinerja_data", "kinerja_review"]),
        ("approver", ["kinerja_permintaan", "kinerja_data", "kinerja_review"]),
        ("viewer", ["kinerja_data"]),
        ("admin", ["kinerja_permintaan", "kinerja_isi", "kinerja_data", "kinerja_review"]),
        ("opd", []),
    ],
)
def test_kinerja_menu_per_role(role, menu):
    from core.access import User, pages_for

    keys = pages_for(User("x", "X", role, unit_id=1 if role == "unit" else None))
    assert [k for k in keys if k.startswith("kinerja_")] == menu
    if role == "unit":
        assert keys[0] == "kinerja_isi"  # a Kasi lands on the form


def test_unit_user_sees_only_its_unit_and_cannot_review(kinerja):
    at = run(unit_app())
    assert [t.value for t in at.title] == ["Isi Data Kinerja"]
    assert "isi_unit" not in [s.key for s in at.selectbox]  # no choice of unit: its own only
    with pytest.raises(ValueError):
        at.switch_page("pages/kinerja_review.py")
    open_page(at, "pages/kinerja_data.py", "Data Kinerja")
    table = recap_table(at)
    assert "Unit" not in table.columns
    assert table["Indikator"].tolist() == list(ids_by_name(_store(), kinerja["units"][UNIT]))


# --------------------------------------------------------------------------- impor
def upload_paths(at, paths: list[Path]):
    at.file_uploader[0].set_value([(p.name, p.read_bytes(), MIME[".xlsx"]) for p in paths])
    return run(at)


def test_impor_page_loads_targets_and_unit_formats_with_the_match_shown(app_env):
    pem = FIXTURES / "kinerja" / "kinerja_seksi_pemerintahan_2026-03.xlsx"
    eko = FIXTURES / "kinerja" / "kinerja_seksi_ekonomi_dan_pembangunan_2026-04.xlsx"
    at = open_impor(run(new_app(Q)))
    upload_paths(at, [PK, pem, eko])
    summary: dict[str, dict] = {}
    picker = next(s for s in at.selectbox if s.label == "Pilih laporan untuk melihat rinciannya")
    for option in picker.options:  # the kinerja summary of each report is in its detail view
        picker = next(s for s in at.selectbox if s.label == "Pilih laporan untuk melihat rinciannya")
        picker.set_value(option)
        run(at)
        for df in at.dataframe:
            if "Menunggu konfirmasi" in df.value.columns:
                summary.update({r["Berkas"]: r for r in df.value.to_dict("records")})
        if len(summary) == 3:
            break
    assert summary[PK.name]["Unit"] == "7 unit" and summary[PK.name]["Baris indikator"] == 29
    assert (summary[pem.name]["Unit"], summary[pem.name]["Periode"]) == (UNIT, "Maret 2026")
    assert summary[pem.name]["Dicocokkan"] == "4" and summary[pem.name]["Menunggu konfirmasi"] == "0"
    matches = [df.value for df in at.dataframe if "Nama di berkas" in df.value.columns]
    assert set(matches[0]["Cara"]) == {"Sama persis"}
    assert save_button(at).label == "Simpan 3 berkas ke basis data"
    save(at)
    assert "Impor selesai" in " ".join(x.value for x in at.success), [e.value for e in at.error]
    store = _store()
    units = {n: i for i, n in store.unit_kerja()}
    values = store.kinerja_values(2026, units[UNIT])
    exp = KINERJA["kinerja/kinerja_seksi_pemerintahan_2026-03.xlsx"]["indicators"]
    assert sorted(values["realisasi"]) == sorted(i["realisasi"] for i in exp)
    eko_vals = store.kinerja_values(2026, units["Seksi Ekonomi dan Pembangunan"])
    assert eko_vals["bulan"].tolist() == [4] * 6


def test_unit_user_uploads_only_its_own_format(kinerja, tmp_path):
    store = _store()
    at = open_impor(run(unit_app()))
    assert "Akun Anda untuk **Seksi Pemerintahan**" in _texts(at.info)
    other = FIXTURES / "kinerja" / "kinerja_sekretariat_2026-03.xlsx"
    before = store.table_checksums()
    upload_paths(at, [other])
    refused = " ".join(e.value for e in at.error)
    assert "milik unit kerja lain" in refused
    assert save_button(at).disabled
    assert store.table_checksums() == before

    at = open_impor(run(unit_app()))
    upload_paths(at, [unsure_format(tmp_path)])
    save(at)
    assert "menunggu konfirmasi" not in _texts(at.error)
    assert "2 baris data kinerja belum dimuat" in _texts(at.warning)
    history = [df.value for df in at.dataframe if "Menunggu konfirmasi" in df.value.columns][-1]
    assert history["Unit"].tolist() == [UNIT] and history["Menunggu konfirmasi"].tolist() == [2]
    # the unit confirms its own held row on Data kinerja
    open_page(at, "pages/kinerja_data.py", "Data Kinerja")
    assert any(t.label == "Konfirmasi indikator (2)" for t in at.tabs)


# --------------------------------------------------------------------------- admin: analysis, targets, on behalf
def test_admin_writes_the_analysis_and_edits_a_target_with_history(kinerja):
    from core.kinerja import kinerja_recap

    store = _store()
    eko = kinerja["units"]["Seksi Ekonomi dan Pembangunan"]
    at = run(new_app(Q))
    open_page(at, "pages/kinerja_data.py", "Data Kinerja")
    at.selectbox(key="data_unit").set_value(eko)
    run(at)
    key = f"analisis_text_{eko}_2026_B03"
    for text in (
        "Musrenbang desa 5 dari 12; sisanya dijadwalkan April.",
        "Musrenbang desa 5 dari 12 (42 %); 7 desa dijadwalkan April. Pasar desa belum dibina.",
    ):
        at.text_area(key=key).set_value(text)
        click(at, "Simpan analisis")
        assert "Analisis Seksi Ekonomi dan Pembangunan Maret 2026 tersimpan" in _texts(at.success)
    notes = store.analisis(2026, "B03", eko)
    assert notes["note"].tolist() == [text] and notes["versi"].tolist() == [2]
    analysis = next(t.value for t in at.table if "Analisis" in t.value.columns)
    assert analysis["Analisis"].tolist() == [md_escape(text)]  # st.table cells are markdown
    assert len(store.analisis_history(eko, 2026, "B03")) == 2
    assert "analysed" in store.review_events(2026, 3, eko)["step"].tolist()  # SOP step 5 recorded
    assert _audit("kinerja_analisis")[-1][:2] == ("admin", "Seksi Ekonomi dan Pembangunan")

    # a target changed in the app needs a reason; the old values stay in the indicator's history
    ind = ids_by_name(store, kinerja["units"][UNIT])["Jumlah desa yang dibina"]
    at.selectbox(key="edit_ind").set_value(ind)
    run(at)
    at.text_input(key=f"e_tw1_{ind}").set_value("10")
    click(at, "Simpan perubahan indikator")
    assert "Tuliskan alasan perubahan" in _texts(at.error)
    assert store.indikator_get(ind)["target_tw1"] == 12
    at.text_input(key=f"e_reason_{ind}").set_value("PK perubahan nomor 2 tanggal 1 April 2026")
    click(at, "Simpan perubahan indikator")
    assert "diperbarui" in _texts(at.success), _texts(at.error)
    assert store.indikator_get(ind)["target_tw1"] == 10
    history = store.indikator_history(ind)
    assert history["target_tw1"].tolist() == [12] and history["reason"].tolist() == [
        "PK perubahan nomor 2 tanggal 1 April 2026"
    ]
    actor, target, detail = _audit("indikator_update")[-1]
    assert (actor, target) == ("admin", str(ind)) and '"target_tw1": [12' in detail
    recap = kinerja_recap(store, 2026, month=3, unit_id=kinerja["units"][UNIT])
    assert recap.set_index("indikator_id").loc[ind, "target"] == 10


def test_admin_fills_on_behalf_of_a_unit_and_camat_approves_all_verified(kinerja):
    from core import review
    from core.access import User

    store = _store()
    sek = kinerja["units"]["Sekretariat"]
    ids = ids_by_name(store, sek)
    anggaran = ids["Persentase realisasi anggaran"]
    at = run(new_app(Q))
    open_page(at, "pages/kinerja_isi.py", "Isi Data Kinerja")
    at.selectbox(key="isi_unit").set_value(sek)
    run(at)
    # the form shows the values in force (from the unit's file), the Indonesian way
    assert at.text_input(key=f"val_2026_3_{anggaran}").value == "19,92"
    at.text_input(key=f"val_2026_3_{anggaran}").set_value("20,4")
    at.text_input(key=f"ket_2026_3_{anggaran}").set_value("Koreksi SP2D 28 Maret")
    click(at, "Kirim ke Sekcam")
    assert "3 nilai indikator Sekretariat" in _texts(at.success), _texts(at.error)
    value = store.active_value(anggaran, 2026, 3)
    assert (value["realisasi"], value["keterangan"], value["created_by"]) == (20.4, "Koreksi SP2D 28 Maret", "admin")
    assert len(store.kinerja_value_history(2026, 3, indikator_id=anggaran)) == 2  # the file's value kept

    sekcam = User("sekcam", "Sekcam", "reviewer")
    for nama in ("Sekretariat", "Seksi Kesejahteraan Sosial"):
        review.transition(store, kinerja["units"][nama], 2026, 3, "verify", sekcam)
    camat = run(new_app(Q, user="camat", role="approver"))
    open_page(camat, "pages/kinerja_review.py", "Review Kinerja")
    click(camat, "Setujui semua rekap yang sudah diverifikasi (2 unit)")
    assert "2 rekap kinerja Maret 2026 disetujui dan terkunci" in _texts(camat.success)
    states = {n: review.status_of(store, i, 2026, 3) for n, i in kinerja["units"].items()}
    assert [n for n, s in states.items() if s == "approved"] == ["Sekretariat", "Seksi Kesejahteraan Sosial"]
    assert [a[0] for a in _audit("kinerja_approved")] == ["camat", "camat"]


def test_sidebar_offers_the_years_of_the_perjanjian_kinerja(app_env):
    """A kecamatan without DPA or realisation reports still finds the years of its targets."""
    from core.kinerja_input import add_indikator

    store = _store()
    unit = store.add_unit_kerja(UNIT, "test")
    add_indikator(
        store,
        unit,
        2024,
        dict(
            nama="Jumlah desa yang dibina",
            satuan="desa",
            target_tahunan=12,
            target_tw1=12,
            target_tw2=12,
            target_tw3=12,
            target_tw4=12,
        ),
        "test",
    )
    at = run(new_app())
    assert "2024" in at.selectbox(key="_w_tahun").options


# --------------------------------------------------------------------------- summary figures (issue 17)
def test_data_kinerja_summary_is_capped_mean_median_and_predikat(kinerja):
    """The cards and the predikat table of the page are recap_summary's; raising the maximum on
    Pengaturan (stored with the other settings) changes the mean, not the raw capaian of a row."""
    import dataclasses

    from core import settings as settings_mod
    from core.format import percent
    from core.kinerja import kinerja_recap, recap_summary

    store = _store()
    expected_recap = kinerja_recap(store, 2026, month=4)
    want = recap_summary(expected_recap)
    assert want["dibatasi"] > 0  # some April capaian are above 100 %: the cap matters
    at = run(new_app({"tahun": "2026", "bulan": "4"}, user="kabag", role="viewer"))
    open_page(at, "pages/kinerja_data.py", "Data Kinerja")
    m = {x.label: x.value for x in at.metric}
    assert m["Rata-rata capaian"] == percent(want["rata_capaian"]) != percent(want["rata_mentah"])
    assert m["Median capaian"] == percent(want["median_capaian"])
    assert m["Rata-rata capaian"] == percent(expected_recap["capaian"].clip(upper=100).mean())
    dist = next(t.value for t in at.table if "Predikat" in t.value.columns and "Jumlah indikator" in t.value.columns)
    assert dict(zip([p.replace(NBSP, " ") for p in dist["Predikat"]], dist["Jumlah indikator"].astype(int))) == {
        "Sangat Tinggi": want["predikat"]["Sangat Tinggi"],
        "Tinggi": want["predikat"]["Tinggi"],
        "Sedang": want["predikat"]["Sedang"],
        "Rendah": want["predikat"]["Rendah"],
        "Sangat Rendah": want["predikat"]["Sangat Rendah"],
    }
    assert sum(dist["Jumlah indikator"].astype(int)) == want["dengan_capaian"]
    assert f"{want['dibatasi']} indikator di atas 100 %" in _texts(at.caption)
    # the raw capaian stays on the rows
    assert max(shown_number(t) or 0 for t in recap_table(at)["Capaian"]) == pytest.approx(
        expected_recap["capaian"].max(), abs=0.005
    )

    cfg = settings_mod.load_own(store)
    settings_mod.save(store, dataclasses.replace(cfg, kinerja_capaian_maks=150.0), "admin")
    assert settings_mod.load(store).kinerja_capaian_maks == 150.0
    at = run(at)
    wider = recap_summary(expected_recap, 150.0)
    assert {x.label: x.value for x in at.metric}["Rata-rata capaian"] == percent(wider["rata_capaian"])
    assert percent(wider["rata_capaian"]) == percent(expected_recap["capaian"].clip(upper=150).mean())
    assert settings_mod.problems(dataclasses.replace(cfg, kinerja_capaian_maks=90.0)) == [
        "Batas capaian untuk rata-rata harus 100 % sampai 1.000 % (100 %: capaian di atas target dihitung 100 %)."
    ]
