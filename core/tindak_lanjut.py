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
from typing import Any

import pandas as pd

from core.access import User
from core.format import tanggal, tanggal_angka
from core.months import BULAN
from db.store import Store

STATUS = ("open", "in_progress", "done")
STATUS_LABEL = {"open": "Belum ditindaklanjuti", "in_progress": "Dalam proses", "done": "Selesai"}
BATAL_LABEL = "Dibatalkan"
OPEN = ("open", "in_progress")
FOLLOWUP_COLUMNS = [
    "id",
    "rakor_id",
    "rakor_tanggal",
    "opd_kode",
    "opd",
    "masalah",
    "keputusan",
    "pic",
    "batas_waktu",
    "status",
    "status_label",
    "terlambat",
    "catatan_terakhir",
]
MAX_TEXT = 2000


class RakorError(ValueError):
    """A refused change: ``messages`` say, in Indonesian, what is wrong and where."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


def tgl(day) -> str:
    """``14-04-2026`` (:func:`core.format.tanggal_angka`, the date of tables and messages), ``-``
    when missing."""
    return tanggal_angka(_date(day))


def tanggal_panjang(day: dt.date) -> str:
    """``14 April 2026`` (:func:`core.format.tanggal`)."""
    return tanggal(day)


def to_date(value) -> dt.date | None:
    """A date from a date, datetime, Timestamp or ISO text; ``None`` for missing (None, NaT, NaN)."""
    return _date(value)


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
    out["batas_waktu"] = pd.Series([_date(v) or pd.NaT for v in out["batas_waktu"]], index=out.index, dtype=object)
    out["status_label"] = [
        BATAL_LABEL if batal else STATUS_LABEL.get(s, s) for s, batal in zip(out["status"], out["dibatalkan"])
    ]
    out["terlambat"] = pd.Series(
        [
            bool(not batal and is_terlambat(s, d, as_of))
            for s, d, batal in zip(out["status"], out["batas_waktu"], out["dibatalkan"])
        ],
        index=out.index,
        dtype=bool,
    )
    out["catatan_terakhir"] = pd.Series(
        [v if isinstance(v, str) else None for v in out["catatan_terakhir"]], index=out.index, dtype=object
    )
    for col in ("masalah", "keputusan", "pic", "opd", "opd_kode"):
        out[col] = pd.Series([v if isinstance(v, str) else None for v in out[col]], index=out.index, dtype=object)
    return out.reset_index(drop=True)


def followups(
    store: Store,
    *,
    opd_kode: str | None = None,
    status: str | list[str] | tuple | None = None,
    as_of: dt.date | None = None,
    rakor_id: int | None = None,
) -> pd.DataFrame:
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


def open_followups(
    store: Store, *, as_of: dt.date | None = None, opd_kode: str | None = None, rakor_id: int | None = None
) -> pd.DataFrame:
    """:func:`followups` that are not done yet (status ``open`` or ``in_progress``)."""
    return followups(store, opd_kode=opd_kode, status=list(OPEN), as_of=as_of, rakor_id=rakor_id)


def open_counts(store: Store, *, as_of: dt.date | None = None, opd_kode: str | None = None) -> pd.DataFrame:
    """Per OPD with open follow-ups: ``opd_kode``, ``terbuka`` (open + in progress) and
    ``terlambat`` (of those, overdue). OPDs without open follow-ups are absent."""
    df = open_followups(store, as_of=as_of, opd_kode=opd_kode)
    if df.empty:
        return pd.DataFrame(
            {
                "opd_kode": pd.Series(dtype=object),
                "terbuka": pd.Series(dtype="int64"),
                "terlambat": pd.Series(dtype="int64"),
            }
        )
    return (
        df.groupby("opd_kode", sort=True)
        .agg(terbuka=("id", "size"), terlambat=("terlambat", "sum"))
        .astype("int64")
        .reset_index()
    )


def decisions(store: Store, rakor_id: int, *, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every decision of one meeting, cancelled ones included (for the meeting's table and its
    report): the :func:`followups` columns plus ``dibatalkan``, ``alasan_batal`` and
    ``tanggal_catatan`` (date of the latest note)."""
    as_of = as_of or dt.date.today()
    rows = store.tindak_lanjut_rows(rakor_id=rakor_id, include_batal=True)
    out = _followup_frame(rows, as_of)
    out["tanggal_catatan"] = pd.Series(
        [_date(v) or pd.NaT for v in out["tanggal_catatan"]], index=out.index, dtype=object
    )
    return out[FOLLOWUP_COLUMNS + ["dibatalkan", "alasan_batal", "tanggal_catatan"]]


def history(store: Store, tl_id: int) -> pd.DataFrame:
    """The dated notes of a decision, oldest first: tanggal (date), status, status_label,
    note, actor, created_at."""
    df = store.tindak_lanjut_notes(tl_id)
    df["tanggal"] = pd.Series([_date(v) for v in df["tanggal"]], index=df.index, dtype=object)
    df["status_label"] = df["status"].map(lambda s: STATUS_LABEL.get(s, s))
    df["note"] = pd.Series([_text(v) for v in df["note"]], index=df.index, dtype=object)
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
        raise PermissionError(
            "Hanya admin (Bagian Administrasi Pembangunan) yang dapat mencatat rakor dan mengubah keputusannya."
        )


def _missing(value) -> bool:
    """None, NaN, NA or NaT."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value) -> str | None:
    """Trimmed text, ``None`` for empty or missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _audit_value(value) -> str:
    if value is None or value is pd.NaT:
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dt.date):
        return tgl(value)
    return repr(str(value)) if isinstance(value, str) else str(value)


def _changes_text(old: dict, new: dict) -> str:
    """``keputusan: 'a' -> 'b'; batas_waktu: 30-04-2026 -> 15-05-2026`` for the fields in ``new``."""
    return "; ".join(f"{k}: {_audit_value(old.get(k))} -> {_audit_value(v)}" for k, v in new.items())


def _opd_names(store: Store) -> dict[str, str]:
    return {o.kode: o.nama for o in store.opds()}


# ---------------------------------------------------------------------------------- meetings
def rakor_problems(
    *, tanggal, tahun, bulan, tempat, pimpinan, peserta, catatan, known_opds: dict[str, str], today: dt.date
) -> list[str]:
    """What is wrong with a meeting's data (Indonesian, naming the field), empty when fine."""
    out = []
    day = None
    try:
        day = _date(tanggal)
    except (TypeError, ValueError):
        out.append(f"Tanggal rakor: '{tanggal}' bukan tanggal yang sah. Pilih tanggal dari kalender.")
    if day is None and not out:
        out.append("Tanggal rakor wajib diisi.")
    if not isinstance(bulan, int) or not 1 <= bulan <= 12:
        out.append(f"Periode yang dibahas: bulan '{bulan}' tidak sah (1 sampai 12).")
    if not isinstance(tahun, int) or not 2000 <= tahun <= 2100:
        out.append(f"Periode yang dibahas: tahun '{tahun}' tidak sah.")
    if day is not None:
        if day > today:
            out.append(
                f"Tanggal rakor {tgl(day)} belum terjadi (hari ini {tgl(today)}). Catat rakor setelah dilaksanakan."
            )
        if not out and day < dt.date(tahun, bulan, 1):
            out.append(
                f"Tanggal rakor {tgl(day)} lebih awal dari periode yang dibahas ({BULAN[bulan - 1]} {tahun}). "
                "Periksa tanggal rakor atau periode realisasi yang dibahas."
            )
    for label, value in (("Tempat", tempat), ("Pimpinan rapat", pimpinan)):
        if not _text(value):
            out.append(f"{label} wajib diisi.")
    for label, value in (("Tempat", tempat), ("Pimpinan rapat", pimpinan), ("Catatan", catatan)):
        if (text := _text(value)) and len(text) > MAX_TEXT:
            out.append(f"{label}: terlalu panjang ({len(text)} karakter, paling banyak {MAX_TEXT}).")
    if not peserta:
        out.append("Peserta: pilih sedikitnya satu OPD yang hadir.")
    unknown = [k for k in peserta or [] if k not in known_opds]
    if unknown:
        out.append(
            f"Peserta: OPD {', '.join(map(str, unknown))} tidak ada dalam daftar OPD. Impor DPA atau pilih dari daftar."
        )
    return out


def _rakor_text(r: dict, names: dict[str, str]) -> str:
    return (
        f"tanggal {tgl(_date(r['tanggal']))}, periode {BULAN[r['bulan'] - 1]} {r['tahun']}, tempat "
        f"{_text(r['tempat']) or '-'}, pimpinan {_text(r['pimpinan']) or '-'}, peserta "
        f"{len(r['peserta'])} OPD: {', '.join(names.get(k, k) for k in r['peserta'])}"
    )


def create_rakor(
    store: Store,
    user: User,
    *,
    tanggal: dt.date,
    tahun: int,
    bulan: int,
    tempat: str,
    pimpinan: str,
    peserta: list[str],
    catatan: str | None = None,
    today: dt.date | None = None,
) -> int:
    """Record a meeting held on ``tanggal`` about the realisation of (``tahun``, ``bulan``),
    attended by the OPDs ``peserta``; it starts as ``draft`` (decisions may still be deleted).
    Audited; returns the new id. Raises :class:`RakorError` (Indonesian) or PermissionError."""
    _require_admin(user)
    today = today or dt.date.today()
    with store.transaction():
        names = _opd_names(store)
        problems = rakor_problems(
            tanggal=tanggal,
            tahun=tahun,
            bulan=bulan,
            tempat=tempat,
            pimpinan=pimpinan,
            peserta=peserta,
            catatan=catatan,
            known_opds=names,
            today=today,
        )
        if problems:
            raise RakorError(problems)
        peserta = list(dict.fromkeys(peserta))
        rakor_id = store.insert_rakor(
            _date(tanggal), tahun, bulan, _text(tempat), _text(pimpinan), _text(catatan), user.username
        )
        store.set_rakor_peserta(rakor_id, peserta)
        store.audit_many(
            [
                (
                    user.username,
                    "rakor_create",
                    f"rakor {rakor_id}",
                    _rakor_text(
                        dict(
                            tanggal=tanggal, tahun=tahun, bulan=bulan, tempat=tempat, pimpinan=pimpinan, peserta=peserta
                        ),
                        names,
                    ),
                )
            ]
        )
    return rakor_id


def update_rakor(
    store: Store,
    user: User,
    rakor_id: int,
    *,
    tanggal: dt.date,
    tahun: int,
    bulan: int,
    tempat: str,
    pimpinan: str,
    peserta: list[str],
    catatan: str | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """Change a meeting's data; every changed field is audited old -> new. Returns the names
    of the changed fields (empty: nothing changed, nothing written)."""
    _require_admin(user)
    today = today or dt.date.today()
    with store.transaction():
        old = get_rakor(store, rakor_id)
        if old is None:
            raise RakorError(f"Rakor nomor {rakor_id} tidak ditemukan.")
        names = _opd_names(store)
        problems = rakor_problems(
            tanggal=tanggal,
            tahun=tahun,
            bulan=bulan,
            tempat=tempat,
            pimpinan=pimpinan,
            peserta=peserta,
            catatan=catatan,
            known_opds=names,
            today=today,
        )
        if problems:
            raise RakorError(problems)
        new = dict(
            tanggal=_date(tanggal),
            tahun=tahun,
            bulan=bulan,
            tempat=_text(tempat),
            pimpinan=_text(pimpinan),
            catatan=_text(catatan),
        )
        changed: dict[str, Any] = {k: v for k, v in new.items() if old[k] != v}
        peserta = list(dict.fromkeys(peserta))
        entries = []
        if changed:
            store.update_rakor(rakor_id, user.username, **changed)
            entries.append((user.username, "rakor_update", f"rakor {rakor_id}", _changes_text(old, changed)))
        if sorted(peserta) != sorted(old["peserta"]):
            store.set_rakor_peserta(rakor_id, peserta)
            added = [names.get(k, k) for k in peserta if k not in old["peserta"]]
            gone = [names.get(k, k) for k in old["peserta"] if k not in peserta]
            entries.append(
                (
                    user.username,
                    "rakor_update",
                    f"rakor {rakor_id}",
                    "peserta: "
                    + "; ".join(
                        filter(
                            None,
                            [
                                "ditambah " + ", ".join(added) if added else None,
                                "dikurangi " + ", ".join(gone) if gone else None,
                            ],
                        )
                    ),
                )
            )
            changed["peserta"] = peserta
        store.audit_many(entries)
    return list(changed)


def finalize_rakor(store: Store, user: User, rakor_id: int) -> None:
    """Fix the result of a meeting (``draft`` -> ``final``): from now on a decision is never
    deleted, only marked dibatalkan with a reason. Audited."""
    _require_admin(user)
    with store.transaction():
        old = get_rakor(store, rakor_id)
        if old is None:
            raise RakorError(f"Rakor nomor {rakor_id} tidak ditemukan.")
        if old["status"] == "final":
            raise RakorError(f"Hasil rakor tanggal {tgl(old['tanggal'])} sudah ditetapkan.")
        n = len(store.tindak_lanjut_rows(rakor_id=rakor_id))
        store.update_rakor(rakor_id, user.username, status="final")
        store.audit_many(
            [
                (
                    user.username,
                    "rakor_final",
                    f"rakor {rakor_id}",
                    f"hasil rakor tanggal {tgl(old['tanggal'])} ditetapkan: {n} keputusan",
                )
            ]
        )


# ---------------------------------------------------------------------------------- the decision form
# Field of the form (one decision at a time, page Rakor & Tindak Lanjut) -> its label on screen,
# which messages name.
FORM_LABELS = {
    "opd_kode": "OPD",
    "masalah": "Permasalahan",
    "keputusan": "Keputusan / tindak lanjut",
    "pic": "Penanggung jawab",
    "batas_waktu": "Batas waktu (tenggat)",
    "status": "Status",
    "catatan": "Catatan perkembangan",
    "dibatalkan": "Dibatalkan",
    "alasan_batal": "Alasan batal",
}
EDITABLE = ("opd_kode", "masalah", "keputusan", "pic", "batas_waktu", "dibatalkan", "alasan_batal")
_REQUIRED = ("opd_kode", "masalah", "keputusan", "pic")


@dataclass
class DecisionChanges:
    """What a save of a meeting's decisions asks for (:func:`save_decisions`): new decisions,
    changed fields per id, ids to delete; ``errors`` (Indonesian, naming the field) when it
    cannot be saved."""

    adds: list[dict] = field(default_factory=list)
    updates: list[tuple[int, dict]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.adds or self.updates or self.deletes)


def _clean_decision(values: dict) -> tuple[dict[str, Any], list[str]]:
    """The entered values of one decision trimmed (empty text -> ``None``), with the error of a
    batas waktu that is not a date."""
    clean: dict[str, Any] = {
        k: _text(values.get(k)) for k in ("opd_kode", "masalah", "keputusan", "pic", "alasan_batal")
    }
    clean["dibatalkan"] = False if _missing(values.get("dibatalkan")) else bool(values.get("dibatalkan"))
    errors = []
    try:
        clean["batas_waktu"] = _date(values.get("batas_waktu"))
    except (TypeError, ValueError):
        clean["batas_waktu"] = None
        errors.append(
            f"{FORM_LABELS['batas_waktu']}: '{values.get('batas_waktu')}' bukan tanggal yang sah. Pilih tanggal "
            "dari kalender."
        )
    return clean, errors


def _decision_errors(clean: dict, *, is_new: bool, old_due, opds: dict[str, str], rakor_tanggal: dt.date) -> list[str]:
    """What is wrong with one decision (:func:`_clean_decision`): required fields, OPD from the
    list, lengths, batas waktu not before the meeting (unless unchanged), a cancellation with its
    reason and only of a recorded decision. Messages name the form's fields."""
    at = FORM_LABELS
    errors = []
    for k in _REQUIRED:
        if not clean[k]:
            errors.append(f"{at[k]}: wajib diisi.")
    if clean["opd_kode"] and clean["opd_kode"] not in opds:
        errors.append(f"{at['opd_kode']}: '{clean['opd_kode']}' tidak ada dalam daftar OPD. Pilih OPD dari daftar.")
    for k in ("masalah", "keputusan", "pic", "alasan_batal"):
        if clean[k] and len(clean[k]) > MAX_TEXT:
            errors.append(f"{at[k]}: terlalu panjang ({len(clean[k])} karakter, paling banyak {MAX_TEXT}).")
    if clean["batas_waktu"] and clean["batas_waktu"] < rakor_tanggal and clean["batas_waktu"] != old_due:
        errors.append(
            f"{at['batas_waktu']}: {tgl(clean['batas_waktu'])} lebih awal dari tanggal rakor {tgl(rakor_tanggal)}. "
            "Isi batas waktu pada atau setelah tanggal rakor."
        )
    if is_new and clean["dibatalkan"]:
        errors.append(
            f"{at['dibatalkan']}: keputusan baru tidak dapat langsung dibatalkan. Simpan dahulu keputusannya; "
            "pembatalan hanya untuk keputusan yang sudah tercatat."
        )
    elif clean["dibatalkan"] and not clean["alasan_batal"]:
        errors.append(f"{at['alasan_batal']}: tuliskan alasan pembatalan keputusan ini.")
    elif clean["alasan_batal"] and not clean["dibatalkan"]:
        errors.append(
            f"{at['alasan_batal']}: diisi, tetapi {at['dibatalkan']} tidak dicentang. Centang "
            "Dibatalkan atau kosongkan alasannya."
        )
    return errors


@dataclass
class DecisionForm:
    """One decision as entered in the form: the change of the meeting's decisions it makes
    (:class:`DecisionChanges`, ``errors`` naming the form's fields) and, for an existing decision,
    a new status with its note (recorded as by :func:`update_status`, so the history keeps it
    dated)."""

    changes: DecisionChanges
    tl_id: int | None = None
    status: str | None = None
    note: str | None = None

    @property
    def errors(self) -> list[str]:
        return self.changes.errors

    @property
    def empty(self) -> bool:
        return self.changes.empty and self.status is None


def form_decision(
    rows: pd.DataFrame,
    tl_id: int | None,
    values: dict,
    *,
    opds: dict[str, str],
    rakor_tanggal: dt.date,
) -> DecisionForm:
    """Validate one decision entered in the form: a new one (``tl_id`` None) or an existing one of
    ``rows`` (the meeting's :func:`decisions`). ``values``: opd_kode, masalah, keputusan, pic,
    batas_waktu (a date or None) and, for an existing decision, status, catatan, dibatalkan,
    alasan_batal.

    Rules: OPD from ``opds`` (kode -> nama); Permasalahan, Keputusan and Penanggung jawab
    required; the tenggat not before the meeting (an existing tenggat left unchanged is kept);
    a cancellation needs its reason and is only for a recorded decision (a reason without the
    cancellation is refused too); a new decision starts *Belum ditindaklanjuti*; a changed status
    needs a catatan and cannot go with a cancellation. Only the fields that differ from ``rows``
    become an update. Messages name the form's fields (:data:`FORM_LABELS`)."""
    at = FORM_LABELS
    out = DecisionForm(DecisionChanges(), tl_id=tl_id)
    clean, errors = _clean_decision(values)
    old = None
    if tl_id is not None:
        match = rows[rows["id"] == tl_id]
        if match.empty:
            out.changes.errors.append(f"Keputusan No. {tl_id} tidak ada pada rakor ini. Muat ulang halaman.")
            return out
        old = match.iloc[0]
    old_due = None if old is None else _date(old["batas_waktu"])
    errors += _decision_errors(clean, is_new=old is None, old_due=old_due, opds=opds, rakor_tanggal=rakor_tanggal)
    status, note = values.get("status"), _text(values.get("catatan"))
    if old is not None and status is not None and status != old["status"]:
        if status not in STATUS:
            errors.append(f"{at['status']}: '{status}' tidak dikenal. Pilih: {', '.join(STATUS_LABEL.values())}.")
        elif clean["dibatalkan"]:
            errors.append(
                f"{at['status']}: keputusan yang dibatalkan tidak diubah statusnya. Batalkan saja, atau ubah "
                "statusnya tanpa membatalkan."
            )
        elif not note:
            errors.append(f"{at['catatan']}: wajib diisi bila status diubah; tuliskan perkembangan tindak lanjutnya.")
        elif len(note) > MAX_TEXT:
            errors.append(f"{at['catatan']}: terlalu panjang ({len(note)} karakter, paling banyak {MAX_TEXT}).")
        else:
            out.status, out.note = status, note
    if errors:
        out.changes.errors.extend(errors)
        return out
    if old is None:
        out.changes.adds.append({k: clean[k] for k in ("opd_kode", "masalah", "keputusan", "pic", "batas_waktu")})
        return out
    before: dict[str, Any] = {k: _text(old[k]) for k in ("opd_kode", "masalah", "keputusan", "pic", "alasan_batal")}
    before["batas_waktu"], before["dibatalkan"] = old_due, bool(old["dibatalkan"])
    changed = {k: clean[k] for k in EDITABLE if clean[k] != before[k]}
    if changed:
        assert tl_id is not None
        out.changes.updates.append((tl_id, changed))
    return out


def save_decision_form(
    store: Store, user: User, rakor_id: int, form: DecisionForm, *, today: dt.date | None = None
) -> str:
    """Save a decision of :func:`form_decision` (audited as by :func:`save_decisions`) and its new
    status (as by :func:`update_status`, dated ``today``) all or nothing: when the status cannot
    be recorded, the changed fields are not saved either. Returns what was done, in Indonesian.
    Raises :class:`RakorError` (the form's errors, or a refusal) or PermissionError."""
    if form.errors:
        raise RakorError(form.errors)
    _require_admin(user)
    today = today or dt.date.today()
    done = []
    with store.transaction():
        if not form.changes.empty:
            counts = _write_decisions(store, user, rakor_id, form.changes)
            done += [f"{v} {k}" for k, v in counts.items() if v]
        if form.status is not None and form.tl_id is not None:
            _write_status(store, user, form.tl_id, form.status, form.note or "", day=today, today=today)
            done.append(f"status menjadi {STATUS_LABEL[form.status]}")
    return "Keputusan disimpan: " + ", ".join(done) + "." if done else "Tidak ada perubahan pada keputusan."


def _decision_text(d: dict, names: dict[str, str]) -> str:
    return (
        f"OPD {names.get(d['opd_kode'], d['opd_kode'])}; masalah {_audit_value(d['masalah'])}; keputusan "
        f"{_audit_value(d['keputusan'])}; PIC {_audit_value(d.get('pic'))}; batas waktu "
        f"{_audit_value(_date(d.get('batas_waktu')))}" + (f"; status {d['status']}" if d.get("status") else "")
    )


def save_decisions(store: Store, user: User, rakor_id: int, changes: DecisionChanges) -> dict[str, int]:
    """Write ``changes`` (the decisions of :func:`form_decision`, or the deletion of one decision
    while the meeting is being recorded) all or nothing, each audited (a new decision with its
    content, a change old -> new, a deletion with the full old content, a cancellation with its
    reason). A new decision starts ``open`` with a first dated entry in its history (the meeting
    date). Once the meeting is ``final`` no decision is deleted. Returns counts: ditambah,
    diubah, dibatalkan, dihapus."""
    _require_admin(user)
    if changes.errors:
        raise RakorError(changes.errors)
    with store.transaction():
        return _write_decisions(store, user, rakor_id, changes)


def _write_decisions(store: Store, user: User, rakor_id: int, changes: DecisionChanges) -> dict[str, int]:
    """:func:`save_decisions` inside the caller's transaction."""
    counts = dict(ditambah=0, diubah=0, dibatalkan=0, dihapus=0)
    rakor = get_rakor(store, rakor_id)
    if rakor is None:
        raise RakorError(f"Rakor nomor {rakor_id} tidak ditemukan.")
    names = _opd_names(store)
    if changes.deletes and rakor["status"] == "final":
        problems = []
        for tl_id in changes.deletes:
            old = store.tindak_lanjut_get(tl_id)
            what = f"Keputusan No. {tl_id}"
            if old is not None and old["rakor_id"] == rakor_id:
                what += f" ({names.get(old['opd_kode'], old['opd_kode'])}: '{_text(old['keputusan'])}')"
            problems.append(
                f"{what} tidak dapat dihapus karena hasil rakor sudah ditetapkan. Bila keputusan tidak berlaku "
                "lagi, centang Dibatalkan dan isi Alasan batal."
            )
        raise RakorError(problems)
    entries = []
    for add in changes.adds:
        new_id = store.insert_tindak_lanjut(
            rakor_id,
            add["opd_kode"],
            add["masalah"],
            add["keputusan"],
            add["pic"],
            add["batas_waktu"],
            user.username,
        )
        store.insert_tindak_lanjut_note(new_id, rakor["tanggal"], "open", None, user.username)
        entries.append(
            (
                user.username,
                "tindak_lanjut_add",
                f"tindak lanjut {new_id} (rakor {rakor_id})",
                _decision_text(add, names),
            )
        )
        counts["ditambah"] += 1
    for tl_id, fields_ in changes.updates:
        old = store.tindak_lanjut_get(tl_id)
        if old is None or old["rakor_id"] != rakor_id:
            raise RakorError(f"Keputusan No. {tl_id} tidak ada pada rakor ini. Muat ulang halaman.")
        old["batas_waktu"] = _date(old["batas_waktu"])
        store.update_tindak_lanjut(tl_id, user.username, **fields_)
        action = "tindak_lanjut_update"
        if fields_.get("dibatalkan") is True:
            action, counts["dibatalkan"] = "tindak_lanjut_batal", counts["dibatalkan"] + 1
        else:
            counts["diubah"] += 1
        entries.append(
            (user.username, action, f"tindak lanjut {tl_id} (rakor {rakor_id})", _changes_text(old, fields_))
        )
    for tl_id in changes.deletes:
        old = store.tindak_lanjut_get(tl_id)
        if old is None or old["rakor_id"] != rakor_id:
            raise RakorError(f"Keputusan No. {tl_id} tidak ada pada rakor ini. Muat ulang halaman.")
        notes = store.tindak_lanjut_notes(tl_id)
        store.delete_tindak_lanjut(tl_id)
        extra = [f"{tgl(_date(n.tanggal))} {n.status}: {n.note}" for n in notes.itertuples() if _text(n.note)]
        entries.append(
            (
                user.username,
                "tindak_lanjut_delete",
                f"tindak lanjut {tl_id} (rakor {rakor_id})",
                _decision_text(old, names) + (f"; catatan: {' | '.join(extra)}" if extra else ""),
            )
        )
        counts["dihapus"] += 1
    store.audit_many(entries)
    return counts


# ---------------------------------------------------------------------------------- status updates
def update_status(
    store: Store,
    user: User,
    tl_id: int,
    status: str,
    note: str,
    *,
    tanggal: dt.date | None = None,
    today: dt.date | None = None,
) -> None:
    """Record the progress of a decision: the new ``status`` with a dated ``note`` (both kept
    in its history and the audit log). The admin may update any decision; an OPD user only
    its own OPD's. ``tanggal`` (default today) may not lie in the future, before the meeting
    or before the latest note. Raises :class:`RakorError` or PermissionError (Indonesian)."""
    today = today or dt.date.today()
    day = _date(tanggal) or today
    with store.transaction():
        _write_status(store, user, tl_id, status, note, day=day, today=today)


def _write_status(
    store: Store, user: User, tl_id: int, status: str, note: str, *, day: dt.date, today: dt.date
) -> None:
    """:func:`update_status` inside the caller's transaction."""
    old = store.tindak_lanjut_get(tl_id)
    if old is None:
        raise RakorError(f"Keputusan No. {tl_id} tidak ditemukan. Muat ulang halaman.")
    names = _opd_names(store)
    if not can_update_status(user, old["opd_kode"]):
        if user.role == "opd":
            raise PermissionError(
                f"Tindak lanjut ini milik {names.get(old['opd_kode'], old['opd_kode'])}; akun Anda hanya dapat "
                f"memperbarui tindak lanjut {names.get(user.opd_kode or '', user.opd_kode)}."
            )
        raise PermissionError("Akun Anda hanya dapat melihat tindak lanjut, tidak memperbaruinya.")
    problems = []
    if old["dibatalkan"]:
        problems.append("Keputusan ini sudah dibatalkan; statusnya tidak dapat diperbarui.")
    if status not in STATUS:
        problems.append(f"Status '{status}' tidak dikenal. Pilih: {', '.join(STATUS_LABEL.values())}.")
    text = _text(note)
    if not text:
        problems.append("Catatan wajib diisi: tuliskan perkembangan tindak lanjut (apa yang sudah dilakukan).")
    elif len(text) > MAX_TEXT:
        problems.append(f"Catatan terlalu panjang ({len(text)} karakter, paling banyak {MAX_TEXT}).")
    rakor = store.rakor_get(old["rakor_id"])
    notes = store.tindak_lanjut_notes(tl_id)
    last_day = _date(notes["tanggal"].max()) if not notes.empty else None
    if day > today:
        problems.append(f"Tanggal catatan {tgl(day)} belum terjadi (hari ini {tgl(today)}).")
    elif (held := _date(rakor["tanggal"])) is not None and day < held:
        problems.append(f"Tanggal catatan {tgl(day)} lebih awal dari tanggal rakor {tgl(_date(rakor['tanggal']))}.")
    elif last_day and day < last_day:
        problems.append(
            f"Tanggal catatan {tgl(day)} lebih awal dari catatan terakhir ({tgl(last_day)}). Isi "
            "tanggal yang sama atau sesudahnya."
        )
    if problems:
        raise RakorError(problems)
    store.insert_tindak_lanjut_note(tl_id, day, status, text, user.username)
    if status != old["status"]:
        store.update_tindak_lanjut(tl_id, user.username, status=status)
    store.audit_many(
        [
            (
                user.username,
                "tindak_lanjut_status",
                f"tindak lanjut {tl_id} ({old['opd_kode']})",
                f"{STATUS_LABEL.get(old['status'], old['status'])} -> {STATUS_LABEL[status]} per {tgl(day)}: {text}",
            )
        ]
    )
