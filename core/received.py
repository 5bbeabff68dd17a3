"""The date a report was received (tanggal diterima, issue 17).

Every report counts as received when it was uploaded, unless the admin sets an earlier date for
a report that came on paper or by e-mail before it was uploaded (with a reason; audited).
Lateness (:mod:`core.status`) compares the received date with the deadline of the month.
"""

from __future__ import annotations

import datetime as dt
import zlib

from core.access import User, require_role
from core.months import month_name
from core.settings import Settings
from db.store import Store

MIN_REASON = 5  # characters of the reason, at least


class ReceivedError(ValueError):
    """A received date or reason that cannot be saved (message in Indonesian)."""


def _date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def problem(record: dict, when: dt.date, reason: str) -> str | None:
    """Why ``when`` cannot be the received date of the import ``record`` (see
    :meth:`db.store.Store.import_record`), or ``None``."""
    if len((reason or "").strip()) < MIN_REASON:
        return "Tuliskan alasan perubahan tanggal diterima, mis. 'diterima dalam bentuk cetak di loket Adpem'."
    uploaded = _date(record["created_at"])
    if when > uploaded:
        return (
            f"Tanggal diterima tidak boleh sesudah tanggal unggah ({uploaded:%d-%m-%Y}): tanggal ini hanya diubah "
            "untuk laporan yang lebih dahulu diterima dalam bentuk cetak atau lewat surel."
        )
    if record.get("tahun") and record.get("bulan"):
        first = dt.date(int(record["tahun"]), int(record["bulan"]), 1)
        if when < first:
            return f"Tanggal diterima tidak boleh sebelum periode laporannya ({month_name(first.month)} {first.year})."
    return None


def set_received(store: Store, actor: User | str, import_id: int, when: dt.date, reason: str) -> None:
    """Set the received date of one report (admin only, with a reason; audited as ``received``).
    Raises :class:`ReceivedError` for a date or reason :func:`problem` refuses, ``KeyError`` for
    an unknown import, :class:`core.access.Forbidden` for another role."""
    name = require_role(actor, {"admin"}, "mengubah tanggal diterima laporan")
    record = store.import_record(import_id)
    if record is None:
        raise KeyError(import_id)
    why = problem(record, when, reason)
    if why:
        raise ReceivedError(why)
    store.set_received([(import_id, dt.datetime.combine(when, dt.time()), reason.strip())], name, "received")


def days_late(received: dt.date, deadline: dt.date) -> int:
    """Days after the deadline (0: on or before it)."""
    return max(0, (_date(received) - deadline).days)


def demo_received_date(opd_kode: str, tahun: int, bulan: int, settings: Settings) -> dt.date:
    """The received date the sample data gives a report: around its deadline, most from nine days
    before to the deadline itself, about one in six a few days late (the same every time)."""
    deadline = settings.deadline(tahun, bulan)
    h = zlib.crc32(f"{opd_kode}/{tahun}/{bulan}".encode())
    offset = (h // 7) % 6 + 1 if h % 6 == 0 else -((h // 7) % 10)
    return deadline + dt.timedelta(days=offset)


def apply_demo_received(store: Store, actor: User | str, import_ids: list[int], settings: Settings) -> int:
    """Give the sample data's realisation reports their received dates (:func:`demo_received_date`,
    never after the upload); returns how many were set."""
    name = require_role(actor, {"admin"}, "memuat data contoh")
    entries = []
    for import_id in import_ids:
        r = store.import_record(import_id)
        if r is None or r["kind"] != "realisasi" or not r["tahun"] or not r["bulan"] or not r["opd_kode"]:
            continue
        when = min(demo_received_date(r["opd_kode"], r["tahun"], r["bulan"], settings), _date(r["created_at"]))
        entries.append((import_id, dt.datetime.combine(when, dt.time()), "data contoh"))
    store.set_received(entries, name, "received_demo")
    return len(entries)
