-- Pantau schema, version 12: pre-aggregated facts (issue 18). The sums of the leaf recap
-- (db/store.py _RECAP_SUMS over _LEAF_CTE: the reports in force joined with the DPA and the
-- anggaran kas) per year, month, OPD, jenis ('fisik' / 'non_fisik': anything not fisik) and
-- sumber dana text, kept by the Store in the same transaction as every write that changes
-- them (db/summary.py). The OPD, kabupaten and province recaps, the kurva S and the rankings add
-- these rows up instead of scanning every report row; drill-down and filtered views read the
-- leaf rows. The Store fills the table for the data already there when this migration runs;
-- `python -m etl rebuild-summary` rebuilds it from the leaf rows.
CREATE TABLE recap_summary (
    tahun               INTEGER NOT NULL,
    bulan               INTEGER NOT NULL,
    opd_kode            VARCHAR NOT NULL,
    jenis               VARCHAR NOT NULL,     -- fisik | non_fisik
    sumber_dana         VARCHAR,              -- as the leaf rows write it (NULL: none)
    sub_kegiatan        BIGINT NOT NULL,
    pagu                DOUBLE NOT NULL,
    pagu_murni          DOUBLE,
    realisasi_keuangan  DOUBLE,
    pagu_x_fisik        DOUBLE NOT NULL,
    pagu_x_target       DOUBLE NOT NULL,
    n_target            BIGINT NOT NULL,
    n_fisik             BIGINT NOT NULL,
    plan_keu            DOUBLE,
    plan_pagu           DOUBLE NOT NULL,
    fisik_pagu          DOUBLE NOT NULL,
    non_fisik_pagu      DOUBLE NOT NULL,
    reported            BOOLEAN NOT NULL,
    reported_at         TIMESTAMP             -- the latest report in force of the OPD and month
);
