"""The pre-aggregated facts of the recaps (issue 18, schema ``012_summary.sql``): a mixin of
:class:`db.store.Store`.

``recap_summary`` holds the sums of the leaf recap (``_RECAP_SUMS`` over ``_LEAF_CTE`` in
:mod:`db.store`) per year, month, OPD, jenis (``fisik`` / ``non_fisik``) and sumber dana text.
It is derived data: every Store method that writes what the leaf rows are made of (an import and
its report rows, a supersede, a DPA or its revision, a provisional list and its reconciliation,
anggaran kas, a manual jenis, a confirmed held row, the removal of imports, a restore) names
the (year, OPD) pairs it touched with :meth:`SummaryQueries._touch`; the open transaction
(:meth:`db.store.Store.transaction`) recomputes those OPDs' rows from the leaf rows just before it
commits, so the summary and the data change together or not at all. Such a method run outside a
transaction opens one of its own (:func:`atomic`).

The unfiltered recaps (OPD, kabupaten, province, kurva S, jenis and sumber dana splits, rankings)
add these rows up; a recap filtered by sumber dana, jenis or one sub kegiatan, and the drill-down,
read the leaf rows. Both sides use the same sums, so core.recap turns either into the same
percentages. ``python -m etl rebuild-summary`` (:meth:`SummaryQueries.rebuild_summary`) rebuilds
the table and says what differed.

The SQL written here keeps to what DuckDB and PostgreSQL share (INSERT ... SELECT, GROUP BY,
CASE, coalesce, CAST); the leaf CTE it wraps is the Store's.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import pandas as pd

from db.connected import QueryMixin, reading

# The key of a summary row; the sums follow in the order of ``_RECAP_SUMS`` (``Store._SUM_NAMES``).
KEYS = ("tahun", "bulan", "opd_kode", "jenis", "sumber_dana")
_COUNTS = ("sub_kegiatan", "n_target", "n_fisik")
# One OPD's refresh reads that OPD's rows only, but each pass has a fixed cost (measured: a pass
# over the whole year costs about 9 single-OPD passes for a kabupaten of 40 OPDs, about 110 for a
# province of 1,400): more OPDs than this (at least) or this share of the year's OPDs are
# refreshed in one pass over the year.
PER_OPD_MIN, PER_OPD_SHARE = 8, 12


def _sum_of(name: str) -> str:
    """How the summary rows of a group add up to the leaf sum ``name`` of that group."""
    if name == "reported":
        return "bool_or(s.reported) AS reported"
    if name in _COUNTS:
        return f"CAST(sum(s.{name}) AS BIGINT) AS {name}"
    return f"sum(s.{name}) AS {name}"


def atomic(method):
    """Run a Store method that writes leaf data inside the caller's transaction, or in one of its
    own when there is none (so the summary refresh at commit is part of the same transaction)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.session(write=True):
            if self._in_transaction():
                return method(self, *args, **kwargs)
            with self.transaction():
                return method(self, *args, **kwargs)

    return wrapper


class SummaryQueries(QueryMixin):
    """The ``recap_summary`` table: upkeep, rebuild and the sums read from it."""

    per_opd_min = PER_OPD_MIN  # (a test sets 0 on a Store to take the one-pass path)

    if TYPE_CHECKING:
        _LEAF_SQL: str
        _SUMS_SQL: str
        _SUM_NAMES: tuple[str, ...]
        _local: Any

        def _leaf_params(
            self, tahun: int, dari: int, sampai: int, opd: str | None, wilayah: str | None = None
        ) -> dict: ...

        def transaction(self) -> AbstractContextManager[Any]: ...

        def session(self) -> AbstractContextManager[Any]: ...

        def audit_many(self, entries: list[tuple[str, str, str | None, str | None]]) -> None: ...

    # ------------------------------------------------------------------ upkeep
    def _in_transaction(self) -> bool:
        return getattr(self._local, "dirty", None) is not None

    def _touch(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        """The summary rows of these (year, OPD) pairs are to be recomputed before the open
        transaction commits (at once when no transaction is open)."""
        pairs = {(int(t), str(o)) for t, o in pairs if t is not None and o is not None}
        if not pairs:
            return
        if self._in_transaction():
            self._local.dirty |= pairs
        else:
            self._refresh_pairs(pairs)

    def _flush_summary(self) -> None:
        """Recompute the summary rows of every (year, OPD) touched in the open transaction."""
        dirty = getattr(self._local, "dirty", None)
        if dirty:
            self._local.dirty = set()
            self._refresh_pairs(dirty)

    def _refresh_pairs(self, pairs: set[tuple[int, str]]) -> None:
        by_year: dict[int, set[str]] = {}
        for tahun, opd in pairs:
            by_year.setdefault(tahun, set()).add(opd)
        for tahun, opds in sorted(by_year.items()):
            self._refresh_summary(tahun, sorted(opds))

    def _refresh_summary(self, tahun: int, opd_kodes: list[str] | None) -> None:
        """Delete and recompute the summary rows of ``opd_kodes`` (every OPD when ``None``) for
        ``tahun`` from the leaf rows (inside the caller's transaction)."""
        if opd_kodes is not None and len(opd_kodes) > self.per_opd_min:
            known = self._value("SELECT count(DISTINCT opd_kode) FROM recap_summary WHERE tahun = ?", [tahun])
            if len(opd_kodes) > known // PER_OPD_SHARE:
                opd_kodes = None
        if opd_kodes is not None:
            for opd in opd_kodes:
                self.con.execute("DELETE FROM recap_summary WHERE tahun = ? AND opd_kode = ?", [tahun, opd])
                self.con.execute(self._summary_insert("recap_summary"), self._leaf_params(tahun, 1, 12, opd))
            return
        self.con.execute("DELETE FROM recap_summary WHERE tahun = ?", [tahun])
        self.con.execute(self._summary_insert("recap_summary"), self._leaf_params(tahun, 1, 12, None))

    def _summary_insert(self, table: str) -> str:
        """INSERT INTO ``table`` the summary rows of the leaf rows of ``$tahun`` (months 1-12; only
        OPD ``$opd``'s when not NULL)."""
        jenis = "CASE WHEN l.jenis = 'fisik' THEN 'fisik' ELSE 'non_fisik' END"
        return (
            f"INSERT INTO {table} ({', '.join(KEYS + self._SUM_NAMES)}, reported_at) "
            + self._LEAF_SQL
            + f"""
            SELECT $tahun, l.bulan, l.opd_kode, {jenis}, l.sumber_dana, {self._SUMS_SQL},
                   (SELECT max(a.created_at) FROM active a WHERE a.opd_kode = l.opd_kode AND a.bulan = l.bulan)
            FROM leaf l
            WHERE $opd IS NULL OR l.opd_kode = $opd
            GROUP BY l.bulan, l.opd_kode, {jenis}, l.sumber_dana
            """
        )

    def _summary_years(self) -> list[int]:
        """Every year with leaf data or summary rows."""
        return [
            int(r[0])
            for r in self.con.execute(
                "SELECT tahun FROM sub_kegiatan UNION SELECT tahun FROM import WHERE kind = 'realisasi' "
                "AND tahun IS NOT NULL UNION SELECT tahun FROM recap_summary ORDER BY 1"
            ).fetchall()
        ]

    def _fill_summary(self) -> None:
        """Recompute the whole table (inside the caller's transaction): the migration that adds
        it, a restore."""
        self.con.execute("DELETE FROM recap_summary")
        for tahun in self._summary_years():
            self.con.execute(self._summary_insert("recap_summary"), self._leaf_params(tahun, 1, 12, None))

    def rebuild_summary(self, tahun: int | None = None, actor: str | None = None) -> list[dict]:
        """Rebuild the summary rows of ``tahun`` (every year when ``None``) from the leaf rows, all
        or nothing, and say per year what differed: rows before and after, and each OPD-month whose
        rows changed with the sums that changed (floats beyond 1e-9 relative). Audited as
        ``summary_rebuild`` when ``actor`` is given."""
        names = KEYS + self._SUM_NAMES + ("reported_at",)
        out = []
        with self.transaction():
            years = [tahun] if tahun is not None else self._summary_years()
            for year in years:
                self.con.execute("DROP TABLE IF EXISTS summary_fresh")
                self.con.execute("CREATE TEMP TABLE summary_fresh AS SELECT * FROM recap_summary WHERE 1 = 0")
                self.con.execute(self._summary_insert("summary_fresh"), self._leaf_params(year, 1, 12, None))
                changed = self._summary_differences(year)
                before = self._value("SELECT count(*) FROM recap_summary WHERE tahun = ?", [year])
                self.con.execute("DELETE FROM recap_summary WHERE tahun = ?", [year])
                self.con.execute(
                    f"INSERT INTO recap_summary ({', '.join(names)}) SELECT {', '.join(names)} FROM summary_fresh"
                )
                after = self._value("SELECT count(*) FROM summary_fresh")
                self.con.execute("DROP TABLE summary_fresh")
                out.append(
                    {"tahun": year, "rows_before": before, "rows_after": after, "opd_months_changed": len(changed)}
                    | {"changed": changed}
                )
            if actor:
                detail = [{k: v for k, v in y.items() if k != "changed"} for y in out]
                self.audit_many([(actor, "summary_rebuild", None, json.dumps(detail))])
        return out

    def _summary_differences(self, tahun: int) -> list[dict]:
        """Per OPD and month, the sums in which ``recap_summary`` and ``summary_fresh`` differ for
        ``tahun`` (both added up per OPD-month, so a regrouping alone is no difference)."""
        names = self._SUM_NAMES + ("reported_at",)
        sums = ", ".join(_sum_of(n) for n in self._SUM_NAMES) + ", max(s.reported_at) AS reported_at"
        per = f"SELECT s.bulan, s.opd_kode, {sums} FROM {{}} s WHERE s.tahun = ? GROUP BY s.bulan, s.opd_kode"
        flags = [f"CASE WHEN {_differs_sql(n)} THEN 1 ELSE 0 END AS {n}" for n in names]
        any_flag = " OR ".join(f"({_differs_sql(n)})" for n in names)
        rows = self._dicts(
            f"""
            WITH o AS ({per.format("recap_summary")}), n AS ({per.format("summary_fresh")})
            SELECT coalesce(o.opd_kode, n.opd_kode) AS opd_kode, coalesce(o.bulan, n.bulan) AS bulan,
                   CASE WHEN o.opd_kode IS NULL THEN 1 ELSE 0 END AS ditambah,
                   CASE WHEN n.opd_kode IS NULL THEN 1 ELSE 0 END AS dihapus, {", ".join(flags)}
            FROM o FULL JOIN n ON o.opd_kode = n.opd_kode AND o.bulan = n.bulan
            WHERE o.opd_kode IS NULL OR n.opd_kode IS NULL OR {any_flag}
            ORDER BY 1, 2
            """,
            [tahun, tahun],
        )
        return [
            {
                "opd_kode": r["opd_kode"],
                "bulan": int(r["bulan"]),
                "berbeda": [k for k in ("ditambah", "dihapus") if r[k]] or [n for n in names if r[n]],
            }
            for r in rows
        ]

    # ------------------------------------------------------------------ reads
    @reading
    def summary_sums_by_month(
        self, tahun: int, dari: int, sampai: int, opd: str | None = None, *, wilayah: str | None = None
    ) -> pd.DataFrame:
        """The rows of ``Store.recap_sums_by_month`` without a filter, added up from the summary."""
        sums = ", ".join(_sum_of(n) for n in self._SUM_NAMES)
        return self._df(
            f"""
            SELECT s.bulan, s.opd_kode, o.nama AS opd, o.singkatan, {sums}, max(s.reported_at) AS reported_at
            FROM recap_summary s LEFT JOIN opd o ON o.kode = s.opd_kode
            WHERE s.tahun = ? AND s.bulan BETWEEN ? AND ? AND (CAST(? AS VARCHAR) IS NULL OR s.opd_kode = ?)
              AND (CAST(? AS VARCHAR) IS NULL OR o.wilayah = ?)
            GROUP BY s.bulan, s.opd_kode, o.nama, o.singkatan
            ORDER BY s.bulan, o.nama, s.opd_kode
            """,
            [tahun, dari, sampai, opd, opd, wilayah, wilayah],
        )

    @reading
    def summary_group_sums(
        self, tahun: int, bulan: int, by: str, opd: str | None = None, *, wilayah: str | None = None
    ) -> pd.DataFrame:
        """The rows of ``Store.group_sums`` by ``jenis`` or ``sumber_dana`` without a filter, added
        up from the summary."""
        if by not in ("jenis", "sumber_dana"):
            raise ValueError(f"the summary is not kept by {by}")
        sums = ", ".join(_sum_of(n) for n in self._SUM_NAMES)
        return self._df(
            f"""
            SELECT s.{by}, {sums} FROM recap_summary s
            WHERE s.tahun = ? AND s.bulan = ? AND (CAST(? AS VARCHAR) IS NULL OR s.opd_kode = ?)
              AND (CAST(? AS VARCHAR) IS NULL OR s.opd_kode IN (SELECT kode FROM opd WHERE wilayah = ?))
            GROUP BY s.{by} ORDER BY 1
            """,
            [tahun, bulan, opd, opd, wilayah, wilayah],
        )

    @reading
    def summary_sumber_dana(
        self, tahun: int, bulan: int, opd: str | None = None, *, wilayah: str | None = None
    ) -> list[str]:
        """The distinct sumber dana texts of a period's sub kegiatan, from the summary."""
        return [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT sumber_dana FROM recap_summary WHERE tahun = ? AND bulan = ? "
                "AND (CAST(? AS VARCHAR) IS NULL OR opd_kode = ?) AND sumber_dana IS NOT NULL "
                "AND (CAST(? AS VARCHAR) IS NULL OR opd_kode IN (SELECT kode FROM opd WHERE wilayah = ?)) ORDER BY 1",
                [tahun, bulan, opd, opd, wilayah, wilayah],
            ).fetchall()
        ]


def _differs_sql(name: str) -> str:
    """Whether the sum ``name`` of the OPD-month differs between ``o`` and ``n`` (missing on one
    side only; floats beyond 1e-9 relative)."""
    if name in _COUNTS or name in ("reported", "reported_at"):
        return f"o.{name} IS DISTINCT FROM n.{name}"
    return (
        f"(o.{name} IS NULL) <> (n.{name} IS NULL) "
        f"OR abs(o.{name} - n.{name}) > 1e-9 * greatest(abs(o.{name}), abs(n.{name}), 1)"
    )
