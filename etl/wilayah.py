"""Ingest stage for a province install (issue 18): the kabupaten/kota a file belongs to.

A province consolidates the OPDs of its kabupaten/kota, each OPD naming its own (``opd.wilayah``).
SIPD gives the same OPD code in every kabupaten (``1.02.0.00.0.00.01.0000`` is the Dinas Kesehatan
of each), so a file of one kabupaten/kota must never land on the OPD of another: the person says
which kabupaten/kota the file is from (the sidebar's choice on the Impor page, ``--wilayah`` on the
command line) and every OPD the file names that is already known must belong to it. A new OPD
takes it when loaded. Never silently mixed: a file that does not fit is refused with the reason.
"""

from __future__ import annotations

from typing import Any

from db.store import wilayah_name

from .issues import ERROR, Issue

CHECKED_KINDS = ("dpa", "realisasi", "rak")  # the files that carry OPDs (kinerja files carry units)
NAMED = 5  # OPDs named in one message (a DPA has 40)


def _codes(rep: Any) -> list[tuple[str, str]]:
    """(kode, nama) of the OPDs a report names: a DPA's OPDs, else the report's OPD."""
    if rep.kind == "dpa" and rep.dpa is not None:
        return [(k, n) for k, (n, _) in rep.dpa.opds.items()]
    return [(rep.opd.kode, rep.opd.nama)] if rep.opd is not None else []


def _listed(items: list[tuple[str, str]]) -> str:
    text = ", ".join(f"{k} ({n})" for k, n in items[:NAMED])
    return text + (f" dan {len(items) - NAMED} OPD lain" if len(items) > NAMED else "")


def _message(name: str, wilayah: str | None, have: str | None, items: list[tuple[str, str]]) -> str:
    what = f"Berkas '{name}': OPD {_listed(items)}"
    if wilayah is None:
        return (
            f"{what} terdaftar untuk {have}. Pantau ini menghimpun beberapa kabupaten/kota: pilih {have} pada "
            f'pilihan Kabupaten/Kota di samping sebelum mengunggah (baris perintah: --wilayah "{have}"), agar '
            "laporan kabupaten/kota lain dengan kode OPD yang sama tidak tercampur. Tidak ada data yang dimuat."
        )
    if have is None:
        return (
            f"{what} terdaftar tanpa kabupaten/kota (OPD pemerintah provinsi sendiri), bukan {wilayah}. Bila OPD "
            f"itu memang milik {wilayah}, tetapkan dulu di Pengaturan (Kabupaten/Kota per OPD); bila berkas ini "
            f"dari {wilayah} dan kodenya kebetulan sama, beri OPD-nya kode yang berbeda (mis. awalan kode "
            f"kabupaten/kota: 3201/{items[0][0]}) sebelum diimpor. Tidak ada data yang dimuat."
        )
    return (
        f"{what} terdaftar untuk {have}, bukan {wilayah}: kode OPD yang sama dipakai dua kabupaten/kota dan "
        f"Pantau tidak mencampurnya. Bila berkas ini dari {have}, pilih {have}; bila memang dari {wilayah}, beri "
        f"OPD-nya kode yang berbeda (mis. awalan kode kabupaten/kota: 3201/{items[0][0]}) sebelum diimpor. "
        "Tidak ada data yang dimuat."
    )


def check_wilayah(analysis: Any, wilayah: str | None, opd_wilayah: dict[str, str | None]) -> None:
    """Refuse (an ERROR issue per report, OPDs grouped by the kabupaten/kota they belong to) every
    report of ``analysis`` that names a known OPD of another kabupaten/kota than ``wilayah`` (the
    one the person said; ``None``: not said, which is refused only for OPDs that name one), and
    mark the others with ``wilayah`` so that new OPDs take it when loaded. ``opd_wilayah``: kode
    -> kabupaten/kota of every stored OPD (``etl.pipeline.Master.opd_wilayah``)."""
    wilayah = wilayah_name(wilayah)
    for rep in analysis.reports:
        if rep.kind not in CHECKED_KINDS:
            continue
        rep.wilayah = wilayah
        wrong: dict[str | None, list[tuple[str, str]]] = {}
        for kode, nama in _codes(rep):
            if kode in opd_wilayah and opd_wilayah[kode] != wilayah and (wilayah or opd_wilayah[kode]):
                wrong.setdefault(opd_wilayah[kode], []).append((kode, nama))
        for have, items in wrong.items():
            rep.issues.append(
                Issue(ERROR, "wilayah_lain", _message(analysis.name, wilayah, have, items), sheet=rep.sheet)
            )
