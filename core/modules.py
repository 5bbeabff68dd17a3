"""The modules an office uses and the pages of each (issue 17).

A Bagian Administrasi Pembangunan runs the Rakor POK; a Kecamatan collects data kinerja; some
offices do both. The menu (``app.py``) shows only the pages of the modules chosen in the
settings (:func:`visible_pages`); pages of no module (Impor, Pengaturan, Pengguna, Log Audit,
Cadangan, Akun Saya) are always there.
"""

from __future__ import annotations

from collections.abc import Iterable

# module key -> its name on screen
MODULES: dict[str, str] = {"rakor": "Rakor POK", "kinerja": "Data Kinerja"}

# module key -> the page keys (core.access.PAGE_ROLES) that belong to it
MODULE_PAGES: dict[str, frozenset[str]] = {
    "rakor": frozenset({"ringkasan", "rekap", "fisik", "status", "materi", "rakor", "permintaan"}),
    "kinerja": frozenset({"kinerja_permintaan", "kinerja_isi", "kinerja_data", "kinerja_review"}),
}


def module_of(page: str) -> str | None:
    """The module ``page`` belongs to, or ``None`` for a page of every office."""
    return next((m for m, pages in MODULE_PAGES.items() if page in pages), None)


def clean_modules(chosen: Iterable[str] | None) -> list[str]:
    """The known modules of ``chosen`` in menu order; every module when none is known (an office
    always sees something)."""
    picked = set(chosen or ())
    out = [m for m in MODULES if m in picked]
    return out or list(MODULES)


def visible_pages(pages: Iterable[str], chosen: Iterable[str] | None) -> list[str]:
    """``pages`` (in their order) without the pages of the modules not ``chosen``."""
    used = set(clean_modules(chosen))
    return [p for p in pages if (m := module_of(p)) is None or m in used]
