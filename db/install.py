"""Queries of an install's own bookkeeping: the date each report was received (schema
``010_received.sql``) and the removal of the sample data (data contoh).

A mixin of :class:`db.store.Store`; the rules (who may change a date, which dates are allowed,
when the demo is in use) live in :mod:`core.received` and :mod:`core.settings`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from db.connected import QueryMixin, connected, reading


class InstallQueries(QueryMixin):
    """Received dates of reports; the import ids of the sample data and their removal."""

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[Any]: ...

        def audit_many(self, entries: list[tuple[str, str, str | None, str | None]]) -> None: ...

        def _touch(self, pairs: Iterable[tuple[Any, Any]]) -> None: ...

        def _flush_summary(self) -> None: ...

    @reading
    def import_ids(self) -> set[int]:
        """Every import id (of any kind, superseded or not)."""
        return {int(r[0]) for r in self.con.execute("SELECT id FROM import").fetchall()}

    @reading
    def import_record(self, import_id: int) -> dict | None:
        """One import's period, OPD, kind, upload time and received date (``None``: unknown id)."""
        return self._dict(
            "SELECT id, kind, tahun, bulan, opd_kode, file_name, created_at, created_by, superseded_by, "
            "coalesce(received_at, created_at) AS received_at, received_note, received_by FROM import WHERE id = ?",
            [import_id],
        )

    @connected
    def set_received(self, entries: Sequence[tuple[int, dt.datetime, str | None]], actor: str, action: str) -> None:
        """Set the received date of imports: (import id, received at, reason) each, all or nothing,
        one audit entry ``action`` per import (the old and new date and the reason)."""
        if not entries:
            return
        with self.transaction():
            audit: list[tuple[str, str, str | None, str | None]] = []
            for import_id, when, reason in entries:
                before = self._one("SELECT coalesce(received_at, created_at) FROM import WHERE id = ?", [import_id])
                if before is None:
                    raise KeyError(import_id)
                self.con.execute(
                    "UPDATE import SET received_at = ?, received_note = ?, received_by = ? WHERE id = ?",
                    [when, reason, actor, import_id],
                )
                detail = f"{before[0]:%d-%m-%Y} -> {when:%d-%m-%Y}" + (f": {reason}" if reason else "")
                audit.append((actor, action, str(import_id), detail))
            self.audit_many(audit)

    @connected
    def remove_imports(self, ids: list[int]) -> None:
        """Delete the imports ``ids`` and every row they loaded (all or nothing); OPDs no longer
        named by any row go too. For the sample data only: a real report is superseded, never deleted."""
        if not ids:
            return
        with self.transaction():
            tables = [
                r[0]
                for r in self.con.execute(
                    "SELECT DISTINCT table_name FROM information_schema.columns WHERE column_name = 'import_id' "
                    "AND table_schema = current_schema() AND table_name <> 'import' ORDER BY 1"
                ).fetchall()
            ]
            # the OPDs and years whose recap summary changes: those of the imports and of every row they loaded
            touched = " UNION ".join(
                f'SELECT tahun, opd_kode FROM "{name}" WHERE list_contains(?, import_id)'
                for name in ("realisasi", "sub_kegiatan", "anggaran_kas")
                if name in tables
            )
            self._touch(
                self.con.execute(
                    "SELECT tahun, opd_kode FROM import WHERE list_contains(?, id) "
                    + (f"UNION {touched}" if touched else ""),
                    [ids] * (1 + touched.count("?")),
                ).fetchall()
            )
            for name in tables:
                quoted = '"' + name.replace('"', '""') + '"'
                self.con.execute(f"DELETE FROM {quoted} WHERE list_contains(?, import_id)", [ids])
            self.con.execute("UPDATE import SET superseded_by = NULL WHERE list_contains(?, superseded_by)", [ids])
            self.con.execute("DELETE FROM import WHERE list_contains(?, id)", [ids])
            self._flush_summary()  # before the OPDs no row names any more go (the summary names OPDs too)
            users = [
                r[0]
                for r in self.con.execute(
                    "SELECT DISTINCT table_name FROM information_schema.columns WHERE column_name = 'opd_kode' "
                    "AND table_schema = current_schema() AND table_name <> 'opd' ORDER BY 1"
                ).fetchall()
            ]
            named = " UNION ".join(f'SELECT opd_kode FROM "{name}" WHERE opd_kode IS NOT NULL' for name in users)
            if named:
                self.con.execute(f"DELETE FROM opd WHERE kode NOT IN ({named})")
