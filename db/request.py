"""Queries of the report request (Rakor POK SOP steps 4-6): what goes into each OPD's template."""

from __future__ import annotations

import pandas as pd

from db.connected import QueryMixin, reading


class RequestQueries(QueryMixin):
    """Mixin of :class:`db.store.Store`: the DPA rows of a year with last month's reported values."""

    @reading
    def request_rows(self, tahun: int, bulan: int) -> pd.DataFrame:
        """Every DPA sub kegiatan of ``tahun`` (all OPDs) with its OPD, program and kegiatan, pagu,
        sumber dana and jenis, and the values of the OPD's active report for the month before
        ``bulan`` (none for January: values are cumulative within a budget year).

        DPA files carry no program and kegiatan names: those come from the latest report of the
        year that named them (``NULL`` when no report did). ``prev_import_id`` is the OPD's active
        report of the month before (``NULL`` when it has not reported).
        """
        return self._df(
            """
            WITH prev AS (
                SELECT id, opd_kode FROM import
                WHERE kind = 'realisasi' AND tahun = ? AND bulan = ? AND superseded_by IS NULL
            ),
            last AS (
                SELECT opd_kode, kode, target_fisik, realisasi_fisik, realisasi_keuangan, permasalahan, solusi
                FROM (
                    SELECT r.opd_kode, r.sub_kegiatan_kode AS kode, r.target_fisik, r.realisasi_fisik,
                           r.realisasi_keuangan, r.permasalahan, r.solusi,
                           row_number() OVER (PARTITION BY r.opd_kode, r.sub_kegiatan_kode ORDER BY r.source_row) AS n
                    FROM realisasi r JOIN prev p ON r.import_id = p.id
                ) x WHERE n = 1
            ),
            named AS (
                SELECT opd_kode, kode, (array_agg(nama ORDER BY import_id DESC))[1] AS nama FROM (
                    SELECT opd_kode, program_kode AS kode, program_nama AS nama, import_id FROM realisasi
                    WHERE tahun = ? AND program_kode IS NOT NULL AND program_nama IS NOT NULL
                    UNION ALL
                    SELECT opd_kode, kegiatan_kode, kegiatan_nama, import_id FROM realisasi
                    WHERE tahun = ? AND kegiatan_kode IS NOT NULL AND kegiatan_nama IS NOT NULL
                ) x GROUP BY opd_kode, kode
            )
            SELECT sk.opd_kode, o.nama AS opd, o.singkatan, sk.kode, sk.nama, sk.program_kode,
                   coalesce(sk.program_nama, pn.nama) AS program_nama, sk.kegiatan_kode,
                   coalesce(sk.kegiatan_nama, kn.nama) AS kegiatan_nama, sk.pagu, sk.sumber_dana, sk.jenis,
                   l.target_fisik, l.realisasi_fisik, l.realisasi_keuangan, l.permasalahan, l.solusi,
                   (SELECT max(p.id) FROM prev p WHERE p.opd_kode = sk.opd_kode) AS prev_import_id
            FROM sub_kegiatan sk
            LEFT JOIN opd o ON o.kode = sk.opd_kode
            LEFT JOIN last l ON l.opd_kode = sk.opd_kode AND l.kode = sk.kode
            LEFT JOIN named pn ON pn.opd_kode = sk.opd_kode AND pn.kode = sk.program_kode
            LEFT JOIN named kn ON kn.opd_kode = sk.opd_kode AND kn.kode = sk.kegiatan_kode
            WHERE sk.tahun = ?
            ORDER BY o.nama, sk.opd_kode, sk.kode
            """,
            [tahun, bulan - 1, tahun, tahun, tahun],
        )
