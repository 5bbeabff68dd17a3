"""Manual classification of a sub kegiatan as fisik konstruksi or non fisik (the Fisik page):
admins only, with a reason, kept in the override history and the audit log."""

from __future__ import annotations

from core.access import User, require_role
from core.recap import JENIS_LABEL
from db.store import Store


class KlasifikasiError(ValueError):
    """A manual classification that cannot be stored (message in Indonesian)."""


def override_jenis(
    store: Store, actor: User | str, year: int, opd_kode: str, kode: str, jenis: str, reason: str
) -> None:
    """Classify sub kegiatan ``kode`` of OPD ``opd_kode`` in the DPA of ``year`` as ``jenis``
    (``fisik`` / ``non_fisik``) by hand, with ``reason``. ``actor``: the signed-in admin (else
    :class:`core.access.Forbidden`); :class:`KlasifikasiError` for an unknown jenis, an empty
    reason or a sub kegiatan not in the DPA."""
    name = require_role(actor, {"admin"}, "mengubah klasifikasi sub kegiatan")
    if jenis not in JENIS_LABEL:
        raise KlasifikasiError(f"Jenis '{jenis}' tidak dikenal; pilih {' atau '.join(JENIS_LABEL.values())}.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise KlasifikasiError("Alasan wajib diisi untuk mengubah klasifikasi.")
    try:
        store.override_jenis(year, opd_kode, kode, jenis, reason, name)
    except KeyError:
        raise KlasifikasiError(f"Sub kegiatan {kode} tidak ada di DPA {year} OPD {opd_kode}.") from None
