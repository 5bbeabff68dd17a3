-- PostgreSQL twin of db/migrations/011_held_rows.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 11: rows of a report named without a code whose name is only close to
-- a DPA sub kegiatan (issue 14): held, not loaded, until a person confirms the sub kegiatan (or
-- dismisses the row); a confirmed name is remembered for that OPD and year.
CREATE SEQUENCE IF NOT EXISTS seq_held START 1;
CREATE TABLE realisasi_held (
    id                  BIGINT PRIMARY KEY,       -- nextval('seq_held') on insert
    import_id           BIGINT NOT NULL,
    tahun               INTEGER NOT NULL,
    bulan               INTEGER NOT NULL,
    opd_kode            VARCHAR NOT NULL,
    source_row          INTEGER,
    nama                VARCHAR,
    pagu                DOUBLE PRECISION,
    target_fisik        DOUBLE PRECISION,
    realisasi_fisik     DOUBLE PRECISION,
    realisasi_keuangan  DOUBLE PRECISION,
    target_keuangan     DOUBLE PRECISION,
    permasalahan        VARCHAR,
    solusi              VARCHAR,
    candidates_json     VARCHAR NOT NULL,         -- [[kode, nama], ...] from the DPA
    status              VARCHAR NOT NULL DEFAULT 'menunggu',   -- menunggu | dikonfirmasi | diabaikan
    kode                VARCHAR,                  -- the sub kegiatan a person confirmed
    decided_by          VARCHAR,
    decided_at          TIMESTAMP,
    reason              VARCHAR
);
CREATE TABLE name_match (
    tahun       INTEGER NOT NULL,
    opd_kode    VARCHAR NOT NULL,
    nama_norm   VARCHAR NOT NULL,
    kode        VARCHAR NOT NULL,
    created_by  VARCHAR,
    created_at  TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (tahun, opd_kode, nama_norm)
);
