"""Queries of the rows held for a person to confirm their sub kegiatan (issue 14): a mixin of
:class:`db.store.Store`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from db.connected import QueryMixin
from db.connected import connected as _connected
from db.connected import reading as _reading
from db.summary import atomic

_VALUES = ("pagu", "target_fisik", "realisasi_fisik", "realisasi_keuangan", "target_keuangan")


class HeldQueries(QueryMixin):
    """Held rows and remembered name matches."""

    if TYPE_CHECKING:

        def _touch(self, pairs: Iterable[tuple[Any, Any]]) -> None: ...

    @_connected
    def insert_held(self, rows: list[dict]) -> None:
        """Keep rows held for confirmation (dict keys: the columns of ``realisasi_held``)."""
        if not rows:
            return
        self._wrote()
        cols = list(rows[0])
        for r in rows:
            self.con.execute(
                f"INSERT INTO realisasi_held (id, {', '.join(cols)}) VALUES (nextval('seq_held'), "
                f"{', '.join('?' for _ in cols)})",
                [r[c] for c in cols],
            )

    @_reading
    def held_rows(
        self, tahun: int | None = None, opd_kode: str | None = None, status: str = "menunggu"
    ) -> pd.DataFrame:
        """Held rows (of one year / OPD; by status), with the OPD's name and the file they came from."""
        return self._df(
            "SELECT h.*, o.nama AS opd, i.file_name FROM realisasi_held h LEFT JOIN opd o ON o.kode = h.opd_kode "
            "LEFT JOIN import i ON i.id = h.import_id WHERE h.status = ? "
            "AND (?::INTEGER IS NULL OR h.tahun = ?) AND (?::VARCHAR IS NULL OR h.opd_kode = ?) "
            "ORDER BY h.import_id, h.source_row",
            [status, tahun, tahun, opd_kode, opd_kode],
        )

    @_reading
    def held_row(self, held_id: int) -> dict | None:
        """One held row as a dict (``candidates``: [[kode, nama], ...])."""
        row = self._dict("SELECT * FROM realisasi_held WHERE id = ?", [held_id])
        if row is not None:
            row["candidates"] = json.loads(row["candidates_json"])
        return row

    @atomic
    def confirm_held(self, held_id: int, kode: str, nama_norm: str, user: str) -> None:
        """Load a held row under the sub kegiatan ``kode`` (into its import, as a flagged leaf) and
        remember its name for that OPD and year."""
        self._wrote()
        h = self._dict("SELECT * FROM realisasi_held WHERE id = ?", [held_id])
        if h is None:
            return
        self._touch([(h["tahun"], h["opd_kode"])])
        sub = self._dict(
            "SELECT nama, jenis, jenis_source, sumber_dana FROM sub_kegiatan WHERE tahun = ? AND opd_kode = ? "
            "AND kode = ?",
            [h["tahun"], h["opd_kode"], kode],
        )
        self.con.execute(
            "INSERT INTO realisasi (import_id, tahun, bulan, opd_kode, sub_kegiatan_kode, nama, pagu, target_fisik, "
            "realisasi_fisik, realisasi_keuangan, target_keuangan, permasalahan, solusi, jenis, jenis_source, "
            "sumber_dana, source_row, flagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true)",
            [h["import_id"], h["tahun"], h["bulan"], h["opd_kode"], kode, (sub or {}).get("nama") or h["nama"]]
            + [h[c] for c in _VALUES]
            + [
                h["permasalahan"],
                h["solusi"],
                (sub or {}).get("jenis"),
                (sub or {}).get("jenis_source"),
                (sub or {}).get("sumber_dana"),
                h["source_row"],
            ],
        )
        self.con.execute(
            "UPDATE realisasi_held SET status = 'dikonfirmasi', kode = ?, decided_by = ?, decided_at = now() "
            "WHERE id = ?",
            [kode, user, held_id],
        )
        self.con.execute(
            "INSERT INTO name_match (tahun, opd_kode, nama_norm, kode, created_by) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (tahun, opd_kode, nama_norm) DO UPDATE SET kode = excluded.kode, "
            "created_by = excluded.created_by",
            [h["tahun"], h["opd_kode"], nama_norm, kode, user],
        )

    @_connected
    def dismiss_held(self, held_id: int, user: str, reason: str) -> None:
        """Leave a held row out for good (with the reason)."""
        self._wrote()
        self.con.execute(
            "UPDATE realisasi_held SET status = 'diabaikan', decided_by = ?, decided_at = now(), reason = ? "
            "WHERE id = ?",
            [user, reason, held_id],
        )

    @_reading
    def name_matches(self) -> list[tuple[int, str, str, str]]:
        """(tahun, opd_kode, normalised name, kode) of every name a person confirmed."""
        return self.con.execute("SELECT tahun, opd_kode, nama_norm, kode FROM name_match").fetchall()
