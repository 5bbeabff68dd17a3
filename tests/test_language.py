"""Language of the screens (issue 17 item 6) without a browser: the one date format
(core.format), the Log Audit's Keterangan as Indonesian text (core.audit_text), the tindak lanjut
decision form's rules (core.tindak_lanjut.form_decision) and the checker of the browser walk
(tests.language_support)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from core import tindak_lanjut as tl
from core.audit_text import action_label, keterangan
from core.format import tanggal, tanggal_angka, waktu, waktu_panjang
from tests.language_support import findings


# --------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    "value",
    [dt.date(2026, 12, 2), dt.datetime(2026, 12, 2, 13, 45), pd.Timestamp("2026-12-02 13:45"), "2026-12-02"],
)
def test_one_date_format_from_every_kind_of_date(value):
    assert tanggal(value) == "2 Desember 2026"
    assert tanggal_angka(value) == "02-12-2026"


def test_time_and_missing_values_as_a_dash():
    assert waktu(pd.Timestamp("2026-12-02 13:45:09")) == "02-12-2026 13.45"
    assert waktu(np.datetime64("2026-01-05T08:05:00.000000000")) == "05-01-2026 08.05"
    assert waktu(dt.date(2026, 1, 5)) == "05-01-2026"
    assert waktu_panjang(dt.datetime(2026, 3, 1, 9, 5)) == "1 Maret 2026 pukul 09.05"
    for missing in (None, pd.NaT, float("nan"), pd.NA, np.datetime64("NaT"), ""):
        assert tanggal(missing) == tanggal_angka(missing) == waktu(missing) == "-", missing
    assert tl.tgl(dt.date(2026, 4, 14)) == "14-04-2026" and tl.tanggal_panjang(dt.date(2026, 5, 1)) == "1 Mei 2026"


# --------------------------------------------------------------------------- the audit log in words
OPDS = {"1.02.01": "Dinas Kesehatan"}


@pytest.mark.parametrize(
    ("action", "detail", "text"),
    [
        (
            "import_realisasi",
            '{"import_id": 12, "tahun": 2026, "bulan": 3, "baris": 15, "opd": "1.02.01"}',
            "nomor impor: 12; tahun: 2026; bulan: Maret; baris: 15; OPD: Dinas Kesehatan",
        ),
        (
            "user_update",
            "role: opd -> viewer; active: True -> False; opd_kode: 1.02.01 -> None",
            "peran: Operator OPD → Pembaca; aktif: ya → tidak; OPD: Dinas Kesehatan → -",
        ),
        ("user_create", "peran opd, OPD 1.02.01", "peran Operator OPD, OPD Dinas Kesehatan"),
        ("user_create", "peran unit, unit 4", "peran Unit kerja / Kasi, unit Seksi Pemerintahan"),
        ("user_update", "unit_id: None -> 4", "unit kerja: - → Seksi Pemerintahan"),
        (
            "tindak_lanjut_update",
            "keputusan: 'Lelang' -> 'Lelang ulang'; batas_waktu: 30-04-2026 -> 15-05-2026",
            "keputusan: 'Lelang' → 'Lelang ulang'; batas waktu: 30-04-2026 → 15-05-2026",
        ),
        (
            "tindak_lanjut_add",
            "OPD 1.02.01; masalah 'Lelang gagal'; PIC 'PPK'; batas waktu -; status open",
            "OPD Dinas Kesehatan; masalah 'Lelang gagal'; PIC 'PPK'; batas waktu -; status Belum ditindaklanjuti",
        ),
        (
            "kinerja_verified",
            "Seksi Pemerintahan Maret 2026: submitted -> verified; catatan: sudah diperiksa",
            "Seksi Pemerintahan Maret 2026: Disampaikan → Terverifikasi; catatan: sudah diperiksa",
        ),
        ("settings", "nama_daerah, batas_hari", "nama daerah, batas hari"),
        (
            "kinerja_input",
            '{"bulan": "Maret 2026", "indikator_id": 4, "realisasi": 80.18, "menggantikan": []}',
            "bulan: Maret 2026; nomor indikator: 4; realisasi: 80,18; menggantikan: ",
        ),
        (
            "layout_save",
            '{"height": 2, "paths": {"pagu": ["PAGU", "Rp"]}, "opd": null}',
            "tinggi judul tabel: 2; kolom: pagu = PAGU › Rp; OPD: -",
        ),
        ("download", None, "-"),
        ("logout", float("nan"), "-"),
    ],
)
def test_audit_detail_as_indonesian_text(action, detail, text):
    out = keterangan(action, detail, OPDS, {4: "Seksi Pemerintahan"})
    assert out == text
    assert not [w for w, _ in findings(out)], out


def test_every_action_has_an_indonesian_name():
    assert action_label("tindak_lanjut_status") == "Perkembangan tindak lanjut"
    assert action_label("sesuatu_baru") == "Sesuatu baru"  # never snake_case on screen


# --------------------------------------------------------------------------- the decision form
MEETING = dt.date(2026, 4, 14)
FORM_OPDS = {"A": "Dinas A", "B": "Dinas B"}


def _rows() -> pd.DataFrame:
    """One recorded decision, as :func:`core.tindak_lanjut.decisions` returns it."""
    return pd.DataFrame(
        {
            "id": [7],
            "opd_kode": ["A"],
            "masalah": ["Lelang gagal"],
            "keputusan": ["Lelang ulang"],
            "pic": ["PPK"],
            "batas_waktu": [dt.date(2026, 4, 30)],
            "status": ["open"],
            "dibatalkan": [False],
            "alasan_batal": [None],
        }
    )


def _values(**kw) -> dict:
    return dict(opd_kode="B", masalah="SPJ terlambat", keputusan="Percepat SPJ", pic="Bendahara", batas_waktu=None) | kw


def test_form_adds_a_new_decision_with_or_without_a_deadline():
    form = tl.form_decision(_rows(), None, _values(), opds=FORM_OPDS, rakor_tanggal=MEETING)
    assert not form.errors and form.status is None
    assert form.changes.adds == [_values()]
    due = tl.form_decision(
        _rows(), None, _values(batas_waktu=dt.date(2026, 5, 2)), opds=FORM_OPDS, rakor_tanggal=MEETING
    )
    assert due.changes.adds[0]["batas_waktu"] == dt.date(2026, 5, 2)


def test_form_messages_name_the_fields():
    form = tl.form_decision(
        _rows(),
        None,
        _values(opd_kode=None, pic="  ", batas_waktu=dt.date(2026, 4, 1)),
        opds=FORM_OPDS,
        rakor_tanggal=MEETING,
    )
    assert form.errors == [
        "OPD: wajib diisi.",
        "Penanggung jawab: wajib diisi.",
        "Batas waktu (tenggat): 01-04-2026 lebih awal dari tanggal rakor 14-04-2026. Isi batas waktu pada atau "
        "setelah tanggal rakor.",
    ]
    assert form.changes.empty


def test_form_edits_a_decision_and_a_status_change_needs_a_note():
    base = dict(opd_kode="A", masalah="Lelang gagal", keputusan="Lelang ulang", pic="PPK")
    same = tl.form_decision(
        _rows(), 7, base | dict(batas_waktu=dt.date(2026, 4, 30), status="open"), opds=FORM_OPDS, rakor_tanggal=MEETING
    )
    assert same.empty and not same.errors
    later = base | dict(batas_waktu=dt.date(2026, 5, 15), status="done", catatan="")
    form = tl.form_decision(_rows(), 7, later, opds=FORM_OPDS, rakor_tanggal=MEETING)
    assert form.errors == [
        "Catatan perkembangan: wajib diisi bila status diubah; tuliskan perkembangan tindak lanjutnya."
    ]
    form = tl.form_decision(_rows(), 7, later | dict(catatan="Selesai"), opds=FORM_OPDS, rakor_tanggal=MEETING)
    assert form.changes.updates == [(7, {"batas_waktu": dt.date(2026, 5, 15)})]
    assert (form.status, form.note) == ("done", "Selesai")
    cancel = base | dict(batas_waktu=dt.date(2026, 4, 30), status="done", catatan="x", dibatalkan=True)
    refused = tl.form_decision(_rows(), 7, cancel | dict(alasan_batal="Diputus"), opds=FORM_OPDS, rakor_tanggal=MEETING)
    assert refused.errors[0].startswith("Status: keputusan yang dibatalkan tidak diubah statusnya")
    gone = tl.form_decision(_rows(), 8, base, opds=FORM_OPDS, rakor_tanggal=MEETING)
    assert gone.errors == ["Keputusan No. 8 tidak ada pada rakor ini. Muat ulang halaman."]


# --------------------------------------------------------------------------- the checker of the browser walk
@pytest.mark.parametrize(
    "text",
    [
        "Nama nanas",  # not "nan"
        "Data Kinerja · Dinas Pendidikan · Mei 2026",
        "kode 1.03.02.2.01.0001 · Rp 1.250.000.000 · 45,5 %",
        "Senin-Jumat 08.00-16.00 · pukul 13.45 · 02-12-2026 13.45",
        "realisasi_dinkes_2026-03.xlsx",
        "2 Desember 2026 · 02-12-2026 · TW I · 2 Desember 2026 13.45 · Maret 2026 · 1 Juni",
    ],
)
def test_checker_leaves_indonesian_alone(text):
    assert findings(text) == []


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Browse files", "Browse files"),
        ("Upload", "Upload"),
        ("Choose an option", "Choose an option"),
        ("nilai None", "None"),
        ("NaN", "NaN"),
        ("NaT", "NaT"),
        ('{"import_id": 3}', "JSON"),
        ("2026-12-02T13:45:00", "tanggal ISO"),
        ("2026-12-02 13:45:00", "tanggal ISO"),
        ("12/02/2026", "tanggal bergaris miring"),
        ("target 5.00", "angka desimal bertitik"),
        ("tw1", "kode internal triwulan"),
        ("2 Des 22.48", "tanggal dengan bulan disingkat"),
        ("status submitted", "submitted"),
        ("jenis non_fisik", "kode internal (snake_case)"),
    ],
)
def test_checker_finds_english_and_raw_values(text, what):
    assert what in [w for w, _ in findings(text)]


def test_cell_values_as_the_screens_show_them():
    from core.format import cell_text

    assert [cell_text(v) for v in (7924221000.0, 25.0, 21.92, -3.08, 12, None, float("nan"), "", " Dinkes ")] == [
        "7.924.221.000",
        "25",
        "21,92",
        "-3,08",
        "12",
        "-",
        "-",
        "-",
        " Dinkes ",
    ]
    assert cell_text(dt.date(2026, 12, 2)) == "02-12-2026"
    assert cell_text(dt.datetime(2026, 12, 2, 13, 45)) == "02-12-2026 13.45"
    assert cell_text(True) == "ya"
