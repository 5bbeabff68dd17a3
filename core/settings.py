"""Settings of an install (Pengaturan): names, kop, signatory, thresholds, target curve,
reporting deadline, modules. Stored as text in the ``setting`` table; defaults here.

A new install names no daerah: the admin fills the daerah in the first-run setup
(:func:`is_configured`, ``ui/setup.py``). The sample data (data contoh) brings its own fictional
daerah (:data:`DEMO_DAERAH`), used only while the sample data is in the database
(:func:`demo_active`); the install's own settings are never overwritten by it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from core.access import User, require_role
from core.modules import MODULES
from db.store import Store

# Cumulative target absorption (realisasi keuangan %) at the end of each month: a common
# pattern of regional budgets (slow first quarter, most spending in the second half).
DEFAULT_TARGET_CURVE = [3.0, 8.0, 15.0, 22.0, 30.0, 40.0, 48.0, 57.0, 66.0, 76.0, 87.0, 100.0]
MATERI_BARIS_MIN, MATERI_BARIS_MAX = 5, 200  # bounds of Settings.materi_baris_slide


@dataclass
class Settings:
    """Every setting with its default."""

    nama_daerah: str = ""  # e.g. "Kabupaten Lombok Timur"; empty: the first-run setup is not done
    kop_1: str = ""  # "PEMERINTAH KABUPATEN ..."
    kop_2: str = "SEKRETARIAT DAERAH"  # instansi
    kop_3: str = "BAGIAN ADMINISTRASI PEMBANGUNAN"  # unit
    kop_alamat: str = ""
    logo: str = ""  # the kop logo: a file name under the data dir's logo/ folder ("" none)
    tempat: str = ""  # place of signing
    ttd_jabatan: str = "Kepala Bagian Administrasi Pembangunan"
    ttd_nama: str = ""
    ttd_nip: str = ""
    kecamatan_nama: str = ""  # data kinerja: the kecamatan (kop and title of its recaps)
    kecamatan_alamat: str = ""
    kecamatan_tempat: str = ""  # place of signing (default: tempat)
    camat_jabatan: str = "Camat"  # signatory of the kinerja recap (SOP step 7)
    camat_nama: str = ""
    camat_nip: str = ""
    kinerja_capaian_maks: float = 100.0  # a capaian above this counts as this in a mean (core.kinerja)
    kuning_poin: float = 5.0  # deviasi / absorption gap (points) from which an OPD is yellow
    merah_poin: float = 10.0  # ... and red
    kritis_awal_poin: float = 10.0  # kontrak kritis: plan 0-70 % and more than this behind
    kritis_akhir_poin: float = 5.0  # ... plan 70-100 % and more than this behind
    batas_hari: int = 10  # reports are due on this day of the following month
    # Materi Rakor: at most this many rows per list on the slides (kontrak kritis, belum melapor,
    # permasalahan, tindak lanjut: 4 slides of 8 rows at most) and rankings of more than twice this
    # many OPDs show the top and bottom this many (a kabupaten of up to 50 OPDs is ranked whole);
    # the workbook has every row
    materi_baris_slide: int = 25
    tahun_anggaran: int = 0  # the budget year in use (0: not set, the current year)
    modul: list = field(default_factory=lambda: list(MODULES))  # the modules the office uses
    target_serapan: list = field(default_factory=lambda: list(DEFAULT_TARGET_CURVE))  # 12 cumulative % values
    # the kop logo's file on disk, resolved by :func:`load_own` from :attr:`logo` (not stored)
    logo_file: str = field(default="", metadata={"stored": False})

    def __post_init__(self):
        if self.target_serapan is None:
            self.target_serapan = list(DEFAULT_TARGET_CURVE)

    def target_for(self, month: int) -> float:
        """Target cumulative absorption (%) at the end of ``month``."""
        return float(self.target_serapan[month - 1])

    def deadline(self, year: int, month: int) -> dt.date:
        """Due date of the report for (year, month): day :attr:`batas_hari` of the next month."""
        y, m = (year + 1, 1) if month == 12 else (year, month + 1)
        return dt.date(y, m, min(max(1, int(self.batas_hari)), 28))


# The fictional daerah of the sample data (scripts/make_demo.py): the kop, place and signatories
# while the sample data is loaded, and never otherwise.
DEMO_DAERAH: dict[str, Any] = dict(
    nama_daerah="Kabupaten Tanjung Makmur",
    kop_1="PEMERINTAH KABUPATEN TANJUNG MAKMUR",
    kop_2="SEKRETARIAT DAERAH",
    kop_3="BAGIAN ADMINISTRASI PEMBANGUNAN",
    kop_alamat="Jalan Contoh Nomor 1, Tanjung Makmur (data contoh, fiktif)",
    logo="",
    tempat="Tanjung Makmur",
    ttd_jabatan="Kepala Bagian Administrasi Pembangunan",
    ttd_nama="NAMA CONTOH (FIKTIF)",
    ttd_nip="",
    kecamatan_nama="Kecamatan Sukamaju",
    kecamatan_alamat="Jalan Contoh Nomor 2, Sukamaju (data contoh, fiktif)",
    kecamatan_tempat="Sukamaju",
    camat_jabatan="Camat Sukamaju",
    camat_nama="NAMA CONTOH (FIKTIF)",
    camat_nip="",
)
DEMO_KEY = "demo_imports"  # setting: JSON list of the import ids of the sample data
LOGO_MAX_BYTES = 1024 * 1024
LOGO_DIR = "logo"
JENIS_DAERAH = ("Kabupaten", "Kota", "Provinsi")


def stored_fields() -> list:
    """The fields of :class:`Settings` kept in the ``setting`` table (not the derived ones)."""
    return [f for f in fields(Settings) if f.metadata.get("stored", True)]


def _parse(raw: dict[str, str]) -> Settings:
    values: dict = {}
    defaults = Settings()
    for f in stored_fields():
        if f.name not in raw:
            continue
        text = raw[f.name]
        default = getattr(defaults, f.name)
        if isinstance(default, list):
            values[f.name] = json.loads(text)
        elif isinstance(default, float):
            values[f.name] = float(text)
        elif isinstance(default, int):
            values[f.name] = int(text)
        else:
            values[f.name] = text
    return Settings(**values)


def load_own(store: Store) -> Settings:
    """The install's own settings (defaults where nothing is stored), whether or not the sample
    data is loaded: what Pengaturan edits and the first-run setup checks."""
    s = _parse(store.settings())
    logo = logo_path(store, s)
    return replace(s, logo_file=str(logo) if logo else "")


def demo_ids(store: Store) -> list[int]:
    """Import ids of the sample data recorded when it was loaded (empty: not loaded)."""
    text = store.settings().get(DEMO_KEY) or "[]"
    try:
        return [int(i) for i in json.loads(text)]
    except (ValueError, TypeError):
        return []


def demo_active(store: Store) -> bool:
    """Is the sample data in the database (at least one of its imports still there)?"""
    ids = demo_ids(store)
    return bool(ids) and bool(store.import_ids() & set(ids))


def load(store: Store) -> Settings:
    """The settings in force: the install's own (:func:`load_own`), with the daerah, kop and
    signatories of the sample data (:data:`DEMO_DAERAH`) while the sample data is loaded."""
    own = load_own(store)
    return replace(own, **DEMO_DAERAH, logo_file="") if demo_active(store) else own


def is_configured(s: Settings) -> bool:
    """Has the first-run setup named the daerah?"""
    return bool(s.nama_daerah and s.nama_daerah.strip())


def split_daerah(nama_daerah: str) -> tuple[str, str]:
    """("Kabupaten", "Lombok Timur") from "Kabupaten Lombok Timur" (the kind defaults to Kabupaten)."""
    words = " ".join((nama_daerah or "").split())
    for jenis in JENIS_DAERAH:
        if words.lower().startswith(jenis.lower() + " "):
            return jenis, words[len(jenis) + 1 :]
    return JENIS_DAERAH[0], words


def nip_problem(nip: str, whose: str = "penandatangan") -> str | None:
    """Why ``nip`` is not a NIP (18 digits: birth date, TMT year-month, sex 1/2, serial), or ``None``
    when it is one or empty. Spaces and dots are allowed between the groups."""
    digits = re.sub(r"[\s.]", "", nip or "")
    if not digits:
        return None
    if not re.fullmatch(r"\d{18}", digits):
        count = len(re.sub(r"\D", "", digits))
        return f"NIP {whose} harus 18 angka (sekarang {count} angka), mis. 19800101 200501 1 001."
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        ok = 1 <= int(digits[12:14]) <= 12 and digits[14] in "12"
    except ValueError:
        ok = False
    if not ok:
        return (
            f"NIP {whose} tidak sesuai susunan NIP (8 angka tanggal lahir, 6 angka tahun-bulan pengangkatan, "
            "1 angka jenis kelamin 1 atau 2, 3 angka nomor urut). Periksa kembali."
        )
    return None


def clean_nip(nip: str) -> str:
    """A NIP as 18 digits without spaces (as typed when it is not a NIP)."""
    digits = re.sub(r"[\s.]", "", nip or "")
    return digits if re.fullmatch(r"\d{18}", digits) else (nip or "").strip()


def problems(s: Settings, required: bool = False) -> list[str]:
    """What is wrong with settings before they are saved (Indonesian). ``required``: the
    first-run setup's fields must be filled too (daerah, instansi, place and signatory)."""
    out = []
    if required:
        for name, label in [
            ("nama_daerah", "Nama daerah"),
            ("kop_1", "Kop baris pertama (PEMERINTAH ...)"),
            ("kop_2", "Instansi"),
            ("tempat", "Kota tempat penandatanganan"),
            ("ttd_jabatan", "Jabatan penandatangan"),
            ("ttd_nama", "Nama penandatangan"),
        ]:
            if not str(getattr(s, name) or "").strip():
                out.append(f"{label} wajib diisi.")
    if not 0 <= s.kuning_poin < s.merah_poin:
        out.append("Ambang kuning harus lebih kecil dari ambang merah (keduanya dalam poin, tidak negatif).")
    if len(s.target_serapan) != 12 or any(b < a for a, b in zip(s.target_serapan, s.target_serapan[1:])):
        out.append("Target serapan harus 12 angka kumulatif yang tidak menurun (Januari sampai Desember).")
    if any(not 0 <= v <= 100 for v in s.target_serapan):
        out.append("Target serapan harus di antara 0 dan 100 persen.")
    if not 100 <= float(s.kinerja_capaian_maks) <= 1000:
        out.append(
            "Batas capaian untuk rata-rata harus 100 % sampai 1.000 % (100 %: capaian di atas target dihitung 100 %)."
        )
    if not MATERI_BARIS_MIN <= int(s.materi_baris_slide) <= MATERI_BARIS_MAX:
        out.append(
            f"Baris per daftar pada slide materi rakor harus {MATERI_BARIS_MIN} sampai {MATERI_BARIS_MAX} "
            "(daftar lengkap selalu ada di lampiran Excel)."
        )
    if not 1 <= int(s.batas_hari) <= 28:
        out.append("Batas pelaporan harus tanggal 1 sampai 28 bulan berikutnya.")
    if int(s.tahun_anggaran) != 0 and not 2000 <= int(s.tahun_anggaran) <= 2100:
        out.append("Tahun anggaran harus tahun empat angka, mis. 2026.")
    if not s.modul or any(m not in MODULES for m in s.modul):
        out.append("Pilih paling sedikit satu modul yang dipakai kantor Anda (Rakor POK, Data Kinerja, atau keduanya).")
    for nip, whose in [(s.ttd_nip, "penandatangan"), (s.camat_nip, "Camat")]:
        problem = nip_problem(nip, whose)
        if problem:
            out.append(problem)
    return out


def save(store: Store, s: Settings, actor: User | str) -> None:
    """Store every setting (audited with the changed keys); ``actor``: the signed-in admin (or a
    trusted operator's name), else :class:`core.access.Forbidden`."""
    actor = require_role(actor, {"admin"}, "mengubah pengaturan")
    before = load_own(store)
    values = {
        f.name: (json.dumps(getattr(s, f.name)) if isinstance(getattr(s, f.name), list) else str(getattr(s, f.name)))
        for f in stored_fields()
    }
    changed = [f.name for f in stored_fields() if getattr(before, f.name) != getattr(s, f.name)]
    store.save_settings(values, actor, changed)


def logo_problem(data: bytes) -> str | None:
    """Why ``data`` cannot be the kop logo (size, not a PNG or JPEG picture), or ``None``."""
    if len(data) > LOGO_MAX_BYTES:
        return f"Berkas logo terlalu besar ({round(len(data) / 1024)} KB); batasnya 1 MB. Perkecil gambarnya."
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        return "Logo harus gambar PNG atau JPG."
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception:
        return "Berkas logo tidak dapat dibaca sebagai gambar. Simpan ulang sebagai PNG atau JPG lalu unggah lagi."
    return None


def save_logo(store: Store, data: bytes) -> str:
    """Store the kop logo under the data dir (``logo/<sha256>.png|jpg``); returns the file name for
    :attr:`Settings.logo`. Raises ``ValueError`` (Indonesian) for what :func:`logo_problem` refuses."""
    problem = logo_problem(data)
    if problem:
        raise ValueError(problem)
    ext = "png" if data.startswith(b"\x89PNG") else "jpg"
    name = f"{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
    folder = Path(store.data_dir) / LOGO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name


def logo_path(store: Store, s: Settings) -> Path | None:
    """The kop logo file of ``s`` (``None``: none set or the file is gone)."""
    if not s.logo or "/" in s.logo or "\\" in s.logo or s.logo.startswith("."):
        return None
    path = Path(store.data_dir) / LOGO_DIR / s.logo
    return path if path.is_file() else None


def begin_demo(store: Store, actor: User | str, import_ids: list[int]) -> None:
    """Record the sample data's imports: while any of them is in the database the kop and
    signatories are the fictional :data:`DEMO_DAERAH` (the install's own settings are kept)."""
    actor = require_role(actor, {"admin"}, "memuat data contoh")
    ids = sorted(set(demo_ids(store)) | {int(i) for i in import_ids})
    store.save_settings({DEMO_KEY: json.dumps(ids)}, actor, [DEMO_KEY])


def remove_demo(store: Store, actor: User | str) -> int:
    """Delete the sample data (its imports and every row they loaded); the install's own daerah
    is in force again. Returns how many imports were removed."""
    actor = require_role(actor, {"admin"}, "menghapus data contoh")
    ids = sorted(store.import_ids() & set(demo_ids(store)))
    store.remove_imports(ids)  # all or nothing; then the record of the sample data goes
    with store.transaction():  # the demo kecamatan's review states, notes and units (kinerja)
        store.purge_units_without_indicators()
    store.save_settings({DEMO_KEY: "[]"}, actor, [])
    store.audit_many([(actor, "demo_remove", None, f"{len(ids)} impor data contoh dihapus")])
    return len(ids)
