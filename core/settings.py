"""Settings of an install (Pengaturan): names, kop, signatory, thresholds, target curve,
reporting deadline. Stored as text in the ``setting`` table; defaults here."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, fields

from core.access import User, require_role
from db.store import Store

# Cumulative target absorption (realisasi keuangan %) at the end of each month: a common
# pattern of regional budgets (slow first quarter, most spending in the second half).
DEFAULT_TARGET_CURVE = [3.0, 8.0, 15.0, 22.0, 30.0, 40.0, 48.0, 57.0, 66.0, 76.0, 87.0, 100.0]


@dataclass
class Settings:
    """Every setting with its default."""

    nama_daerah: str = "Kabupaten Tanjung Makmur"
    kop_1: str = "PEMERINTAH KABUPATEN TANJUNG MAKMUR"
    kop_2: str = "SEKRETARIAT DAERAH"
    kop_3: str = "BAGIAN ADMINISTRASI PEMBANGUNAN"
    kop_alamat: str = ""
    tempat: str = "Tanjung Makmur"
    ttd_jabatan: str = "Kepala Bagian Administrasi Pembangunan"
    ttd_nama: str = ""
    ttd_nip: str = ""
    kecamatan_nama: str = ""  # data kinerja: the kecamatan (kop and title of its recaps)
    kecamatan_alamat: str = ""
    kecamatan_tempat: str = ""  # place of signing (default: tempat)
    camat_jabatan: str = "Camat"  # signatory of the kinerja recap (SOP step 7)
    camat_nama: str = ""
    camat_nip: str = ""
    kuning_poin: float = 5.0  # deviasi / absorption gap (points) from which an OPD is yellow
    merah_poin: float = 10.0  # ... and red
    kritis_awal_poin: float = 10.0  # kontrak kritis: plan 0-70 % and more than this behind
    kritis_akhir_poin: float = 5.0  # ... plan 70-100 % and more than this behind
    batas_hari: int = 10  # reports are due on this day of the following month
    target_serapan: list = field(default_factory=lambda: list(DEFAULT_TARGET_CURVE))  # 12 cumulative % values

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


def load(store: Store) -> Settings:
    """The settings of this install (defaults where nothing is stored)."""
    raw = store.settings()
    values = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        text = raw[f.name]
        default = getattr(Settings(), f.name)
        if isinstance(default, list):
            values[f.name] = json.loads(text)
        elif isinstance(default, float):
            values[f.name] = float(text)
        elif isinstance(default, int):
            values[f.name] = int(text)
        else:
            values[f.name] = text
    return Settings(**values)


def problems(s: Settings) -> list[str]:
    """What is wrong with settings before they are saved (Indonesian)."""
    out = []
    if not 0 <= s.kuning_poin < s.merah_poin:
        out.append("Ambang kuning harus lebih kecil dari ambang merah (keduanya dalam poin, tidak negatif).")
    if len(s.target_serapan) != 12 or any(b < a for a, b in zip(s.target_serapan, s.target_serapan[1:])):
        out.append("Target serapan harus 12 angka kumulatif yang tidak menurun (Januari sampai Desember).")
    if any(not 0 <= v <= 100 for v in s.target_serapan):
        out.append("Target serapan harus di antara 0 dan 100 persen.")
    if not 1 <= int(s.batas_hari) <= 28:
        out.append("Batas pelaporan harus tanggal 1 sampai 28 bulan berikutnya.")
    return out


def save(store: Store, s: Settings, actor: User | str) -> None:
    """Store every setting (audited with the changed keys); ``actor``: the signed-in admin (or a
    trusted operator's name), else :class:`core.access.Forbidden`."""
    actor = require_role(actor, {"admin"}, "mengubah pengaturan")
    before = load(store)
    values = {
        f.name: (json.dumps(getattr(s, f.name)) if isinstance(getattr(s, f.name), list) else str(getattr(s, f.name)))
        for f in fields(Settings)
    }
    changed = [f.name for f in fields(Settings) if getattr(before, f.name) != getattr(s, f.name)]
    store.save_settings(values, actor, changed)
