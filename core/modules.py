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


# the menu section of the pages of no module (Impor, Pengaturan, Pengguna, Log Audit, Cadangan, Akun Saya)
GENERAL_SECTION = "Administrasi"


def section_of(page: str) -> str:
    """The menu section of ``page``: its module's name, or :data:`GENERAL_SECTION`."""
    module = module_of(page)
    return MODULES[module] if module else GENERAL_SECTION


def menu_sections(pages: Iterable[str]) -> dict[str, list[str]]:
    """``pages`` grouped by menu section (:func:`section_of`): the modules in :data:`MODULES`
    order, then :data:`GENERAL_SECTION`; the pages keep their order inside a section and a
    section with no page is left out."""
    pages = list(pages)
    order = [*MODULES.values(), GENERAL_SECTION]
    grouped = {name: [p for p in pages if section_of(p) == name] for name in order}
    return {name: keys for name, keys in grouped.items() if keys}
