"""Queries of the Rakor POK meetings and their tindak lanjut (schema ``003_rakor.sql``).

A mixin of :class:`db.store.Store`; the rules (who may change what, validation, audit text)
live in :mod:`core.tindak_lanjut`, which calls these methods inside ``store.transaction()``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from db.connected import QueryMixin, connected, reading

# Every decision with its meeting, OPD name and latest note; parameters: see tindak_lanjut_rows.
_TL_SELECT = """
    SELECT t.id, t.rakor_id, r.tanggal AS rakor_tanggal, r.tahun AS rakor_tahun, r.bulan AS rakor_bulan,
           r.status AS rakor_status, t.opd_kode, coalesce(o.nama, t.opd_kode) AS opd, t.masalah, t.keputusan,
           t.pic, t.batas_waktu, t.status, t.dibatalkan, t.alasan_batal, t.created_by, t.created_at,
           t.updated_by, t.updated_at,
           (SELECT n.note FROM tindak_lanjut_note n
            WHERE n.tindak_lanjut_id = t.id AND n.note IS NOT NULL AND trim(n.note) <> ''
            ORDER BY n.id DESC LIMIT 1) AS catatan_terakhir,
           (SELECT max(n.tanggal) FROM tindak_lanjut_note n WHERE n.tindak_lanjut_id = t.id) AS tanggal_catatan
    FROM tindak_lanjut t JOIN rakor r ON r.id = t.rakor_id LEFT JOIN opd o ON o.kode = t.opd_kode
"""


class RakorQueries(QueryMixin):
    """Meetings (``rakor``), attendees, decisions (``tindak_lanjut``) and their notes."""

    # ------------------------------------------------------------------ meetings
    @reading
    def rakor_list(self) -> pd.DataFrame:
        """Every meeting, newest first, with the number of attendees and of decisions."""
        return self._df(
            "SELECT r.id, r.tanggal, r.tahun, r.bulan, r.tempat, r.pimpinan, r.catatan, r.status, r.created_by, "
            "r.created_at, r.updated_by, r.updated_at, "
            "(SELECT count(*) FROM rakor_peserta p WHERE p.rakor_id = r.id) AS peserta, "
            "(SELECT count(*) FROM tindak_lanjut t WHERE t.rakor_id = r.id AND NOT t.dibatalkan) AS keputusan "
            "FROM rakor r ORDER BY r.tanggal DESC, r.id DESC"
        )

    @reading
    def rakor_get(self, rakor_id: int) -> dict | None:
        """One meeting as a dict (with ``peserta``: the attendees' OPD codes), or ``None``."""
        out = self._dict("SELECT * FROM rakor WHERE id = ?", [rakor_id])
        if out is None:
            return None
        out["peserta"] = self.rakor_peserta(rakor_id)
        return out

    @reading
    def rakor_latest_id(self, before: dt.date | None = None) -> int | None:
        """Id of the latest meeting (held before ``before`` when given), or ``None``."""
        row = self._one(
            "SELECT id FROM rakor WHERE ?::DATE IS NULL OR tanggal < ?::DATE ORDER BY tanggal DESC, id DESC LIMIT 1",
            [before, before],
        )
        return row[0] if row else None

    @reading
    def rakor_peserta(self, rakor_id: int) -> list[str]:
        """OPD codes of the attendees of a meeting (by OPD name)."""
        return [
            r[0]
            for r in self.con.execute(
                "SELECT p.opd_kode FROM rakor_peserta p LEFT JOIN opd o ON o.kode = p.opd_kode WHERE p.rakor_id = ? "
                "ORDER BY coalesce(o.nama, p.opd_kode)",
                [rakor_id],
            ).fetchall()
        ]

    @connected
    def insert_rakor(
        self,
        tanggal: dt.date,
        tahun: int,
        bulan: int,
        tempat: str | None,
        pimpinan: str | None,
        catatan: str | None,
        actor: str,
    ) -> int:
        """A new meeting (status ``draft``); returns its id."""
        self._wrote()
        return self._value(
            "INSERT INTO rakor (id, tanggal, tahun, bulan, tempat, pimpinan, catatan, created_by) "
            "VALUES (nextval('seq_rakor'), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [tanggal, tahun, bulan, tempat, pimpinan, catatan, actor],
        )

    @connected
    def update_rakor(self, rakor_id: int, actor: str, **fields) -> None:
        """Change columns of a meeting (tanggal, tahun, bulan, tempat, pimpinan, catatan, status)."""
        allowed = {"tanggal", "tahun", "bulan", "tempat", "pimpinan", "catatan", "status"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown rakor fields: {sorted(unknown)}")
        if not fields:
            return
        self._wrote()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.con.execute(
            f"UPDATE rakor SET {assignments}, updated_by = ?, updated_at = current_timestamp WHERE id = ?",
            [*fields.values(), actor, rakor_id],
        )

    @connected
    def set_rakor_peserta(self, rakor_id: int, opd_kodes: list[str]) -> None:
        """Replace the attendees of a meeting."""
        self._wrote()
        self.con.execute("DELETE FROM rakor_peserta WHERE rakor_id = ?", [rakor_id])
        for kode in dict.fromkeys(opd_kodes):
            self.con.execute("INSERT INTO rakor_peserta (rakor_id, opd_kode) VALUES (?, ?)", [rakor_id, kode])

    # ------------------------------------------------------------------ decisions (tindak lanjut)
    @reading
    def tindak_lanjut_rows(
        self,
        *,
        opd_kode: str | None = None,
        statuses: list[str] | None = None,
        rakor_id: int | None = None,
        ids: list[int] | None = None,
        include_batal: bool = False,
    ) -> pd.DataFrame:
        """Decisions with meeting date, OPD name and latest note, by OPD name, due date, id.

        Filters: one OPD, a list of statuses, one meeting, a list of ids; cancelled decisions
        only with ``include_batal``."""
        return self._df(
            _TL_SELECT
            + """
            WHERE (?::VARCHAR IS NULL OR t.opd_kode = ?)
              AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], t.status))
              AND (?::INTEGER IS NULL OR t.rakor_id = ?)
              AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], t.id))
              AND (? OR NOT t.dibatalkan)
            ORDER BY coalesce(o.nama, t.opd_kode), t.batas_waktu NULLS LAST, t.id
            """,
            [opd_kode, opd_kode, statuses, statuses, rakor_id, rakor_id, ids, ids, include_batal],
        )

    @reading
    def tindak_lanjut_get(self, tl_id: int) -> dict | None:
        """One decision as a dict (columns of ``tindak_lanjut``), or ``None``."""
        return self._dict("SELECT * FROM tindak_lanjut WHERE id = ?", [tl_id])

    @connected
    def insert_tindak_lanjut(
        self,
        rakor_id: int,
        opd_kode: str,
        masalah: str,
        keputusan: str,
        pic: str | None,
        batas_waktu: dt.date | None,
        actor: str,
    ) -> int:
        """A new decision (status ``open``); returns its id."""
        self._wrote()
        return self._value(
            "INSERT INTO tindak_lanjut (id, rakor_id, opd_kode, masalah, keputusan, pic, batas_waktu, created_by) "
            "VALUES (nextval('seq_tindak_lanjut'), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [rakor_id, opd_kode, masalah, keputusan, pic, batas_waktu, actor],
        )

    @connected
    def update_tindak_lanjut(self, tl_id: int, actor: str, **fields) -> None:
        """Change columns of a decision (opd_kode, masalah, keputusan, pic, batas_waktu, status,
        dibatalkan, alasan_batal)."""
        allowed = {"opd_kode", "masalah", "keputusan", "pic", "batas_waktu", "status", "dibatalkan", "alasan_batal"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown tindak_lanjut fields: {sorted(unknown)}")
        if not fields:
            return
        self._wrote()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.con.execute(
            f"UPDATE tindak_lanjut SET {assignments}, updated_by = ?, updated_at = current_timestamp WHERE id = ?",
            [*fields.values(), actor, tl_id],
        )

    @connected
    def delete_tindak_lanjut(self, tl_id: int) -> None:
        """Remove a decision and its notes (only while its meeting is being recorded)."""
        self._wrote()
        self.con.execute("DELETE FROM tindak_lanjut_note WHERE tindak_lanjut_id = ?", [tl_id])
        self.con.execute("DELETE FROM tindak_lanjut WHERE id = ?", [tl_id])

    @connected
    def insert_tindak_lanjut_note(self, tl_id: int, tanggal: dt.date, status: str, note: str | None, actor: str) -> int:
        """A dated entry in the history of a decision; returns its id."""
        self._wrote()
        return self._value(
            "INSERT INTO tindak_lanjut_note (id, tindak_lanjut_id, tanggal, status, note, actor) "
            "VALUES (nextval('seq_tindak_lanjut_note'), ?, ?, ?, ?, ?) RETURNING id",
            [tl_id, tanggal, status, note, actor],
        )

    @reading
    def tindak_lanjut_notes(self, tl_id: int) -> pd.DataFrame:
        """The history of a decision, oldest first: date, status, note, who, when recorded."""
        return self._df(
            "SELECT id, tanggal, status, note, actor, created_at FROM tindak_lanjut_note "
            "WHERE tindak_lanjut_id = ? ORDER BY id",
            [tl_id],
        )
