"""Changes users make to kinerja data in the app: a unit's values from the form, confirming
(or dismissing) a held indicator match of an imported file, and editing indicators and
targets. Each is all or nothing, audited, keeps history, and respects the review lock
(:mod:`core.review`)."""

from __future__ import annotations

import json
import math

from core.access import User
from core.kinerja import AGREGASI, ARAH
from core.months import BULAN
from core.numbers import NotANumber, parse_number
from core.review import ReviewError, check_unlocked, record_submission


class InputError(ValueError):
    """Values refused (message in Indonesian; ``problems`` lists every problem found)."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def _actor(actor: User | str) -> str:
    return actor.username if isinstance(actor, User) else str(actor)


def _may_resolve(actor: User | str, unit_id) -> bool:
    """May ``actor`` settle a held row of unit ``unit_id`` (admin, or that unit's own account)?"""
    return not isinstance(actor, User) or actor.role == "admin" or (actor.role == "unit" and actor.unit_id == unit_id)


def _indikator_admin(actor: User | str) -> str:
    """The name of ``actor`` when it may add or edit indicators (admin), else :class:`ReviewError`."""
    if isinstance(actor, User) and actor.role != "admin":
        raise ReviewError("Indikator kinerja ditambah atau diubah oleh Kasubbag Program dan Keuangan (peran admin).")
    return _actor(actor)


def is_percent(satuan: str | None) -> bool:
    """Is the satuan a percentage (``%``, ``persen``)?"""
    s = (satuan or "").strip().lower()
    return s in ("%", "persen", "persentase", "prosentase") or s.startswith("% ")


def _value(raw) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    return parse_number(raw)


def validate_value(raw, satuan: str | None, label: str) -> tuple[float | None, str | None]:
    """A form value: (number or None when empty, problem or None). Numbers may be written the
    Indonesian way (``45,5``); negative values are refused, percentages must be 0-100."""
    try:
        value = _value(raw)
    except NotANumber:
        return None, f"{label}: '{raw}' bukan angka. Tulis angka saja, mis. 45,5."
    if value is None:
        return None, None
    if value < 0:
        return value, f"{label}: nilai {value:g} negatif. Isi nilai 0 atau lebih."
    if is_percent(satuan) and value > 100:
        return (
            value,
            f"{label}: {value:g} % di luar rentang 0-100 %. Periksa angkanya (tulis dalam persen, bukan pecahan).",
        )
    return value, None


def submit_values(
    store, unit_id: int, year: int, month: int, values: dict, actor: User | str, note: str | None = None
) -> list[int]:
    """Store a unit's values for a month from the form: ``values`` maps indikator_id to
    (realisasi, keterangan); an empty realisasi leaves that indicator out. Every value is
    checked first (a number; not negative; 0-100 for a % satuan; the indicator belongs to the
    unit and year); any problem refuses all of them (:class:`InputError`). Refused as well for
    an approved (locked) month (:class:`core.review.Locked`) and, when ``actor`` is a
    :class:`User`, for a unit user of another unit or a role that may not submit. Each value
    supersedes the one in force (history kept); the month becomes ``submitted``; audited.
    Returns the new value ids."""
    name = _actor(actor)
    if isinstance(actor, User):
        if actor.role not in ("unit", "admin"):
            raise ReviewError("Hanya unit kerja (atau admin atas namanya) yang dapat menyampaikan data kinerja.")
        if actor.role == "unit" and actor.unit_id != unit_id:
            raise ReviewError("Akun unit hanya dapat menyampaikan data unitnya sendiri.")
    if not 1 <= int(month) <= 12:
        raise InputError([f"Bulan {month} tidak valid; pilih 1-12."])
    with store.transaction():
        check_unlocked(store, unit_id, year, month)
        inds = store.indikator_frame(year, unit_id)
        known = {int(r["id"]): r for r in inds.to_dict("records")}
        problems, rows = [], []
        for ind_id, pair in values.items():
            realisasi, keterangan = pair if isinstance(pair, (tuple, list)) else (pair, None)
            ind = known.get(int(ind_id))
            if ind is None:
                problems.append(f"Indikator #{ind_id} bukan indikator aktif unit ini untuk tahun {year}.")
                continue
            value, problem = validate_value(realisasi, ind["satuan"], ind["nama"])
            if problem:
                problems.append(problem)
                continue
            if value is None:
                continue
            text = keterangan.strip() if isinstance(keterangan, str) and keterangan.strip() else None
            rows.append(
                dict(
                    indikator_id=int(ind_id),
                    unit_id=unit_id,
                    tahun=year,
                    bulan=month,
                    realisasi=value,
                    keterangan=text,
                    source="form",
                    match_how="form",
                )
            )
        if problems:
            raise InputError(problems)
        if not rows:
            raise InputError(["Belum ada nilai realisasi yang diisi; isi sedikitnya satu indikator."])
        written = store.write_kinerja(rows, name)
        store.supersede_kinerja_imports(unit_id, year, month, None)
        unit = dict(store.unit_kerja()).get(unit_id, str(unit_id))
        audits = [
            (
                name,
                "kinerja_input",
                unit,
                json.dumps(
                    {
                        "bulan": f"{BULAN[month - 1]} {year}",
                        "indikator_id": r["indikator_id"],
                        "realisasi": r["realisasi"],
                        "menggantikan": old,
                    },
                    ensure_ascii=False,
                ),
            )
            for r, old in zip(rows, written.values())
        ]
        store.audit_many(audits)
        record_submission(store, unit_id, year, month, name, note or "diisi melalui formulir")
    return list(written)


def confirm_match(store, import_id: int, row: int, indikator_id: int, actor: User | str) -> int:
    """Attach a held row of an imported kinerja file (``import_id``, sheet ``row``) to the
    indicator a user chose: the value is stored (superseding the one in force), the held row
    is closed as ``confirmed``, the month becomes ``submitted``; audited. Refused when the row
    is not held, the indicator is not the unit's for that year, the month is approved, the
    import was superseded, or a newer value for that indicator came in after the file.
    Returns the new value id."""
    name = _actor(actor)
    with store.transaction():
        p = store.pending_get(import_id, row)
        if p is None or p["status"] != "pending":
            raise ReviewError(f"Baris {row} impor #{import_id} tidak sedang menunggu konfirmasi indikator.")
        if not _may_resolve(actor, p["unit_id"]):
            raise ReviewError("Akun Anda tidak berwenang mengonfirmasi indikator data kinerja ini.")
        ind = store.indikator_get(indikator_id)
        if ind is None or ind["unit_id"] != p["unit_id"] or ind["tahun"] != p["tahun"] or not ind["active"]:
            raise ReviewError(
                f"Indikator #{indikator_id} bukan indikator aktif unit ini untuk tahun {p['tahun']}; "
                "pilih salah satu kandidat yang ditampilkan."
            )
        check_unlocked(store, p["unit_id"], p["tahun"], p["bulan"])
        if p["import_superseded_by"] is not None:
            raise ReviewError(
                f"Impor #{import_id} ('{p['file_name']}') sudah digantikan kiriman yang lebih baru; "
                "nilai dari berkas lama tidak dipakai lagi."
            )
        current = store.active_value(indikator_id, p["tahun"], p["bulan"])
        if current is not None and current["created_at"] > p["import_at"]:
            raise ReviewError(
                f"Indikator '{ind['nama']}' sudah mendapat nilai yang lebih baru "
                f"({'tidak dilaporkan' if current['realisasi'] is None else format(current['realisasi'], 'g')}, "
                f"oleh {current['created_by']}) setelah berkas ini diimpor; "
                "nilai lama tidak menimpanya. Tutup baris ini dengan 'abaikan'."
            )
        written = store.write_kinerja(
            [
                dict(
                    indikator_id=indikator_id,
                    unit_id=p["unit_id"],
                    tahun=p["tahun"],
                    bulan=p["bulan"],
                    realisasi=p["realisasi"],
                    keterangan=p["keterangan"],
                    source="import",
                    import_id=import_id,
                    sheet=p["sheet"],
                    source_row=row,
                    nama_file=p["nama_file"],
                    target_file=p["target_file"],
                    match_how="confirmed",
                    match_score=None,
                    flagged=False,
                )
            ],
            name,
        )
        new_id = next(iter(written))
        store.resolve_pending(p["id"], "confirmed", name, indikator_id, new_id)
        store.refresh_import_status(import_id)
        store.audit_many(
            [
                (
                    name,
                    "kinerja_match_confirm",
                    p["file_name"],
                    json.dumps(
                        {
                            "import_id": import_id,
                            "baris": row,
                            "nama_berkas": p["nama_file"],
                            "indikator_id": indikator_id,
                            "indikator": ind["nama"],
                            "menggantikan": written[new_id],
                        },
                        ensure_ascii=False,
                    ),
                )
            ]
        )
        record_submission(
            store, p["unit_id"], p["tahun"], p["bulan"], name, f"indikator baris {row} dikonfirmasi: {ind['nama']}"
        )
    return new_id


def dismiss_match(store, import_id: int, row: int, actor: User | str, reason: str) -> None:
    """Close a held row without attaching it (e.g. an indicator that is not in the PK), with a
    reason; audited. The row stays in ``kinerja_pending`` as history."""
    name = _actor(actor)
    if not (reason and reason.strip()):
        raise ReviewError("Alasan wajib diisi untuk mengabaikan baris ini.")
    with store.transaction():
        p = store.pending_get(import_id, row)
        if p is None or p["status"] != "pending":
            raise ReviewError(f"Baris {row} impor #{import_id} tidak sedang menunggu konfirmasi indikator.")
        if not _may_resolve(actor, p["unit_id"]):
            raise ReviewError("Akun Anda tidak berwenang mengabaikan baris data kinerja ini.")
        store.resolve_pending(p["id"], "dismissed", name, note=reason.strip())
        store.refresh_import_status(import_id)
        store.audit_many(
            [
                (
                    name,
                    "kinerja_match_dismiss",
                    p["file_name"],
                    json.dumps(
                        {"import_id": import_id, "baris": row, "nama_berkas": p["nama_file"], "alasan": reason.strip()},
                        ensure_ascii=False,
                    ),
                )
            ]
        )


# ---------------------------------------------------------------------------- indicators
_TARGETS = ("target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4")


def _check_indikator(fields: dict) -> list[str]:
    problems = []
    if "nama" in fields and not (fields["nama"] and str(fields["nama"]).strip()):
        problems.append("Nama indikator wajib diisi.")
    if "arah" in fields and fields["arah"] not in ARAH:
        problems.append("Arah harus 'naik' (makin tinggi makin baik) atau 'turun' (makin rendah makin baik).")
    if "agregasi" in fields and fields["agregasi"] not in AGREGASI:
        problems.append("Agregasi harus 'stok' (nilai terakhir) atau 'alir' (dijumlahkan).")
    for key in _TARGETS:
        if key in fields and fields[key] is not None:
            try:
                value = _value(fields[key])
            except NotANumber:
                problems.append(f"{key.replace('_', ' ').title()}: '{fields[key]}' bukan angka.")
                continue
            if value is not None and value < 0:
                problems.append(f"{key.replace('_', ' ').title()}: target tidak boleh negatif.")
            fields[key] = value
    return problems


def add_indikator(store, unit_id: int, year: int, fields: dict, actor: User | str) -> int:
    """Add an indicator to a unit's PK by hand (nama, satuan, arah, agregasi, targets); audited.
    Admins only (:class:`ReviewError` for another signed-in role)."""
    name = _indikator_admin(actor)
    fields = dict(fields)
    fields.setdefault("arah", "naik")
    fields.setdefault("agregasi", "stok")
    problems = _check_indikator(fields)
    if problems:
        raise InputError(problems)
    with store.transaction():
        existing = store.indikator_frame(year, unit_id)
        if any(str(n).strip().lower() == str(fields["nama"]).strip().lower() for n in existing["nama"]):
            raise InputError([f"Indikator '{fields['nama']}' sudah ada pada unit ini untuk tahun {year}."])
        row = dict(
            fields,
            unit_id=unit_id,
            tahun=year,
            source="manual",
            agregasi_source="manual",
            no=fields.get("no")
            or (int(existing["no"].max()) + 1 if len(existing) and existing["no"].notna().any() else len(existing) + 1),
        )
        new_id = store.insert_indikator([row], name)[0]
        store.audit_many(
            [
                (
                    name,
                    "indikator_create",
                    str(new_id),
                    json.dumps(
                        {k: row.get(k) for k in ("unit_id", "tahun", "nama", "satuan", "arah", "agregasi") + _TARGETS},
                        ensure_ascii=False,
                    ),
                )
            ]
        )
    return new_id


def update_indikator(store, indikator_id: int, fields: dict, actor: User | str, reason: str | None = None) -> None:
    """Edit an indicator (nama, satuan, arah, agregasi, targets, active); the previous state
    goes to ``indikator_history``, the change to the audit log. Admins only (:class:`ReviewError`
    for another signed-in role)."""
    name = _indikator_admin(actor)
    fields = {k: v for k, v in dict(fields).items()}
    problems = _check_indikator(fields)
    if problems:
        raise InputError(problems)
    with store.transaction():
        before = store.indikator_get(indikator_id)
        if before is None:
            raise InputError([f"Indikator #{indikator_id} tidak ada."])
        changed = {k: v for k, v in fields.items() if before.get(k) != v}
        if "agregasi" in changed:
            changed["agregasi_source"], changed["agregasi_rule"] = "manual", None
        if not changed:
            return
        store.update_indikator(indikator_id, changed, name, reason or "diubah di aplikasi")
        store.audit_many(
            [
                (
                    name,
                    "indikator_update",
                    str(indikator_id),
                    json.dumps(
                        {
                            k: [before.get(k), v]
                            for k, v in changed.items()
                            if k not in ("agregasi_source", "agregasi_rule")
                        }
                        | ({"alasan": reason} if reason else {}),
                        ensure_ascii=False,
                        default=str,
                    ),
                )
            ]
        )
