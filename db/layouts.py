"""Queries of remembered column layouts (issue 16): a mixin of :class:`db.store.Store`."""

from __future__ import annotations

import json

from db.connected import QueryMixin
from db.connected import connected as _connected
from db.connected import reading as _reading


class LayoutQueries(QueryMixin):
    """Save, list, rename and delete the layouts people confirmed."""

    @_connected
    def save_layout(
        self, name: str, signature: str, height: int, paths: dict[str, str], opd_kode: str | None, user: str
    ) -> None:
        """Keep a layout under ``name`` (a layout of that name is replaced)."""
        self._wrote()
        self.con.execute("DELETE FROM layout WHERE name = ?", [name])
        self.con.execute(
            "INSERT INTO layout (id, name, opd_kode, signature, height, paths_json, created_by) "
            "VALUES (nextval('seq_layout'), ?, ?, ?, ?, ?, ?)",
            [name, opd_kode, signature, height, json.dumps(paths, ensure_ascii=False), user],
        )

    @_reading
    def layouts(self, opd_kode: str | None = None) -> list[dict]:
        """Every layout (or those usable for ``opd_kode``: its own and the shared ones), newest first:
        id, name, opd_kode, signature, height, paths, created_by, created_at."""
        sql = "SELECT id, name, opd_kode, signature, height, paths_json, created_by, created_at FROM layout"
        params: list = []
        if opd_kode is not None:
            sql += " WHERE opd_kode IS NULL OR opd_kode = ?"
            params.append(opd_kode)
        rows = self.con.execute(sql + " ORDER BY id DESC", params).fetchall()
        keys = ["id", "name", "opd_kode", "signature", "height", "paths", "created_by", "created_at"]
        return [dict(zip(keys, r[:5] + (json.loads(r[5]),) + r[6:])) for r in rows]

    @_connected
    def rename_layout(self, layout_id: int, name: str) -> None:
        """Give a layout another name."""
        self._wrote()
        self.con.execute("UPDATE layout SET name = ? WHERE id = ?", [name, layout_id])

    @_connected
    def delete_layout(self, layout_id: int) -> None:
        """Forget a layout (files already loaded keep their figures)."""
        self._wrote()
        self.con.execute("DELETE FROM layout WHERE id = ?", [layout_id])
