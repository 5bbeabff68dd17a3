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

from test_pages import FIXTURES, PASSWORD, download_bytes, new_app, run

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


def load_targets(store) -> dict[str, int]:
    """The fixture PK's units and indicators (through the backend's core functions); returns
    unit name -> id."""
    from core.kinerja_input import add_indikator

    ws = openpyxl.load_workbook(PK, data_only=True).active
    units: dict[str, int] = {}
    for row in ws.iter_rows(min_row=5, values_only=True):
        unit, no, nama, satuan, tahunan, tw1, tw2, tw3, tw4, arah = row[:10]
        if not unit:
            continue
        if unit not in units:
            units[unit] = store.add_unit_kerja(unit, "test")
        # a flow adds up over the year (annual = sum of the triwulan targets), a stock does not
        agregasi = "alir" if tahunan == tw1 + tw2 + tw3 + tw4 and tahunan != tw4 else "stok"
        add_indikator(store, units[unit], 2026, dict(no=no, nama=nama, satuan=satuan, arah=arah, agregasi=agregasi,
                                                     target_tahunan=tahunan, target_tw1=tw1, target_tw2=tw2,
                                                     target_tw3=tw3, target_tw4=tw4), "test")
    return units


def ids_by_name(store, unit_id: int) -> dict[str, int]:
    inds = store.indikator_frame(2026, unit_id)
    return dict(zip(inds["nama"], inds["id"].astype(int)))


def submit_fixture(store, key: str, units: dict[str, int]) -> None:
    """The values of one fixture unit format, submitted as the admin would on the unit's behalf."""
    from core.kinerja_input import submit_values

    exp = KINERJA[key]
    unit_id = units[exp["unit"]]
    by_name = ids_by_name(store, unit_id)
    submit_values(store, unit_id, exp["year"], exp["month"],
                  {by_name[i["indikator"]]: (i["realisasi"], None) for i in exp["indicators"]}, "test")


@pytest.fixture
def kinerja(app_env) -> dict:
    """Targets of the fixture PK plus the March and April values of every unit except Seksi
    Pemerintahan (which submits through the form in the tests); accounts of the three roles."""
    from core.auth import create_user

    store = _store()
    units = load_targets(store)
    for key, exp in KINERJA.items():
        if exp["unit"] != UNIT:
            submit_fixture(store, key, units)
    create_user(store, "test", "kasi.pem", "Kasi Pemerintahan", "unit", PASSWORD, unit_id=units[UNIT],
                must_change_password=False)
    return {"units": units}


def _audit(action: str) -> list[tuple]:
    return _store().sql("SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id", [action])


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def unit_app() -> object:
    return new_app(Q, user="kasi.pem")


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
    shown = sek.dataframe[1].value
    assert shown["Realisasi"].tolist()[1] == "80,18"
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
    assert note in warning and "sekcam" in warning
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
    assert "sudah disetujui Camat oleh camat" in _texts(unit.error)
    assert unit.text_input(key=f"val_2026_3_{first}").disabled
    assert next(b for b in unit.button if b.label == "Kirim ke Sekcam").disabled
    with pytest.raises(review.Locked):
        submit_values(store, unit_id, 2026, 3, {first: ("5", None)},
                      User("kasi.pem", "Kasi Pemerintahan", "unit", unit_id=unit_id))
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
@pytest.mark.parametrize("kind, extra, args", [
    ("bulan", {}, dict(month=3)),
    ("triwulan", {"data_tw": 2}, dict(triwulan=2)),
    ("tahun", {}, dict(annual=True)),
])
def test_data_kinerja_recap_equals_core(kinerja, media, kind, extra, args):
    from core.kinerja import kinerja_recap
    from ui.format import percent
    from ui.kinerja import value_text

    at = run(new_app(Q, user="kabag", role="viewer"))
    open_page(at, "pages/kinerja_data.py", "Data Kinerja")
    at.radio(key="data_kind").set_value(kind)
    run(at)
    for key, value in extra.items():
        at.selectbox(key=key).set_value(value)
        run(at)
    expected = kinerja_recap(_store(), 2026, **args)
    table = at.dataframe[0].value
    assert table["Indikator"].tolist() == expected["indikator"].tolist()
    assert table["Target"].tolist() == [value_text(v) for v in expected["target"]]
    assert table["Realisasi"].tolist() == [value_text(v) for v in expected["realisasi"]]
    assert table["Capaian"].tolist() == [percent(v) for v in expected["capaian"]]
    assert table["Predikat"].tolist() == expected["predikat"].fillna("-").tolist()
    # the fixture values are really there (Seksi Pemerintahan has not submitted yet)
    assert expected["realisasi"].notna().sum() == 25

    button = next(b for b in at.get("download_button") if b.label.startswith("Unduh"))
    wb = openpyxl.load_workbook(io.BytesIO(download_bytes(media, button)), data_only=True)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    numbers = [c for c in cells if isinstance(c, (int, float))]
    for v in expected["capaian"].dropna():
        assert any(abs(n - round(v, 2)) < 0.006 for n in numbers), v
    button.click()
    run(at)
    assert _audit("download")[-1][0] == "kabag"
