"""Queries of the data kinerja cycle (issue 6): indicators and their targets (Perjanjian
Kinerja), monthly values with history, rows held for a confirmed indicator match, the review
state of each unit and month with its event history, and the analysis notes.

A mixin of :class:`db.store.Store` (see ``db/connected.py``). Rules live in ``core/kinerja.py``,
``core/review.py`` and ``core/kinerja_input.py``; the methods here only read and write.
Writers that belong together are called inside the caller's ``store.transaction()``.
"""

from __future__ import annotations

import pandas as pd

from db.connected import QueryMixin, connected, reading

_IND_COLS = (
    "unit_id",
    "tahun",
    "no",
    "nama",
    "satuan",
    "arah",
    "agregasi",
    "agregasi_source",
    "agregasi_rule",
    "target_tahunan",
    "target_tw1",
    "target_tw2",
    "target_tw3",
    "target_tw4",
    "source",
    "import_id",
    "source_row",
    "active",
)
_IND_EDITABLE = (
    "no",
    "nama",
    "satuan",
    "arah",
    "agregasi",
    "agregasi_source",
    "agregasi_rule",
    "target_tahunan",
    "target_tw1",
    "target_tw2",
    "target_tw3",
    "target_tw4",
    "import_id",
    "source_row",
    "active",
)
_KINERJA_COLS = (
    "indikator_id",
    "unit_id",
    "tahun",
    "bulan",
    "realisasi",
    "keterangan",
    "source",
    "import_id",
    "sheet",
    "source_row",
    "nama_file",
    "target_file",
    "match_how",
    "match_score",
    "flagged",
)
_PENDING_COLS = (
    "import_id",
    "sheet",
    "row",
    "unit_id",
    "tahun",
    "bulan",
    "nama_file",
    "satuan_file",
    "target_file",
    "realisasi",
    "keterangan",
    "how",
    "candidates_json",
)


class KinerjaQueries(QueryMixin):
    """Store methods of the kinerja cycle."""

    # ------------------------------------------------------------------ units and indicators
    @reading
    def kinerja_units(self, tahun: int | None = None) -> pd.DataFrame:
        """Units (id, nama, indikator = active indicators of ``tahun``), in the order of the
        Perjanjian Kinerja (first indicator loaded), units without indicators last by name."""
        return self._df(
            "SELECT u.id, u.nama, count(i.id) AS indikator, min(i.id) AS first_ind FROM unit_kerja u "
            "LEFT JOIN indikator i ON i.unit_id = u.id AND i.active AND (?::INTEGER IS NULL OR i.tahun = ?) "
            "GROUP BY u.id, u.nama ORDER BY first_ind NULLS LAST, u.nama",
            [tahun, tahun],
        ).drop(columns="first_ind")

    @reading
    def indikator_years(self) -> list[int]:
        """Years that have indicators."""
        return [r[0] for r in self.con.execute("SELECT DISTINCT tahun FROM indikator ORDER BY 1").fetchall()]

    @reading
    def indikator_frame(self, tahun: int, unit_id: int | None = None, include_inactive: bool = False) -> pd.DataFrame:
        """Indicators of a year with their unit's name, in PK order (unit, then number)."""
        return self._df(
            "WITH firsts AS (SELECT unit_id, min(id) AS first_ind FROM indikator WHERE tahun = ? GROUP BY unit_id) "
            "SELECT i.*, u.nama AS unit FROM indikator i JOIN unit_kerja u ON u.id = i.unit_id "
            "JOIN firsts f ON f.unit_id = i.unit_id "
            "WHERE i.tahun = ? AND (?::INTEGER IS NULL OR i.unit_id = ?) AND (i.active OR ?) "
            "ORDER BY f.first_ind, i.no NULLS LAST, i.id",
            [tahun, tahun, unit_id, unit_id, include_inactive],
        )

    @reading
    def indikator_get(self, indikator_id: int) -> dict | None:
        """One indicator (every column plus ``unit``), or ``None``."""
        return self._dict(
            "SELECT i.*, u.nama AS unit FROM indikator i JOIN unit_kerja u ON u.id = i.unit_id WHERE i.id = ?",
            [indikator_id],
        )

    @connected
    def insert_indikator(self, rows: list[dict], actor: str) -> list[int]:
        """Insert indicators (keys of the ``indikator`` columns); returns their new ids."""
        self._wrote()
        ids = []
        for r in rows:
            values = [r.get(c) for c in _IND_COLS]
            values[_IND_COLS.index("active")] = r.get("active", True)
            new_id = self._value(
                f"INSERT INTO indikator (id, {', '.join(_IND_COLS)}, created_by) VALUES "
                f"(nextval('seq_indikator'), {', '.join('?' for _ in _IND_COLS)}, ?) RETURNING id",
                values + [actor],
            )
            ids.append(new_id)
        return ids

    @connected
    def update_indikator(self, indikator_id: int, fields: dict, actor: str, reason: str | None = None) -> None:
        """Change columns of an indicator (names of ``_IND_EDITABLE``), keeping its previous
        state in ``indikator_history``."""
        unknown = set(fields) - set(_IND_EDITABLE)
        if unknown:
            raise ValueError(f"unknown indikator fields: {sorted(unknown)}")
        if not fields:
            return
        self._wrote()
        self.con.execute(
            "INSERT INTO indikator_history (indikator_id, unit_id, tahun, no, nama, satuan, arah, agregasi, "
            "target_tahunan, target_tw1, target_tw2, target_tw3, target_tw4, active, import_id, changed_by, reason) "
            "SELECT id, unit_id, tahun, no, nama, satuan, arah, agregasi, target_tahunan, target_tw1, target_tw2, "
            "target_tw3, target_tw4, active, import_id, ?, ? FROM indikator WHERE id = ?",
            [actor, reason, indikator_id],
        )
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.con.execute(
            f"UPDATE indikator SET {assignments}, updated_by = ?, updated_at = current_timestamp WHERE id = ?",
            [*fields.values(), actor, indikator_id],
        )

    @reading
    def indikator_history(self, indikator_id: int) -> pd.DataFrame:
        """Earlier states of an indicator, newest first."""
        return self._df(
            "SELECT * FROM indikator_history WHERE indikator_id = ? ORDER BY changed_at DESC", [indikator_id]
        )

    @connected
    def supersede_targets(self, import_id: int, tahun: int) -> list[int]:
        """Mark earlier targets imports of ``tahun`` that no longer set any active indicator as
        superseded by ``import_id``; returns their ids."""
        self._wrote()
        old = [
            r[0]
            for r in self.con.execute(
                "SELECT i.id FROM import i WHERE i.kind = 'targets' AND i.tahun = ? AND i.id <> ? "
                "AND i.superseded_by IS NULL AND NOT EXISTS (SELECT 1 FROM indikator x WHERE x.import_id = i.id "
                "AND x.active)",
                [tahun, import_id],
            ).fetchall()
        ]
        if old:
            self.con.execute("UPDATE import SET superseded_by = ? WHERE list_contains(?, id)", [import_id, old])
        return old

    @reading
    def kinerja_master_rows(self) -> tuple[list[tuple], list[dict], list[tuple]]:
        """What the ingest needs: units (id, nama); active indicators of every year (dicts);
        approved (locked) unit-months (unit_id, tahun, bulan, approved_by, approved_at)."""
        units = [tuple(r) for r in self.con.execute("SELECT id, nama FROM unit_kerja ORDER BY id").fetchall()]
        inds = self._dicts(
            "SELECT id, unit_id, tahun, no, nama, satuan, arah, agregasi, target_tahunan, target_tw1, target_tw2, "
            "target_tw3, target_tw4 FROM indikator WHERE active ORDER BY id"
        )
        locked = [
            tuple(r)
            for r in self.con.execute(
                "SELECT unit_id, tahun, bulan, approved_by, approved_at FROM review WHERE status = 'approved'"
            ).fetchall()
        ]
        return units, inds, locked

    # ------------------------------------------------------------------ values
    @reading
    def kinerja_values(self, tahun: int, unit_id: int | None = None) -> pd.DataFrame:
        """Values in force of a year: indikator_id, unit_id, bulan, realisasi, keterangan, source,
        import_id, created_by, created_at, flagged, and ``teks``: for a value without a number, what
        its file wrote in the realisasi cell (the ``realisasi_bukan_angka`` issue of that row)."""
        return self._df(
            "SELECT k.id, k.indikator_id, k.unit_id, k.bulan, k.realisasi, k.keterangan, k.source, k.import_id, "
            "k.match_how, k.created_by, k.created_at, k.flagged, CASE WHEN k.realisasi IS NULL THEN "
            "(SELECT min(ii.raw_value) FROM import_issue ii WHERE ii.import_id = k.import_id "
            'AND ii.sheet IS NOT DISTINCT FROM k.sheet AND ii."row" = k.source_row '
            "AND ii.code = 'realisasi_bukan_angka') END AS teks "
            "FROM kinerja k WHERE k.active AND k.tahun = ? "
            "AND (?::INTEGER IS NULL OR k.unit_id = ?) ORDER BY k.indikator_id, k.bulan",
            [tahun, unit_id, unit_id],
        )

    @reading
    def kinerja_value_history(
        self, tahun: int, bulan: int | None = None, unit_id: int | None = None, indikator_id: int | None = None
    ) -> pd.DataFrame:
        """Every version of the values (in force and superseded), newest first, with the
        indicator name and the file it came from."""
        return self._df(
            "SELECT k.*, i.nama AS indikator, u.nama AS unit, im.file_name FROM kinerja k "
            "JOIN indikator i ON i.id = k.indikator_id JOIN unit_kerja u ON u.id = k.unit_id "
            "LEFT JOIN import im ON im.id = k.import_id WHERE k.tahun = ? "
            "AND (?::INTEGER IS NULL OR k.bulan = ?) AND (?::INTEGER IS NULL OR k.unit_id = ?) "
            "AND (?::INTEGER IS NULL OR k.indikator_id = ?) ORDER BY k.id DESC",
            [tahun, bulan, bulan, unit_id, unit_id, indikator_id, indikator_id],
        )

    @connected
    def write_kinerja(self, rows: list[dict], actor: str) -> dict[int, int | None]:
        """Insert values (keys of ``kinerja`` columns); each supersedes the value in force for
        the same indicator and month, which stays as history. Returns {new id: old id or None}.
        Call inside a transaction."""
        self._wrote()
        out: dict[int, int | None] = {}
        for r in rows:
            old = self._one(
                "SELECT id FROM kinerja WHERE active AND indikator_id = ? AND tahun = ? AND bulan = ?",
                [r["indikator_id"], r["tahun"], r["bulan"]],
            )
            values = [r.get(c) for c in _KINERJA_COLS]
            values[_KINERJA_COLS.index("flagged")] = bool(r.get("flagged", False))
            new_id = self._value(
                f"INSERT INTO kinerja (id, {', '.join(_KINERJA_COLS)}, created_by) VALUES "
                f"(nextval('seq_kinerja'), {', '.join('?' for _ in _KINERJA_COLS)}, ?) RETURNING id",
                values + [actor],
            )
            if old:
                self.con.execute("UPDATE kinerja SET active = false, superseded_by = ? WHERE id = ?", [new_id, old[0]])
            out[new_id] = old[0] if old else None
        return out

    @reading
    def active_value(self, indikator_id: int, tahun: int, bulan: int) -> dict | None:
        """The value in force of an indicator for a month (every column), or ``None``."""
        return self._dict(
            "SELECT * FROM kinerja WHERE active AND indikator_id = ? AND tahun = ? AND bulan = ?",
            [indikator_id, tahun, bulan],
        )

    @connected
    def supersede_kinerja_imports(self, unit_id: int, tahun: int, bulan: int, new_import_id: int | None) -> list[int]:
        """After a new submission of a unit-month: earlier kinerja imports of it that no longer
        hold any value in force are marked superseded (by ``new_import_id``; a form submission
        has none: then by 0), and their rows still held for a match become ``superseded``.
        Returns the superseded import ids."""
        self._wrote()
        cond = (
            "kind = 'kinerja' AND unit_id = ? AND tahun = ? AND bulan = ? AND superseded_by IS NULL "
            "AND (?::BIGINT IS NULL OR id <> ?)"
        )
        params = [unit_id, tahun, bulan, new_import_id, new_import_id]
        self.con.execute(
            "UPDATE kinerja_pending SET status = 'superseded', resolved_at = current_timestamp, "
            "note = 'digantikan kiriman yang lebih baru' WHERE status = 'pending' AND import_id IN "
            f"(SELECT id FROM import WHERE {cond})",
            params,
        )
        old = [
            r[0]
            for r in self.con.execute(
                f"SELECT id FROM import WHERE {cond} AND NOT EXISTS (SELECT 1 FROM kinerja k WHERE k.import_id = "
                "import.id AND k.active)",
                params,
            ).fetchall()
        ]
        if old:
            self.con.execute(
                "UPDATE import SET superseded_by = ? WHERE list_contains(?, id)",
                [new_import_id if new_import_id is not None else 0, old],
            )
        return old

    # ------------------------------------------------------------------ rows held for a match
    @connected
    def insert_pending(self, rows: list[dict]) -> list[int]:
        """Hold rows whose indicator is unsure (keys of ``kinerja_pending`` columns)."""
        if not rows:
            return []
        self._wrote()
        cols = ", ".join(f'"{c}"' if c == "row" else c for c in _PENDING_COLS)
        return [
            self._value(
                f"INSERT INTO kinerja_pending (id, {cols}) VALUES (nextval('seq_pending'), "
                f"{', '.join('?' for _ in _PENDING_COLS)}) RETURNING id",
                [r.get(c) for c in _PENDING_COLS],
            )
            for r in rows
        ]

    @reading
    def pending_matches(
        self,
        status: str | None = "pending",
        import_id: int | None = None,
        unit_id: int | None = None,
        tahun: int | None = None,
        bulan: int | None = None,
    ) -> pd.DataFrame:
        """Rows held for a match (``status`` None: every status), with unit and file name."""
        return self._df(
            "SELECT p.*, u.nama AS unit, im.file_name FROM kinerja_pending p JOIN unit_kerja u ON u.id = p.unit_id "
            "LEFT JOIN import im ON im.id = p.import_id "
            "WHERE (?::VARCHAR IS NULL OR p.status = ?) AND (?::BIGINT IS NULL OR p.import_id = ?) "
            "AND (?::INTEGER IS NULL OR p.unit_id = ?) AND (?::INTEGER IS NULL OR p.tahun = ?) "
            'AND (?::INTEGER IS NULL OR p.bulan = ?) ORDER BY p.import_id, p."row"',
            [status, status, import_id, import_id, unit_id, unit_id, tahun, tahun, bulan, bulan],
        )

    @reading
    def pending_get(self, import_id: int, row: int) -> dict | None:
        """The held row of an import at a sheet row (with the import's created_at), or ``None``."""
        return self._dict(
            "SELECT p.*, im.created_at AS import_at, im.superseded_by AS import_superseded_by, im.file_name "
            'FROM kinerja_pending p JOIN import im ON im.id = p.import_id WHERE p.import_id = ? AND p."row" = ? '
            "ORDER BY p.id DESC",
            [import_id, row],
        )

    @connected
    def resolve_pending(
        self,
        pending_id: int,
        status: str,
        actor: str,
        indikator_id: int | None = None,
        kinerja_id: int | None = None,
        note: str | None = None,
    ) -> None:
        """Close a held row: ``confirmed`` (with the indicator and the value created) or ``dismissed``."""
        self._wrote()
        self.con.execute(
            "UPDATE kinerja_pending SET status = ?, indikator_id = ?, kinerja_id = ?, resolved_by = ?, "
            "resolved_at = current_timestamp, note = ? WHERE id = ?",
            [status, indikator_id, kinerja_id, actor, note, pending_id],
        )

    @connected
    def refresh_import_status(self, import_id: int) -> None:
        """An import is ``flagged`` while it has warnings or held rows, else ``accepted``."""
        self._wrote()
        self.con.execute(
            "UPDATE import SET status = CASE WHEN EXISTS (SELECT 1 FROM import_issue WHERE import_id = ? AND "
            "severity = 'warning' AND code <> 'indikator_ragu') OR EXISTS (SELECT 1 FROM kinerja_pending "
            "WHERE import_id = ? AND status = 'pending') THEN 'flagged' ELSE 'accepted' END WHERE id = ?",
            [import_id, import_id, import_id],
        )

    @reading
    def kinerja_imports(
        self, tahun: int | None = None, unit_id: int | None = None, bulan: int | None = None, limit: int = 500
    ) -> pd.DataFrame:
        """Targets and kinerja imports, newest first, with the unit name and held rows."""
        return self._df(
            "SELECT i.id, i.created_at, i.created_by, i.file_name, i.kind, i.sheet, i.tahun, i.bulan, i.unit_id, "
            "u.nama AS unit, i.rows_accepted, i.rows_flagged, i.status, i.superseded_by, i.sha256, "
            "(SELECT count(*) FROM kinerja_pending p WHERE p.import_id = i.id AND p.status = 'pending') AS held "
            "FROM import i LEFT JOIN unit_kerja u ON u.id = i.unit_id WHERE i.kind IN ('targets', 'kinerja') "
            "AND (?::INTEGER IS NULL OR i.tahun = ?) AND (?::INTEGER IS NULL OR i.unit_id = ?) "
            "AND (?::INTEGER IS NULL OR i.bulan = ?) ORDER BY i.id DESC LIMIT ?",
            [tahun, tahun, unit_id, unit_id, bulan, bulan, limit],
        )

    # ------------------------------------------------------------------ review
    @reading
    def review_get(self, unit_id: int, tahun: int, bulan: int) -> dict | None:
        """The review row of a unit-month, or ``None`` (no step yet)."""
        return self._dict("SELECT * FROM review WHERE unit_id = ? AND tahun = ? AND bulan = ?", [unit_id, tahun, bulan])

    @reading
    def review_rows(self, tahun: int, bulan: int | None = None, unit_id: int | None = None) -> pd.DataFrame:
        """Review rows of a year (or month), with the unit name."""
        return self._df(
            "SELECT r.*, u.nama AS unit FROM review r JOIN unit_kerja u ON u.id = r.unit_id WHERE r.tahun = ? "
            "AND (?::INTEGER IS NULL OR r.bulan = ?) AND (?::INTEGER IS NULL OR r.unit_id = ?) "
            "ORDER BY r.bulan, u.nama",
            [tahun, bulan, bulan, unit_id, unit_id],
        )

    @connected
    def review_put(
        self, unit_id: int, tahun: int, bulan: int, status: str, actor: str, note: str | None, stamp: str | None = None
    ) -> None:
        """Set the status of a unit-month (insert or update); ``stamp`` (``submitted`` |
        ``verified`` | ``approved``) also records who and when for that step."""
        if stamp not in (None, "submitted", "verified", "approved"):
            raise ValueError(stamp)
        self._wrote()
        self.con.execute(
            "INSERT INTO review (unit_id, tahun, bulan, status, note, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, current_timestamp) ON CONFLICT (unit_id, tahun, bulan) DO UPDATE SET "
            "status = excluded.status, note = excluded.note, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            [unit_id, tahun, bulan, status, note, actor],
        )
        if stamp:
            self.con.execute(
                f"UPDATE review SET {stamp}_by = ?, {stamp}_at = current_timestamp "
                "WHERE unit_id = ? AND tahun = ? AND bulan = ?",
                [actor, unit_id, tahun, bulan],
            )

    @connected
    def add_review_events(self, events: list[dict]) -> None:
        """Append review events (unit_id, tahun, bulan, step, status_before, status_after, actor, note)."""
        if not events:
            return
        self._wrote()
        for e in events:
            self.con.execute(
                "INSERT INTO review_event (id, unit_id, tahun, bulan, step, status_before, status_after, actor, note) "
                "VALUES (nextval('seq_review_event'), ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    e["unit_id"],
                    e["tahun"],
                    e["bulan"],
                    e["step"],
                    e.get("status_before"),
                    e.get("status_after"),
                    e["actor"],
                    e.get("note"),
                ],
            )

    @reading
    def review_events(self, tahun: int, bulan: int | None = None, unit_id: int | None = None) -> pd.DataFrame:
        """Review events in order (oldest first), with the unit name."""
        return self._df(
            "SELECT e.*, u.nama AS unit FROM review_event e JOIN unit_kerja u ON u.id = e.unit_id "
            "WHERE e.tahun = ? AND (?::INTEGER IS NULL OR e.bulan = ?) AND (?::INTEGER IS NULL OR e.unit_id = ?) "
            "ORDER BY e.created_at, e.id",
            [tahun, bulan, bulan, unit_id, unit_id],
        )

    @connected
    def purge_units_without_indicators(self) -> list[str]:
        """After the sample data's imports are removed: units left without any indicator (of any
        year) lose what hangs on them outside the imports - review states and events, analysis
        notes, values entered by form, held rows - and go themselves unless an account is scoped
        to them. Indicators are never deleted otherwise, so only the sample data's units qualify.
        Returns the names of the units purged."""
        self._wrote()
        orphan = "SELECT id FROM unit_kerja u WHERE NOT EXISTS (SELECT 1 FROM indikator i WHERE i.unit_id = u.id)"
        names = [r[0] for r in self.con.execute(f"SELECT nama FROM unit_kerja WHERE id IN ({orphan})").fetchall()]
        if not names:
            return []
        for table in ("review", "review_event", "kinerja_analisis", "kinerja", "kinerja_pending"):
            self.con.execute(f"DELETE FROM {table} WHERE unit_id IN ({orphan})")
        self.con.execute(
            f"DELETE FROM unit_kerja WHERE id IN ({orphan}) AND id NOT IN "
            "(SELECT unit_id FROM app_user WHERE unit_id IS NOT NULL)"
        )
        return names

    # ------------------------------------------------------------------ analysis notes
    @connected
    def add_analisis(self, unit_id: int, tahun: int, periode: str, note: str, actor: str) -> int:
        """Store an analysis note (the newest of a unit and period is in force)."""
        self._wrote()
        return self._value(
            "INSERT INTO kinerja_analisis (id, unit_id, tahun, periode, note, created_by) VALUES "
            "(nextval('seq_analisis'), ?, ?, ?, ?, ?) RETURNING id",
            [unit_id, tahun, periode, note, actor],
        )

    @reading
    def analisis(self, tahun: int, periode: str, unit_id: int | None = None) -> pd.DataFrame:
        """The analysis note in force per unit for a period (unit_id, unit, note, created_by, created_at)."""
        return self._df(
            "SELECT a.unit_id, u.nama AS unit, (array_agg(a.note ORDER BY a.id DESC))[1] AS note, "
            "(array_agg(a.created_by ORDER BY a.id DESC))[1] AS created_by, max(a.created_at) AS created_at, "
            "count(*) AS versi FROM kinerja_analisis a "
            "JOIN unit_kerja u ON u.id = a.unit_id WHERE a.tahun = ? AND a.periode = ? "
            "AND (?::INTEGER IS NULL OR a.unit_id = ?) GROUP BY a.unit_id, u.nama ORDER BY u.nama",
            [tahun, periode, unit_id, unit_id],
        )

    @reading
    def analisis_history(self, unit_id: int, tahun: int, periode: str) -> pd.DataFrame:
        """Every analysis note of a unit and period, newest first."""
        return self._df(
            "SELECT * FROM kinerja_analisis WHERE unit_id = ? AND tahun = ? AND periode = ? ORDER BY id DESC",
            [unit_id, tahun, periode],
        )
