"""Rows held for a person (issue 14): a report's row named without a code whose name is only
close to a DPA sub kegiatan waits until someone confirms which sub kegiatan it is, or leaves it out.
Never attached by guess; a confirmed name is remembered for that OPD and year."""

from __future__ import annotations

import json

import pandas as pd

from core.access import Forbidden, User
from core.text import norm
from db.store import Store


def _check(user: User, opd_kode: str) -> None:
    """An admin decides for every OPD, an OPD operator for its own; nobody else."""
    if user.is_admin:
        return
    if user.role == "opd" and user.opd_kode == opd_kode:
        return
    raise Forbidden("Hanya admin atau operator OPD yang bersangkutan yang dapat mengonfirmasi baris ini.")


def waiting(store: Store, user: User, tahun: int | None = None) -> pd.DataFrame:
    """The held rows the user may decide (an OPD operator: its own OPD's)."""
    opd = None if user.is_admin or user.role != "opd" else user.opd_kode
    if not user.is_admin and user.role != "opd":
        return store.held_rows(tahun, "\0")  # nothing
    return store.held_rows(tahun, opd)


def confirm(store: Store, user: User, held_id: int, kode: str) -> None:
    """Load the held row under the sub kegiatan ``kode`` (one of its candidates) and remember the
    name; audited."""
    row = store.held_row(held_id)
    if row is None or row["status"] != "menunggu":
        raise ValueError("Baris ini sudah diputuskan atau tidak ada.")
    _check(user, row["opd_kode"])
    if kode not in {k for k, _ in row["candidates"]}:
        raise ValueError(f"Kode {kode} bukan salah satu kandidat baris ini.")
    with store.transaction():
        store.confirm_held(held_id, kode, norm(row["nama"] or ""), user.username)
        store.audit_many(
            [
                (
                    user.username,
                    "held_confirm",
                    row["nama"],
                    json.dumps({"held": held_id, "kode": kode}, ensure_ascii=False),
                )
            ]
        )


def dismiss(store: Store, user: User, held_id: int, reason: str) -> None:
    """Leave a held row out (a reason is required); audited."""
    row = store.held_row(held_id)
    if row is None or row["status"] != "menunggu":
        raise ValueError("Baris ini sudah diputuskan atau tidak ada.")
    _check(user, row["opd_kode"])
    if len(reason.strip()) < 5:
        raise ValueError("Tuliskan alasan baris ini tidak dipakai (paling sedikit 5 huruf).")
    with store.transaction():
        store.dismiss_held(held_id, user.username, reason.strip())
        store.audit_many(
            [(user.username, "held_dismiss", row["nama"], json.dumps({"held": held_id, "alasan": reason}))]
        )
