"""Budget codes as pemda files write them: what kind of code a cell holds, and a code written in
the same cell as its name ("1.01.01.1.01.01 Penyusunan Dokumen ...").

Permendagri 90 program-structure codes: urusan ``1``, bidang ``1.02``, program ``1.02.01``,
kegiatan ``1.02.01.2.01``, sub kegiatan ``1.02.01.2.01.0001`` (old exports: ``...2.01.01``).
Belanja rekening codes start with the akun (``5`` belanja) and a one-digit kelompok
(``5.1.02.01.01.0024``); organisation codes have eight segments (``1.02.2.14.0.00.01.0000``).
"""

from __future__ import annotations

import re

CODE = re.compile(r"^\d+(\.\d+)+$")
_CODE_AND_NAME = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?(?:\s*[-–:]\s*|\s+)(\S.*)$")
_SUB_KEGIATAN = re.compile(r"^\d{1,2}\.[\dX]{2}\.\d{2}\.\d\.\d{2}\.\d{2,4}$")
_KEGIATAN = re.compile(r"^\d{1,2}\.[\dX]{2}\.\d{2}\.\d\.\d{2}$")
_PROGRAM = re.compile(r"^\d{1,2}\.[\dX]{2}\.\d{2}$")
_REKENING = re.compile(r"^[4-7]\.\d(\.\d+)*$")
_SPACES = re.compile(r"\s+")

# Kinds of code, in the order of the program structure.
SUB_KEGIATAN, KEGIATAN, PROGRAM, REKENING, ORGANISASI, OTHER = (
    "sub_kegiatan",
    "kegiatan",
    "program",
    "rekening",
    "organisasi",
    "other",
)


def code_kind(code: str) -> str:
    """What a dotted code stands for (see the module docstring)."""
    if _SUB_KEGIATAN.match(code):
        return SUB_KEGIATAN
    if _KEGIATAN.match(code):
        return KEGIATAN
    if _PROGRAM.match(code):
        return PROGRAM
    if _REKENING.match(code):
        return REKENING
    if code.count(".") >= 6:
        return ORGANISASI
    return OTHER


def split_code(value: object) -> tuple[str | None, str | None]:
    """``(code, name)`` of a cell: a bare code (``"1.02.01.2.01.0001"``), a code followed by its
    name in the same cell (``"1.01.01 PROGRAM ..."``, ``"5. BELANJA"``), or no code at all
    (``(None, text)``). Spaces inside a code are dropped; a trailing dot is not part of it."""
    if value is None:
        return None, None
    if isinstance(value, float):
        return None, None
    text = str(value).strip()
    if not text:
        return None, None
    bare = _SPACES.sub("", text).rstrip(".")
    if CODE.match(bare):
        return bare, None
    m = _CODE_AND_NAME.match(text)
    if m and "." in m.group(1):
        return m.group(1), m.group(2).strip() or None
    return None, text
