"""Who may remember, rename and delete column layouts (issue 16): one place decides, the Impor
and Pengaturan pages only ask.

An admin saves a layout for any OPD or for every OPD (shared), renames and deletes any. An OPD
operator saves a layout for its own OPD only (never a shared one, never over a layout of the
same name that is another OPD's or shared) and renames or deletes none.
"""

from __future__ import annotations

import json

from core.access import User
from db.store import Store

MAX_NAME = 80


class LayoutRefused(ValueError):
    """What the user may not do with a layout, in a sentence to show."""


def _clean_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise LayoutRefused("Nama format kolom wajib diisi.")
    if len(text) > MAX_NAME:
        raise LayoutRefused(f"Nama format kolom paling panjang {MAX_NAME} karakter.")
    return text


def _by_name(store: Store, name: str) -> dict | None:
    return next((r for r in store.layouts() if r["name"] == name), None)


def save_refusal(user: User, opd_kode: str | None, shared: bool) -> str | None:
    """Why ``user`` may not save a layout for ``opd_kode`` (``shared``: for every OPD); ``None``: allowed."""
    if user.is_admin:
        return None
    if user.role != "opd" or not user.opd_kode:
        return "Hanya admin dan operator OPD yang dapat menyimpan format kolom."
    if shared:
        return "Format kolom untuk semua OPD hanya dapat disimpan oleh admin."
    if opd_kode != user.opd_kode:
        return "Operator OPD hanya dapat menyimpan format kolom untuk OPD-nya sendiri."
    return None


def save(
    store: Store,
    user: User,
    name: str,
    layout: dict,
    opd_kode: str | None,
    shared: bool = False,
) -> str:
    """Remember a confirmed layout under ``name`` for ``opd_kode`` (``shared``: for every OPD).
    ``layout`` is what :meth:`etl.mapping.Layout.to_json` gives (signature, height, paths).
    Returns the name kept; :class:`LayoutRefused` when ``user`` may not."""
    name = _clean_name(name)
    refusal = save_refusal(user, opd_kode, shared)
    if refusal:
        raise LayoutRefused(refusal)
    same = _by_name(store, name)
    if same is not None and not user.is_admin and same["opd_kode"] != user.opd_kode:
        raise LayoutRefused(f"Nama format '{name}' sudah dipakai; pilih nama lain.")
    owner = None if shared else opd_kode
    detail = dict(layout, name=name, opd=owner)
    with store.transaction():
        store.save_layout(name, layout["signature"], int(layout["height"]), dict(layout["paths"]), owner, user.username)
        store.audit_many([(user.username, "layout_save", name, json.dumps(detail, ensure_ascii=False))])
    return name


def _admin_only(user: User, what: str) -> None:
    if not user.is_admin:
        raise LayoutRefused(f"Hanya admin yang dapat {what} format kolom.")


def rename(store: Store, user: User, layout_id: int, name: str) -> str:
    """Give a layout another name (admins only); the name must be free."""
    _admin_only(user, "mengganti nama")
    name = _clean_name(name)
    same = _by_name(store, name)
    if same is not None and same["id"] != layout_id:
        raise LayoutRefused(f"Nama format '{name}' sudah dipakai; pilih nama lain.")
    old = next((r for r in store.layouts() if r["id"] == layout_id), None)
    if old is None:
        raise LayoutRefused("Format kolom tidak ditemukan (mungkin sudah dihapus).")
    with store.transaction():
        store.rename_layout(layout_id, name)
        store.audit_many([(user.username, "layout_rename", name, json.dumps({"dari": old["name"]}))])
    return name


def delete(store: Store, user: User, layout_id: int) -> None:
    """Forget a layout (admins only); files already loaded keep their figures."""
    _admin_only(user, "menghapus")
    old = next((r for r in store.layouts() if r["id"] == layout_id), None)
    if old is None:
        raise LayoutRefused("Format kolom tidak ditemukan (mungkin sudah dihapus).")
    with store.transaction():
        store.delete_layout(layout_id)
        store.audit_many([(user.username, "layout_delete", old["name"], None)])
