"""Classification of a sub kegiatan as fisik konstruksi or non fisik (SOP Rakor POK step 3).

Rules, strongest first; the one that decides is stored as ``jenis_source``/``jenis_rule``:
1. ``file``: an explicit "jenis" column in the uploaded file.
2. ``rule`` / belanja modal: the DPA carries a belanja line under 5.2.03 (gedung dan bangunan)
   or 5.2.04 (jalan, irigasi dan jaringan) -> fisik; DPA lines without them -> non fisik
   (Permendagri 90/2019 kode rekening).
3. ``rule`` / kata kunci: the name starts with a construction verb and names a structure
   ("Pembangunan Gedung ...", "Rehabilitasi Jaringan Irigasi ...") or names a structure that is
   only ever built (jembatan, drainase, irigasi ...).
A manual override (``manual``) is applied by the store and always wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .text import norm

FISIK = "fisik"
NON_FISIK = "non_fisik"

BELANJA_MODAL_KONSTRUKSI = ("5.2.03", "5.2.04")

_VERB = (
    r"(pembangunan|rehabilitasi|rekonstruksi|peningkatan|pemeliharaan berkala|pemeliharaan rutin|"
    r"pelebaran|penggantian|renovasi|normalisasi|pengerukan|penataan|revitalisasi|perluasan)"
)
_OBJECT = (
    r"(jalan|jembatan|gedung|bangunan|irigasi|drainase|saluran|embung|bendung|talud|tanggul|"
    r"kantor|sekolah|ruang kelas|puskesmas|pustu|rumah sakit|pasar|terminal|dermaga|trotoar|"
    r"jaringan air|spam|sanitasi|septic|ipal|rumah tidak layak|rutilahu|rtlh|lapangan|stadion|"
    r"taman|balai|gor|masjid|prasarana|sarana air|jamban|tpa|tps|halte|pos kesehatan|poskesdes|polindes|"
    r"rumah|gudang|los|kios|menara|tower)"
)
_VERB_OBJECT = re.compile(rf"\b{_VERB}\b.*\b{_OBJECT}")
_ALWAYS = re.compile(
    r"\b(jembatan|drainase|irigasi|konstruksi fisik|pekerjaan konstruksi|"
    r"jalan lingkungan|talud|embung)\b"
)
_NOT = re.compile(
    r"^(pendataan|verifikasi|sosialisasi|pelatihan|koordinasi|monitoring|evaluasi|penyusunan|"
    r"fasilitasi|pembinaan|bimbingan|pengelolaan|penyediaan|pengawasan|survei|kajian)\b|"
    r"\b(dokumen|perencanaan pembangunan|rehabilitasi sosial)\b"
)


def jenis_from_text(text: object) -> str | None:
    """Read an explicit jenis cell ("Fisik", "Non Fisik", "Konstruksi", "NF")."""
    key = norm(text)
    if not key:
        return None
    if "non" in key or key in ("nf", "bukan fisik"):
        return NON_FISIK
    if "fisik" in key or "konstruksi" in key or key == "f":
        return FISIK
    return None


def jenis_from_belanja(kode_rekening: Iterable[str]) -> str:
    """Fisik when any belanja line is belanja modal 5.2.03 / 5.2.04, else non fisik."""
    for kode in kode_rekening:
        if str(kode).strip().startswith(BELANJA_MODAL_KONSTRUKSI):
            return FISIK
    return NON_FISIK


def jenis_from_name(nama: str) -> str:
    """Keyword rule on the sub kegiatan name (used when there is no DPA line)."""
    key = norm(nama)
    if _NOT.search(key):
        return NON_FISIK
    if _VERB_OBJECT.search(key) or _ALWAYS.search(key):
        return FISIK
    return NON_FISIK


def classify(nama: str, kode_rekening: Iterable[str] | None = None, jenis_text: object = None) -> tuple[str, str, str]:
    """Return ``(jenis, jenis_source, rule)`` for one sub kegiatan (rules in the module doc)."""
    explicit = jenis_from_text(jenis_text)
    if explicit:
        return explicit, "file", "kolom jenis pada berkas"
    codes = list(kode_rekening or [])
    if codes:
        jenis = jenis_from_belanja(codes)
        rule = "belanja modal 5.2.03/5.2.04" if jenis == FISIK else "tanpa belanja modal 5.2.03/5.2.04"
        return jenis, "rule", rule
    return jenis_from_name(nama), "rule", "kata kunci nama sub kegiatan"
