-- PostgreSQL twin of db/migrations/005_real_sources.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 5: real pemda sources (issue 14; DESIGN.md section 4a).
-- A report loaded before the DPA of its year makes a provisional activity list for its OPD
-- (flagged, reconciled when the DPA arrives); realisation reports may carry the keuangan target
-- of the month (SIPD anggaran kas to date, Form-RFK KEUANGAN > RENCANA); the source family and the
-- header path of every field used are kept per import.
ALTER TABLE sub_kegiatan ADD COLUMN provisional BOOLEAN DEFAULT false;
ALTER TABLE realisasi ADD COLUMN target_keuangan DOUBLE PRECISION;
ALTER TABLE import ADD COLUMN source VARCHAR;
-- A later DPA of the same year is a revision (pergeseran / perubahan): pagu murni (the first DPA)
-- is kept beside the pagu in force, and every added, removed or re-budgeted sub kegiatan is recorded.
ALTER TABLE sub_kegiatan ADD COLUMN pagu_murni DOUBLE PRECISION;
UPDATE sub_kegiatan SET pagu_murni = pagu;
CREATE TABLE dpa_change (
    import_id     BIGINT NOT NULL,
    tahun         INTEGER NOT NULL,
    opd_kode      VARCHAR NOT NULL,
    kode          VARCHAR NOT NULL,
    nama          VARCHAR,
    change        VARCHAR NOT NULL,          -- added | removed | changed
    pagu_before   DOUBLE PRECISION,
    pagu_after    DOUBLE PRECISION
);
-- SIPD anggaran kas (RAK): the cash planned per sub kegiatan and month; the latest RAK of an OPD
-- and year replaces the earlier one (its import stays in the history).
CREATE TABLE anggaran_kas (
    import_id          BIGINT NOT NULL,
    tahun              INTEGER NOT NULL,
    opd_kode           VARCHAR NOT NULL,
    sub_kegiatan_kode  VARCHAR NOT NULL,
    bulan              INTEGER NOT NULL,
    nilai              DOUBLE PRECISION NOT NULL
);
