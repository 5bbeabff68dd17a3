"""The review flow of a unit's monthly kinerja recap (SOP "Mekanisme Pengumpulan Data Kinerja",
seeds/003, last SOP) and the time each step took against the SOP.

States of a unit-month (table ``review``): ``draft`` (nothing submitted yet, or reopened),
``submitted``, ``verified``, ``returned``, ``approved``. Actions (:data:`ACTIONS`):

==========  ==============================  ===========  ==================  ==============
action      from                            to           who                 note
==========  ==============================  ===========  ==================  ==============
submit      draft, returned, submitted,     submitted    unit (own unit),    optional
            verified                                     admin (on behalf)
verify      submitted                       verified     reviewer (Sekcam)   optional
return      submitted, verified             returned     reviewer; approver  required
                                                         (a verified one)
approve     verified                        approved     approver (Camat)    optional
reopen      approved                        draft        approver, admin     required
==========  ==============================  ===========  ==================  ==============

Submitting new values (file or form) of a verified unit-month sends it back to ``submitted``
(the verification was of other numbers). An approved unit-month is locked: values for it are
refused (:class:`Locked`) until it is reopened. Steps that do not change the state are recorded
as events too: ``requested`` (format sent, SOP steps 1-2), ``compiled`` (staff compiled, step 4),
``analysed`` (Kasubbag's analysis, step 5). Every step goes to ``review_event`` and ``audit_log``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from core.access import User
from core.format import tanggal
from core.months import BULAN

STATUS_LABEL = {
    "draft": "Belum disampaikan",
    "submitted": "Disampaikan",
    "verified": "Terverifikasi",
    "returned": "Dikembalikan",
    "approved": "Disetujui",
}
STEP_LABEL = {
    "requested": "Permintaan data dikirim",
    "submitted": "Data disampaikan unit",
    "compiled": "Data dihimpun staf",
    "analysed": "Dianalisis Kasubbag Program dan Keuangan",
    "verified": "Diverifikasi Sekcam",
    "returned": "Dikembalikan untuk diperbaiki",
    "approved": "Disetujui Camat",
    "reopened": "Dibuka kembali",
}


@dataclass(frozen=True)
class Action:
    """One transition of :data:`ACTIONS`."""

    step: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    note_required: bool = False
    label: str = ""


ACTIONS: dict[str, Action] = {
    "submit": Action(
        "submitted",
        frozenset({"draft", "returned", "submitted", "verified"}),
        "submitted",
        frozenset({"unit", "admin"}),
        label="Sampaikan",
    ),
    "verify": Action("verified", frozenset({"submitted"}), "verified", frozenset({"reviewer"}), label="Verifikasi"),
    "return": Action(
        "returned",
        frozenset({"submitted", "verified"}),
        "returned",
        frozenset({"reviewer", "approver"}),
        note_required=True,
        label="Kembalikan",
    ),
    "approve": Action("approved", frozenset({"verified"}), "approved", frozenset({"approver"}), label="Setujui"),
    "reopen": Action(
        "reopened",
        frozenset({"approved"}),
        "draft",
        frozenset({"approver", "admin"}),
        note_required=True,
        label="Buka kembali",
    ),
}
# Narrower sources for one role: the Camat returns only what the Sekcam has verified.
ROLE_SOURCES: dict[tuple[str, str], frozenset[str]] = {("return", "approver"): frozenset({"verified"})}
# Steps recorded without a change of state: step -> (states it may happen in, roles).
MARKERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "requested": (frozenset({"draft", "returned", "submitted", "verified"}), frozenset({"admin"})),
    "compiled": (frozenset({"submitted"}), frozenset({"admin"})),
    "analysed": (frozenset({"submitted", "verified"}), frozenset({"admin"})),
}


class ReviewError(ValueError):
    """A step that is not allowed (message in Indonesian: what, why, what to do)."""


class Locked(ReviewError):
    """Values for an approved (locked) unit-month."""


def _period(year: int, month: int) -> str:
    return f"{BULAN[month - 1]} {year}"


def _unit_name(store, unit_id: int) -> str:
    return dict(store.unit_kerja()).get(unit_id, f"unit #{unit_id}")


def lock_message(unit: str, year: int, month: int, approved_by: str | None = None, approved_at=None) -> str:
    """Why values of an approved unit-month are refused, and what to do."""
    stamp = pd.Timestamp(approved_at) if approved_at is not None else None
    when = f" pada {tanggal(stamp)} pukul {stamp:%H.%M}" if stamp is not None else ""
    who = f" oleh {approved_by}" if approved_by else ""
    return (
        f"Rekap kinerja {unit} bulan {_period(year, month)} sudah disetujui Camat{who}{when} sehingga terkunci; "
        "data tidak dapat diubah. Bila perlu diperbaiki, minta Camat atau admin membuka kembali rekap tersebut "
        "(dengan alasan) di halaman Review kinerja, lalu kirim ulang."
    )


def status_of(store, unit_id: int, year: int, month: int) -> str:
    """The state of a unit-month (``draft`` when nothing happened yet)."""
    row = store.review_get(unit_id, year, month)
    return row["status"] if row else "draft"


def is_locked(store, unit_id: int, year: int, month: int) -> bool:
    """Is the unit-month approved (no values may change)?"""
    return status_of(store, unit_id, year, month) == "approved"


def check_unlocked(store, unit_id: int, year: int, month: int) -> None:
    """Raise :class:`Locked` with :func:`lock_message` when the unit-month is approved."""
    row = store.review_get(unit_id, year, month)
    if row and row["status"] == "approved":
        raise Locked(lock_message(_unit_name(store, unit_id), year, month, row["approved_by"], row["approved_at"]))


def refusal(user: User, action: str, status: str, unit_id: int | None = None, note: str | None = None) -> str | None:
    """Why ``user`` may not take ``action`` on a unit-month in ``status`` (Indonesian), or ``None``."""
    if action in ACTIONS:
        a = ACTIONS[action]
        roles, sources = a.roles, a.sources
    elif action in MARKERS:
        sources, roles = MARKERS[action]
        a = None
    else:
        return f"Langkah '{action}' tidak dikenal."
    if user.role not in roles:
        who = {
            "submit": "unit kerja yang bersangkutan atau admin",
            "verify": "Sekcam (peran pemeriksa)",
            "return": "Sekcam atau Camat",
            "approve": "Camat (peran penyetuju)",
            "reopen": "Camat atau admin",
        }.get(action, "admin (Kasubbag Program dan Keuangan)")
        return f"Akun Anda ({user.role}) tidak berwenang untuk langkah ini; yang berwenang: {who}."
    sources = ROLE_SOURCES.get((action, user.role), sources)
    if user.role == "unit" and unit_id is not None and user.unit_id != unit_id:
        return "Akun unit hanya dapat menyampaikan data unitnya sendiri."
    if status not in sources:
        allowed = ", ".join(STATUS_LABEL[s] for s in sorted(sources, key=list(STATUS_LABEL).index))
        return (
            f"Rekap berstatus '{STATUS_LABEL.get(status, status)}'; langkah ini hanya dapat dilakukan bila "
            f"statusnya: {allowed}."
        )
    if a is not None and a.note_required and not (note and note.strip()):
        return (
            "Catatan wajib diisi untuk langkah ini: tuliskan apa yang harus diperbaiki (kembalikan) atau "
            "alasan membuka kembali."
        )
    return None


def allowed_actions(user: User, status: str, unit_id: int | None = None) -> list[str]:
    """The actions of :data:`ACTIONS` ``user`` may take now (buttons to show); a note-requiring
    action is listed (the note is checked when it is taken)."""
    return [name for name in ACTIONS if refusal(user, name, status, unit_id, note="x") is None]


def _event(unit_id, year, month, step, before, after, actor, note) -> dict:
    return dict(
        unit_id=unit_id,
        tahun=year,
        bulan=month,
        step=step,
        status_before=before,
        status_after=after,
        actor=actor,
        note=note,
    )


def _audit(step: str, unit: str, year: int, month: int, before: str | None, after: str | None, note: str | None):
    detail = f"{unit} {_period(year, month)}: {before or '-'} -> {after or before or '-'}"
    return f"kinerja_{step}", detail + (f"; catatan: {note}" if note else "")


def transition(store, unit_id: int, year: int, month: int, action: str, user: User, note: str | None = None) -> str:
    """Take a state-changing action (``submit`` | ``verify`` | ``return`` | ``approve`` |
    ``reopen``) on a unit-month as ``user``; recorded in ``review_event`` and the audit log in
    one transaction. Returns the new status; raises :class:`ReviewError` when not allowed."""
    if action not in ACTIONS:
        raise ReviewError(f"Langkah '{action}' tidak dikenal.")
    note = note.strip() if isinstance(note, str) and note.strip() else None
    with store.transaction():
        return _take(store, unit_id, year, month, action, user, note)


def _take(store, unit_id: int, year: int, month: int, action: str, user: User, note: str | None) -> str:
    """:func:`transition` inside the caller's transaction."""
    a = ACTIONS[action]
    status = status_of(store, unit_id, year, month)
    why = refusal(user, action, status, unit_id, note)
    if why:
        raise ReviewError(why)
    stamp = {"submit": "submitted", "verify": "verified", "approve": "approved"}.get(action)
    store.review_put(unit_id, year, month, a.target, user.username, note, stamp)
    store.add_review_events([_event(unit_id, year, month, a.step, status, a.target, user.username, note)])
    name = _unit_name(store, unit_id)
    act, detail = _audit(a.step, name, year, month, status, a.target, note)
    store.audit_many([(user.username, act, name, detail)])
    return a.target


def approve_verified(store, year: int, month: int, user: User, unit_ids: list[int] | None = None) -> list[int]:
    """Approve every verified unit-month of the month (only ``unit_ids`` when given: the units the
    approver saw as verified) as ``user``, in one transaction: all or nothing. Returns the units
    approved; raises :class:`ReviewError` and approves none when ``user`` may not approve or a
    named unit is no longer verified (e.g. returned meanwhile)."""
    with store.transaction():
        if unit_ids is None:
            reviews = store.review_rows(year, month)
            unit_ids = [int(u) for u, s in zip(reviews["unit_id"], reviews["status"]) if s == "verified"]
        for unit_id in unit_ids:
            try:
                _take(store, int(unit_id), year, month, "approve", user, None)
            except ReviewError as exc:
                raise ReviewError(f"{_unit_name(store, int(unit_id))}: {exc} Tidak ada rekap yang disetujui.") from None
    return [int(u) for u in unit_ids]


def review_counts(unit_ids, reviews: pd.DataFrame) -> dict[str, int]:
    """How many of ``unit_ids`` are in each state for a month (``reviews``: ``Store.review_rows`` of
    the month; a unit without a row is ``draft``), plus ``total``: the Review Kinerja KPIs."""
    status = {int(u): s for u, s in zip(reviews["unit_id"], reviews["status"])}
    states = [status.get(int(u), "draft") for u in unit_ids]
    return {s: states.count(s) for s in STATUS_LABEL} | {"total": len(states)}


def request_counts(unit_ids, reviews: pd.DataFrame, events: pd.DataFrame, durations: pd.DataFrame) -> dict[str, int]:
    """The Permintaan Data Kinerja KPIs of a month for ``unit_ids``: ``requested`` (format sent),
    ``submitted`` (the unit has sent data: any state but draft), ``approved``, ``late`` (a step or
    the wait took longer than the SOP) and ``total`` (``reviews``: ``Store.review_rows``;
    ``events``: ``Store.review_events`` of the month; ``durations``: :func:`step_durations`)."""
    units = {int(u) for u in unit_ids}
    status = {int(u): s for u, s in zip(reviews["unit_id"], reviews["status"])}
    requested = set(events.loc[events["step"] == "requested", "unit_id"].astype(int))
    late = set(durations.loc[durations["melebihi"].astype(bool), "unit_id"].astype(int))
    return dict(
        requested=len(requested & units),
        submitted=sum(status.get(u, "draft") != "draft" for u in units),
        approved=sum(status.get(u) == "approved" for u in units),
        late=len(late & units),
        total=len(units),
    )


def record_submission(store, unit_id: int, year: int, month: int, actor: str, note: str | None = None) -> str:
    """New values came in for a unit-month (file or form; inside the caller's transaction,
    after :func:`check_unlocked`): the state becomes ``submitted`` and the step is recorded.
    Returns the previous state."""
    before = status_of(store, unit_id, year, month)
    if before == "approved":
        raise Locked(lock_message(_unit_name(store, unit_id), year, month))
    if before == "verified":
        note = ((note + "; ") if note else "") + "data diubah setelah diverifikasi: perlu diverifikasi ulang"
    store.review_put(unit_id, year, month, "submitted", actor, note, "submitted")
    store.add_review_events([_event(unit_id, year, month, "submitted", before, "submitted", actor, note)])
    name = _unit_name(store, unit_id)
    act, detail = _audit("submitted", name, year, month, before, "submitted", note)
    store.audit_many([(actor, act, name, detail)])
    return before


def record_step(
    store, year: int, month: int, step: str, user: User, unit_ids: list[int] | None = None, note: str | None = None
) -> list[int]:
    """Record a step without a change of state (``requested`` | ``compiled`` | ``analysed``)
    for units (default: every unit with indicators in ``year`` whose state allows it).
    Returns the units recorded; raises :class:`ReviewError` when an explicitly named unit may
    not take the step."""
    if step not in MARKERS:
        raise ReviewError(f"Langkah '{step}' tidak dikenal.")
    done = []
    with store.transaction():
        units = store.kinerja_units(year)
        names = dict(zip(units["id"], units["nama"]))
        explicit = unit_ids is not None
        targets = unit_ids if unit_ids is not None else [int(u) for u, n in zip(units["id"], units["indikator"]) if n]
        events, audits = [], []
        for unit_id in targets:
            status = status_of(store, unit_id, year, month)
            why = refusal(user, step, status, unit_id)
            if why:
                if explicit:
                    raise ReviewError(f"{names.get(unit_id, unit_id)}: {why}")
                continue
            if store.review_get(unit_id, year, month) is None:
                store.review_put(unit_id, year, month, "draft", user.username, None)
            events.append(_event(unit_id, year, month, step, status, status, user.username, note))
            act, detail = _audit(step, names.get(unit_id, str(unit_id)), year, month, status, status, note)
            audits.append((user.username, act, names.get(unit_id), detail))
            done.append(unit_id)
        store.add_review_events(events)
        store.audit_many(audits)
    return done


def save_analysis(store, unit_id: int, year: int, period_key: str, note: str, user: User) -> int:
    """Store the Kasubbag's analysis note of a unit for a period (``B03``, ``TW1``, ``TAHUN``;
    see :attr:`core.kinerja.Period.key`), audited. For a month whose recap is submitted or
    verified this is SOP step 5 and is recorded as the ``analysed`` step. Returns the note id."""
    if user.role != "admin":
        raise ReviewError("Analisis ditulis oleh Kasubbag Program dan Keuangan (peran admin).")
    if not (note and note.strip()):
        raise ReviewError("Catatan analisis kosong; tuliskan hasil analisis dan evaluasinya.")
    with store.transaction():
        note_id = store.add_analisis(unit_id, year, period_key, note.strip(), user.username)
        name = _unit_name(store, unit_id)
        store.audit_many([(user.username, "kinerja_analisis", name, f"{name} {year} {period_key}: {note.strip()}")])
        if period_key.startswith("B"):
            month = int(period_key[1:])
            status = status_of(store, unit_id, year, month)
            if status in MARKERS["analysed"][0]:
                store.add_review_events(
                    [_event(unit_id, year, month, "analysed", status, status, user.username, note.strip())]
                )
    return note_id


# ---------------------------------------------------------------------------- SOP times
# SOP "Mekanisme Pengumpulan Data Kinerja", column "Waktu", in working hours (8 hours a day):
# 1-2 order and send the format 5 + 10 minutes; 3 units fill it 2 days; 4 staff compile 480 minutes;
# 5 Kasubbag analyses 360 minutes; 6 Sekcam verifies 360 minutes; 7 Camat approves 60 minutes.
WORKDAY_START, WORKDAY_END = 8, 16  # office hours counted (8 hours: 480 minutes = 1 day)
SOP_HOURS = {
    "requested": 15 / 60,
    "submitted": 16.0,
    "compiled": 8.0,
    "analysed": 6.0,
    "verified": 6.0,
    "returned": 6.0,
    "approved": 1.0,
}
SOP_LABEL = {
    "requested": "15 menit",
    "submitted": "2 hari kerja",
    "compiled": "480 menit (1 hari kerja)",
    "analysed": "360 menit",
    "verified": "360 menit",
    "returned": "360 menit",
    "approved": "60 menit",
}
# The step a duration is measured from: the latest earlier event among these.
_FROM = {
    "submitted": ("requested", "returned", "reopened"),
    "compiled": ("submitted",),
    "analysed": ("compiled", "submitted"),
    "verified": ("analysed", "compiled", "submitted"),
    "returned": ("analysed", "compiled", "submitted", "verified"),
    "approved": ("verified",),
    "reopened": ("approved",),
}
# What is awaited after the last step (for the waiting row): step -> next step.
_NEXT = {
    "requested": "submitted",
    "returned": "submitted",
    "reopened": "submitted",
    "submitted": "compiled",
    "compiled": "analysed",
    "analysed": "verified",
    "verified": "approved",
}


def working_hours(start, end) -> float:
    """Office hours (Monday-Friday, 08:00-16:00) between two times; public holidays are not known."""
    start, end = pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime()
    if end <= start:
        return 0.0
    total = 0.0
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5:
            open_ = dt.datetime.combine(day, dt.time(WORKDAY_START))
            close = dt.datetime.combine(day, dt.time(WORKDAY_END))
            lo, hi = max(open_, start), min(close, end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 3600
        day += dt.timedelta(days=1)
    return total


STEP_COLUMNS = [
    "unit_id",
    "unit",
    "step",
    "langkah",
    "actor",
    "mulai",
    "selesai",
    "jam_kerja",
    "sop_jam",
    "sop",
    "melebihi",
    "selesai_flag",
    "note",
    "status_after",
]


def step_durations(store, year: int, month: int, now=None) -> pd.DataFrame:
    """The steps of every unit for a month with how long each took against the SOP:
    one row per recorded step (``selesai_flag`` True) with ``mulai`` (the step it is measured
    from), ``selesai``, ``jam_kerja`` (office hours between them), ``sop_jam`` / ``sop`` (the
    SOP time) and ``melebihi`` (took longer than the SOP). With ``now``, one more row per unit
    for the step awaited (``selesai_flag`` False, ``selesai`` empty, hours so far)."""
    events = store.review_events(year, month)
    rows = []
    for unit_id, ev in events.groupby("unit_id", sort=False):
        ev = ev.sort_values(["created_at", "id"])
        last_at: dict[str, pd.Timestamp] = {}
        for e in ev.itertuples(index=False):
            start = None
            for prev in _FROM.get(e.step, ()):
                t = last_at.get(prev)
                if t is not None and (start is None or t > start):
                    start = t
            hours = working_hours(start, e.created_at) if start is not None else None
            sop = SOP_HOURS.get(e.step)
            rows.append(
                dict(
                    unit_id=int(unit_id),
                    unit=e.unit,
                    step=e.step,
                    langkah=STEP_LABEL.get(e.step, e.step),
                    actor=e.actor,
                    mulai=start,
                    selesai=e.created_at,
                    jam_kerja=hours,
                    sop_jam=sop,
                    sop=SOP_LABEL.get(e.step),
                    melebihi=bool(hours is not None and sop is not None and hours > sop),
                    selesai_flag=True,
                    note=e.note,
                    status_after=e.status_after,
                )
            )
            last_at[e.step] = e.created_at
        if now is not None:
            last = ev.iloc[-1]
            nxt = _NEXT.get(last["step"])
            if last["status_after"] == "approved" or nxt is None:
                continue
            start = last["created_at"]
            hours = working_hours(start, now)
            sop = SOP_HOURS.get(nxt)
            rows.append(
                dict(
                    unit_id=int(unit_id),
                    unit=last["unit"],
                    step=nxt,
                    langkah=STEP_LABEL[nxt],
                    actor=None,
                    mulai=start,
                    selesai=None,
                    jam_kerja=hours,
                    sop_jam=sop,
                    sop=SOP_LABEL.get(nxt),
                    melebihi=bool(sop is not None and hours > sop),
                    selesai_flag=False,
                    note=None,
                    status_after=last["status_after"],
                )
            )
    return pd.DataFrame(rows, columns=STEP_COLUMNS)
