"""The audit log in words a reader understands (page Log Audit and its Excel): the name of each
kind of entry, and the Keterangan as Indonesian text instead of the stored detail.

The stored detail is either plain text written by the core functions (``keputusan: 'a' -> 'b';
batas_waktu: 30-04-2026 -> 15-05-2026``) or a JSON object (imports, backups, layouts, kinerja
entries). :func:`keterangan` turns both into ``kolom: nilai lama → nilai baru`` text with
Indonesian field names and values: never raw JSON, ``None``, ``True`` or an English status code.
The stored detail itself is left as it was written (the log cannot be changed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from core.access import ROLES
from core.format import format_decimal
from core.months import BULAN

ACTION_LABEL = {
    "login": "Masuk",
    "login_failed": "Gagal masuk",
    "logout": "Keluar",
    "session_expired": "Sesi berakhir",
    "session_ended": "Sesi dihentikan",
    "import_realisasi": "Impor laporan realisasi",
    "import_dpa": "Impor DPA",
    "import_kinerja": "Impor data kinerja",
    "import_targets": "Impor Perjanjian Kinerja",
    "targets_apply": "Target kinerja diterapkan",
    "kinerja_apply": "Data kinerja diterapkan",
    "supersede": "Laporan diganti versi baru",
    "received": "Tanggal diterima diubah",
    "user_create": "Pengguna dibuat",
    "user_update": "Pengguna diubah",
    "password_reset": "Kata sandi diatur ulang",
    "password_change": "Kata sandi diganti",
    "download": "Unduhan",
    "backup": "Cadangan dibuat",
    "restore": "Cadangan dipulihkan",
    "settings": "Pengaturan diubah",
    "demo_remove": "Data contoh dihapus",
    "unit_create": "Unit kerja ditambah",
    "jenis_override": "Klasifikasi diubah manual",
    "layout_save": "Format laporan disimpan",
    "layout_rename": "Format laporan diganti nama",
    "layout_delete": "Format laporan dihapus",
    "held_confirm": "Baris tertahan dikonfirmasi",
    "held_dismiss": "Baris tertahan diabaikan",
    "rakor_create": "Rakor dicatat",
    "rakor_update": "Data rakor diubah",
    "rakor_final": "Hasil rakor ditetapkan",
    "tindak_lanjut_add": "Keputusan rakor ditambah",
    "tindak_lanjut_update": "Keputusan rakor diubah",
    "tindak_lanjut_batal": "Keputusan rakor dibatalkan",
    "tindak_lanjut_delete": "Keputusan rakor dihapus",
    "tindak_lanjut_status": "Perkembangan tindak lanjut",
    "kinerja_input": "Data kinerja diisi",
    "kinerja_match_confirm": "Indikator dicocokkan",
    "kinerja_match_dismiss": "Baris kinerja diabaikan",
    "kinerja_analisis": "Analisis kinerja dicatat",
    "kinerja_requested": "Permintaan data kinerja",
    "kinerja_submitted": "Data kinerja disampaikan",
    "kinerja_compiled": "Data kinerja dihimpun",
    "kinerja_analysed": "Data kinerja dianalisis",
    "kinerja_verified": "Data kinerja diverifikasi",
    "kinerja_returned": "Data kinerja dikembalikan",
    "kinerja_approved": "Data kinerja disetujui",
    "kinerja_reopened": "Data kinerja dibuka kembali",
    "indikator_create": "Indikator ditambah",
    "indikator_update": "Indikator diubah",
}

# Stored field names -> the words of the screens.
FIELD_LABEL = {
    "import_id": "nomor impor",
    "tahun": "tahun",
    "bulan": "bulan",
    "baris": "baris",
    "opd": "OPD",
    "opd_kode": "OPD",
    "unit": "unit kerja",
    "unit_id": "unit kerja",
    "indikator_id": "nomor indikator",
    "indikator": "indikator",
    "realisasi": "realisasi",
    "menggantikan": "menggantikan",
    "nama_berkas": "nama berkas",
    "nama_file": "nama berkas",
    "file_name": "nama berkas",
    "held": "nomor baris tertahan",
    "kode": "kode",
    "alasan": "alasan",
    "dari": "dari",
    "tabel": "isi tabel",
    "dibuat": "dibuat",
    "oleh": "oleh",
    "asal": "asal",
    "name": "nama",
    "nama": "nama",
    "signature": "tanda kolom",
    "height": "tinggi judul tabel",
    "paths": "kolom",
    "role": "peran",
    "active": "aktif",
    "email": "surel",
    "must_change_password": "wajib ganti kata sandi",
    "masalah": "permasalahan",
    "keputusan": "keputusan",
    "pic": "penanggung jawab",
    "batas_waktu": "batas waktu",
    "dibatalkan": "dibatalkan",
    "alasan_batal": "alasan batal",
    "status": "status",
    "tanggal": "tanggal",
    "tempat": "tempat",
    "pimpinan": "pimpinan",
    "catatan": "catatan",
    "peserta": "peserta",
    "jenis": "jenis",
    "target": "target",
    "satuan": "satuan",
    "arah": "arah",
    "agregasi_rule": "cara rekap",
    "agregasi_source": "asal cara rekap",
}

# Stored codes that may stand as a value -> their Indonesian words.
VALUE_LABEL = {
    **{role: label.split(" (")[0] for role, label in ROLES.items()},
    "open": "Belum ditindaklanjuti",
    "in_progress": "Dalam proses",
    "done": "Selesai",
    "draft": "Belum disampaikan",
    "submitted": "Disampaikan",
    "verified": "Terverifikasi",
    "returned": "Dikembalikan",
    "approved": "Disetujui",
    "final": "Ditetapkan",
    "fisik": "fisik konstruksi",
    "non_fisik": "non fisik",
    "naik": "naik",
    "turun": "turun",
    "stok": "nilai terakhir",
    "alir": "jumlah",
    "True": "ya",
    "False": "tidak",
    "None": "-",
    "NaT": "-",
    "nan": "-",
}
_ARROW = re.compile(r"\s*->\s*")
_FIELD = re.compile(r"([a-z]+(?:_[a-z]+)*): (.*)", re.S)
_ROLE_AFTER = re.compile(r"\bperan (\w+)")
_STATUS_AFTER = re.compile(r"\bstatus (\w+)$")
_OPD_AFTER = re.compile(r"\bOPD (\d[\d.]*\d)\b")
_UNIT_AFTER = re.compile(r"\bunit (\d+)\b")


def action_label(action: str) -> str:
    """The Indonesian name of an audit entry's kind (an unknown one in words, never snake_case)."""
    return ACTION_LABEL.get(action, action.replace("_", " ").capitalize())


def field_label(name: str) -> str:
    """The Indonesian name of a stored field (``batas_waktu`` -> ``batas waktu``)."""
    return FIELD_LABEL.get(name, name.replace("_", " "))


def _number(value: float) -> str:
    return format_decimal(value, format="#,##0.##")


def _value(key: str, value, opd_names: Mapping[str, str]) -> str:
    """One value of a JSON detail as text."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int):
        if key == "bulan" and 1 <= value <= 12:
            return BULAN[value - 1]
        return str(value) if abs(value) < 10_000 or key.endswith("id") else _number(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        if key in ("opd", "opd_kode"):
            return opd_names.get(value, value)
        return VALUE_LABEL.get(value, value) if key in ("role", "status", "jenis", "arah") else value
    if isinstance(value, Mapping):
        keys = set(value)
        for old, new in (("lama", "baru"), ("old", "new"), ("dari", "ke")):
            if keys == {old, new}:
                return f"{_value(key, value[old], opd_names)} → {_value(key, value[new], opd_names)}"
        return ", ".join(f"{field_label(str(k))} {_value(str(k), v, opd_names)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return (
            " › ".join(_value(key, v, opd_names) for v in value)
            if key == "paths"
            else ", ".join(_value(key, v, opd_names) for v in value)
        )
    return str(value)


def _json_text(data, opd_names: Mapping[str, str]) -> str:
    if isinstance(data, Mapping):
        parts = []
        for k, v in data.items():
            if k == "paths" and isinstance(v, Mapping):
                text = "; ".join(f"{field_label(str(f))} = {_value('paths', p, opd_names)}" for f, p in v.items())
                parts.append(f"kolom: {text}")
            else:
                parts.append(f"{field_label(str(k))}: {_value(str(k), v, opd_names)}")
        return "; ".join(parts) or "-"
    if isinstance(data, list):
        return ", ".join(_value("", v, opd_names) for v in data) or "-"
    return _value("", data, opd_names)


def _code(key: str, text: str, opd_names: Mapping[str, str], unit_names: Mapping[int, str]) -> str:
    """A whole value that is a stored code (role, status, True/None, OPD kode, unit id) in words."""
    word = text.strip()
    if key in ("opd", "opd_kode") and word in opd_names:
        return opd_names[word]
    if key == "unit_id" and word.isdigit() and int(word) in unit_names:
        return unit_names[int(word)]
    return VALUE_LABEL.get(word, text)


def _segment(text: str, opd_names: Mapping[str, str], unit_names: Mapping[int, str]) -> str:
    """One ``;``-separated part of a plain detail."""
    m = _FIELD.fullmatch(text)
    if m:  # "field: old -> new" or "field: value"
        key, rest = m.groups()
        return f"{field_label(key)}: " + " → ".join(
            _code(key, side, opd_names, unit_names) for side in _ARROW.split(rest)
        )
    if "->" in text:  # "Seksi X Maret 2026: submitted -> verified"
        sides = _ARROW.split(text)
        head, sep, last = sides[0].rpartition(": ")
        sides[0] = head + sep + _code("", last, opd_names, unit_names)
        text = " → ".join([sides[0], *(_code("", side, opd_names, unit_names) for side in sides[1:])])
    text = _STATUS_AFTER.sub(lambda m: "status " + VALUE_LABEL.get(m.group(1), m.group(1)), text)
    text = _ROLE_AFTER.sub(lambda m: "peran " + VALUE_LABEL.get(m.group(1), m.group(1)), text)
    text = _UNIT_AFTER.sub(lambda m: "unit " + unit_names.get(int(m.group(1)), m.group(1)), text)
    return _OPD_AFTER.sub(lambda m: "OPD " + opd_names.get(m.group(1), m.group(1)), text)


def _plain_text(action: str, text: str, opd_names: Mapping[str, str], unit_names: Mapping[int, str]) -> str:
    if action == "settings":  # the changed keys, comma separated
        return ", ".join(field_label(k.strip()) for k in text.split(",") if k.strip()) or "-"
    return "; ".join(_segment(part, opd_names, unit_names) for part in text.split("; "))


def keterangan(
    action: str,
    detail: object,
    opd_names: Mapping[str, str] | None = None,
    unit_names: Mapping[int, str] | None = None,
) -> str:
    """The Keterangan of an audit entry as Indonesian text: ``-`` when empty; a JSON object as
    ``nomor impor: 12; tahun: 2026; bulan: Maret``; a change as ``batas waktu: 30-04-2026 →
    15-05-2026``; stored codes (roles, statuses, field names, True/None) in words; OPD codes by
    name when ``opd_names`` (kode -> nama) knows them, unit kerja ids by name from ``unit_names``."""
    opd_names, unit_names = opd_names or {}, unit_names or {}
    if not isinstance(detail, str) or not detail.strip():  # None, NaN of an empty cell
        return "-"
    text = str(detail).strip()
    if text[:1] in "{[":
        try:
            return _json_text(json.loads(text), opd_names)
        except ValueError:
            pass
    return _plain_text(action, text, opd_names, unit_names)
