"""Rakor POK meetings and their tindak lanjut (SOP Pengendalian Pembangunan steps 13-14).

A meeting (``rakor``) is recorded with its date, the period it discussed, place, chair and the
OPDs that attended; its decisions are recorded per OPD (masalah, keputusan / tindak lanjut,
PIC, batas waktu). Each decision then moves open -> in progress -> done through dated notes,
so the next meeting (the pack's "tindak lanjut rakor sebelumnya" slide) and the Rekap OPD page
show what is still open and what is overdue.

Rules kept here (pages, exports and the CLI call these functions):

- Only an admin records meetings and edits decisions. An OPD user updates the status and
  notes of its own OPD's decisions only; reviewer, approver and viewer read.
- While a meeting is being recorded (status ``draft``) a decision may be deleted; once the
  admin fixes the result (``final``) a decision is never deleted, only marked *dibatalkan*
  with a reason. The audit log keeps every change with its old and new values, a deleted
  decision with its full text.
- A decision is *terlambat* (overdue) when it is not done and its batas waktu is before the
  reference date (:func:`is_terlambat`).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from core.access import User
from db.store import Store
from etl.text import BULAN

STATUS = ("open", "in_progress", "done")
STATUS_LABEL = {"open": "Belum ditindaklanjuti", "in_progress": "Dalam proses", "done": "Selesai"}
BATAL_LABEL = "Dibatalkan"
OPEN = ("open", "in_progress")
FOLLOWUP_COLUMNS = ["id", "rakor_id", "rakor_tanggal", "opd_kode", "opd", "masalah", "keputusan", "pic",
                    "batas_waktu", "status", "status_label", "terlambat", "catatan_terakhir"]
MAX_TEXT = 2000


class RakorError(ValueError):
    """A refused change: ``messages`` say, in Indonesian, what is wrong and where."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


def tgl(day) -> str:
    """``14-04-2026`` (the date format of the screens and messages), ``-`` when missing."""
    if day is None or (not isinstance(day, dt.date) and pd.isna(day)):
        return "-"
    return f"{day:%d-%m-%Y}"


def tanggal_panjang(day: dt.date) -> str:
    """``14 April 2026``."""
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def _date(value) -> dt.date | None:
    """A date from a date, datetime, Timestamp or ISO text; ``None`` for missing."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return dt.date.fromisoformat(text[:10])
    raise TypeError(value)


def is_terlambat(status: str, batas_waktu, as_of: dt.date) -> bool:
    """Overdue: not done and the due date lies before ``as_of`` (no due date: never overdue)."""
    due = _date(batas_waktu)
    return status != "done" and due is not None and due < as_of


# ---------------------------------------------------------------------------------- reading
def _followup_frame(rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Rows of ``Store.tindak_lanjut_rows`` with dates as ``datetime.date``, labels and terlambat."""
    out = rows.copy()
    out["id"], out["rakor_id"] = out["id"].astype("int64"), out["rakor_id"].astype("int64")
    out["rakor_tanggal"] = pd.Series([_date(v) for v in out["rakor_tanggal"]], index=out.index, dtype=object)
    out["batas_waktu"] = pd.Series([_date(v) or pd.NaT for v in out["batas_waktu"]], index=out.index,
                                   dtype=object)
    out["status_label"] = [BATAL_LABEL if batal else STATUS_LABEL.get(s, s)
                           for s, batal in zip(out["status"], out["dibatalkan"])]
    out["terlambat"] = pd.Series([bool(not batal and is_terlambat(s, d, as_of))
                                  for s, d, batal in zip(out["status"], out["batas_waktu"], out["dibatalkan"])],
                                 index=out.index, dtype=bool)
    out["catatan_terakhir"] = pd.Series([v if isinstance(v, str) else None for v in out["catatan_terakhir"]],
                                        index=out.index, dtype=object)
    for col in ("masalah", "keputusan", "pic", "opd", "opd_kode"):
        out[col] = pd.Series([v if isinstance(v, str) else None for v in out[col]], index=out.index, dtype=object)
    return out.reset_index(drop=True)


def followups(store: Store, *, opd_kode: str | None = None, status: str | list[str] | tuple | None = None,
              as_of: dt.date | None = None, rakor_id: int | None = None) -> pd.DataFrame:
    """Decisions of the Rakor meetings that are still in force (cancelled ones left out).

    Columns exactly :data:`FOLLOWUP_COLUMNS`: id, rakor_id, rakor_tanggal (``datetime.date``),
    opd_kode, opd (nama), masalah, keputusan, pic, batas_waktu (``datetime.date`` or ``NaT``),
    status (``open`` | ``in_progress`` | ``done``), status_label (Indonesian), terlambat (bool:
    not done and batas_waktu before ``as_of``, default today), catatan_terakhir (text of the
    latest note or ``None``); sorted by OPD name, then batas waktu (none last).

    ``status``: one status or a list of them (``None``: all); ``opd_kode``: one OPD (the
    scope of an OPD user); ``rakor_id``: the decisions of one meeting.
    """
    statuses = [status] if isinstance(status, str) else (list(status) if status is not None else None)
    if statuses is not None and (unknown := set(statuses) - set(STATUS)):
        raise ValueError(f"unknown status: {sorted(unknown)}")
    as_of = as_of or dt.date.today()
    rows = store.tindak_lanjut_rows(opd_kode=opd_kode, statuses=statuses, rakor_id=rakor_id)
    return _followup_frame(rows, as_of)[FOLLOWUP_COLUMNS]


def open_followups(store: Store, *, as_of: dt.date | None = None, opd_kode: str | None = None,
                   rakor_id: int | None = None) -> pd.DataFrame:
    """:func:`followups` that are not done yet (status ``open`` or ``in_progress``)."""
    return followups(store, opd_kode=opd_kode, status=list(OPEN), as_of=as_of, rakor_id=rakor_id)


def open_counts(store: Store, *, as_of: dt.date | None = None, opd_kode: str | None = None) -> pd.DataFrame:
    """Per OPD with open follow-ups: ``opd_kode``, ``terbuka`` (open + in progress) and
    ``terlambat`` (of those, overdue). OPDs without open follow-ups are absent."""
    df = open_followups(store, as_of=as_of, opd_kode=opd_kode)
    if df.empty:
        return pd.DataFrame({"opd_kode": pd.Series(dtype=object), "terbuka": pd.Series(dtype="int64"),
                             "terlambat": pd.Series(dtype="int64")})
    return (df.groupby("opd_kode", sort=True)
            .agg(terbuka=("id", "size"), terlambat=("terlambat", "sum"))
            .astype("int64").reset_index())


def decisions(store: Store, rakor_id: int, *, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every decision of one meeting, cancelled ones included (for the meeting's table and its
    report): the :func:`followups` columns plus ``dibatalkan``, ``alasan_batal`` and
    ``tanggal_catatan`` (date of the latest note)."""
    as_of = as_of or dt.date.today()
    rows = store.tindak_lanjut_rows(rakor_id=rakor_id, include_batal=True)
    out = _followup_frame(rows, as_of)
    out["tanggal_catatan"] = pd.Series([_date(v) or pd.NaT for v in out["tanggal_catatan"]], index=out.index,
                                       dtype=object)
    return out[FOLLOWUP_COLUMNS + ["dibatalkan", "alasan_batal", "tanggal_catatan"]]


def history(store: Store, tl_id: int) -> pd.DataFrame:
    """The dated notes of a decision, oldest first: tanggal (date), status, status_label,
    note, actor, created_at."""
    df = store.tindak_lanjut_notes(tl_id)
    df["tanggal"] = pd.Series([_date(v) for v in df["tanggal"]], index=df.index, dtype=object)
    df["status_label"] = df["status"].map(lambda s: STATUS_LABEL.get(s, s))
    return df


def _rakor_dict(row: dict | None) -> dict | None:
    if row is None:
        return None
    row = dict(row)
    row["tanggal"] = _date(row["tanggal"])
    return row


def get_rakor(store: Store, rakor_id: int) -> dict | None:
    """One meeting: id, tanggal (date), tahun, bulan, tempat, pimpinan, catatan, status
    (``draft`` | ``final``), peserta (OPD codes), created/updated by/at; ``None`` if unknown."""
    return _rakor_dict(store.rakor_get(rakor_id))


def last_rakor(store: Store, before: dt.date | None = None) -> dict | None:
    """The latest meeting (held before ``before`` when given) as :func:`get_rakor` returns it,
    or ``None`` when there is none."""
    with store.session():
        rakor_id = store.rakor_latest_id(before)
        return get_rakor(store, rakor_id) if rakor_id is not None else None


def meetings(store: Store) -> pd.DataFrame:
    """Every meeting, newest first: id, tanggal (date), tahun, bulan, tempat, pimpinan,
    catatan, status, peserta (count), keputusan (count of decisions not cancelled), ..."""
    df = store.rakor_list()
    df["tanggal"] = pd.Series([_date(v) for v in df["tanggal"]], index=df.index, dtype=object)
    return df


# ---------------------------------------------------------------------------------- permissions
def can_edit_rakor(user: User) -> bool:
    """May ``user`` record meetings and edit their decisions? (admin only)"""
    return user.role == "admin"


def can_update_status(user: User, opd_kode: str) -> bool:
    """May ``user`` update the status of a decision of ``opd_kode``? (admin; an OPD user for
    its own OPD)"""
    return user.role == "admin" or (user.role == "opd" and user.opd_kode is not None and user.opd_kode == opd_kode)


def _require_admin(user: User) -> None:
    if not can_edit_rakor(user):
        raise PermissionError("Hanya admin (Bagian Administrasi Pembangunan) yang dapat mencatat rakor dan "
                              "mengubah keputusannya.")
