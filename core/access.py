"""Roles, what each role may open, and the data scope of a user (DESIGN §1).

One place decides access: the menu (``app.py``), every page guard, every query filter,
every download and the import path ask these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: dict[str, str] = {
    "admin": "Admin (Bagian Adpem / Kasubbag Program dan Keuangan)",
    "opd": "Operator OPD (hanya OPD sendiri)",
    "unit": "Unit kerja / Kasi (hanya unit sendiri)",
    "reviewer": "Pemeriksa (Sekcam)",
    "approver": "Penyetuju (Camat)",
    "viewer": "Pembaca (Kabag, Sekda, Bupati)",
}

# page key -> roles that may open it
PAGE_ROLES: dict[str, frozenset[str]] = {
    "ringkasan": frozenset({"admin", "opd", "reviewer", "approver", "viewer"}),
    "rekap": frozenset({"admin", "opd", "reviewer", "approver", "viewer"}),
    "fisik": frozenset({"admin", "opd", "reviewer", "approver", "viewer"}),
    "status": frozenset({"admin", "opd", "reviewer", "approver", "viewer"}),
    "materi": frozenset({"admin", "reviewer", "approver", "viewer"}),
    "rakor": frozenset({"admin", "opd", "reviewer", "approver", "viewer"}),
    "permintaan": frozenset({"admin"}),
    "kinerja_permintaan": frozenset({"admin", "reviewer", "approver"}),
    "kinerja_isi": frozenset({"admin", "unit"}),
    "kinerja_data": frozenset({"admin", "unit", "reviewer", "approver", "viewer"}),
    "kinerja_review": frozenset({"admin", "reviewer", "approver"}),
    "impor": frozenset({"admin", "opd", "unit"}),
    "pengaturan": frozenset({"admin"}),
    "pengguna": frozenset({"admin"}),
    "audit": frozenset({"admin"}),
    "cadangan": frozenset({"admin"}),
    "akun": frozenset(ROLES),
}


@dataclass(frozen=True)
class User:
    """A signed-in user: who, which role and which OPD or unit the role is limited to."""

    username: str
    nama: str
    role: str
    opd_kode: str | None = None
    unit_id: int | None = None

    @property
    def opd_scope(self) -> str | None:
        """The only OPD this user may see and load (``None``: every OPD)."""
        return self.opd_kode if self.role == "opd" else None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def can_open(user: User | None, page: str) -> bool:
    """May ``user`` open ``page`` (a key of :data:`PAGE_ROLES`)?"""
    return user is not None and user.role in PAGE_ROLES.get(page, frozenset())


def pages_for(user: User) -> list[str]:
    """Page keys of the menu of ``user``, in menu order."""
    return [page for page in PAGE_ROLES if can_open(user, page)]


def scope_problem(role: str, opd_kode: str | None, unit_id: int | None) -> str | None:
    """Why a role / scope combination is invalid (Indonesian), or ``None`` when it is fine."""
    if role not in ROLES:
        return f"Peran '{role}' tidak dikenal. Pilih salah satu: {', '.join(ROLES)}."
    if role == "opd" and not opd_kode:
        return "Pengguna dengan peran OPD wajib dikaitkan dengan satu OPD. Pilih OPD-nya."
    if role == "unit" and unit_id is None:
        return "Pengguna dengan peran unit wajib dikaitkan dengan satu unit kerja. Pilih unit kerjanya."
    return None


def upload_refusal(
    user: User, kind: str | None, opd_kode: str | None, opd_name: str | None, own_opd_name: str | None
) -> str | None:
    """Why ``user`` may not load a report of ``kind`` for ``opd_kode`` (Indonesian), or ``None``."""
    if user.role not in PAGE_ROLES["impor"]:
        return "Akun Anda tidak berwenang mengimpor data. Hubungi admin bila ini keliru."
    if user.role == "unit":  # a unit loads only its own kinerja (kinerja_upload_refusal)
        return (
            "Akun unit kerja hanya dapat mengunggah format data kinerja unitnya sendiri. DPA dan laporan "
            "realisasi diunggah oleh admin atau operator OPD."
        )
    if user.role == "opd":
        if kind == "dpa":
            return (
                "DPA hanya dapat dimuat oleh admin (Bagian Administrasi Pembangunan). Kirimkan berkas DPA kepada admin."
            )
        if opd_kode is not None and opd_kode != user.opd_kode:
            return (
                f"Laporan ini milik {opd_name or opd_kode}, sedangkan akun Anda hanya untuk "
                f"{own_opd_name or user.opd_kode}. Unggah laporan OPD Anda sendiri; laporan OPD lain "
                "diunggah oleh operator OPD tersebut atau admin."
            )
    return None


def kinerja_upload_refusal(user: User, kind: str | None, unit_id: int | None) -> str | None:
    """Why ``user`` may not load a Perjanjian Kinerja workbook (``targets``) or a unit's kinerja
    file (``kinerja``) of unit ``unit_id`` (Indonesian), or ``None``: admins load both; a unit
    user only its own unit's kinerja; other roles neither."""
    if user.role == "admin":
        return None
    if user.role == "unit" and kind == "kinerja":
        if unit_id is not None and unit_id != user.unit_id:
            return (
                "Data kinerja ini milik unit kerja lain, sedangkan akun Anda hanya untuk unit Anda sendiri. "
                "Unggah data kinerja unit Anda."
            )
        return None
    if kind == "targets":
        return (
            "Perjanjian Kinerja (target per unit) hanya dapat dimuat oleh admin (Kasubbag Program dan Keuangan). "
            "Kirimkan berkasnya kepada admin."
        )
    return (
        "Data kinerja unit dimuat oleh unit yang bersangkutan atau admin (Kasubbag Program dan Keuangan). "
        "Kirimkan berkasnya kepada admin."
    )


class Forbidden(PermissionError):
    """A write the signed-in user's role or scope does not allow (message in Indonesian)."""


def actor_name(actor: User | str) -> str:
    """The name recorded in the audit log for ``actor`` (a signed-in user, or the name of a trusted
    operator such as ``cli``)."""
    return actor.username if isinstance(actor, User) else str(actor)


def require_role(actor: User | str, roles: frozenset[str] | set[str] | tuple[str, ...], what: str) -> str:
    """Check that ``actor`` may do ``what`` (Indonesian, e.g. "mengubah pengaturan"): a signed-in
    :class:`User` must have one of ``roles``, else :class:`Forbidden`; a plain name is a trusted
    operator (the command line, scripts) that signed in to the machine, not to the app. Returns
    the actor's name for the audit log. Core functions that write call this themselves, so a page
    that forgot its guard still cannot write."""
    if isinstance(actor, User) and actor.role not in roles:
        who = ", ".join(ROLES[r].split(" (")[0] for r in ROLES if r in roles)
        raise Forbidden(f"Akun Anda (peran {actor.role}) tidak berwenang {what}; yang berwenang: {who}.")
    return actor_name(actor)
