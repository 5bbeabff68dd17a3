-- PostgreSQL twin of db/migrations/004_kinerja.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 4: data kinerja of a kecamatan (issue 6; DESIGN.md sections 3 and 5;
-- SOP "Mekanisme Pengumpulan Data Kinerja", last SOP of seeds/003).
-- unit_kerja (001) holds the Kasi/Kasubbag units; import (001) already has kind 'targets' |
-- 'kinerja' and unit_id for unit submissions.
CREATE SEQUENCE IF NOT EXISTS seq_indikator START 1;
CREATE SEQUENCE IF NOT EXISTS seq_kinerja START 1;
CREATE SEQUENCE IF NOT EXISTS seq_pending START 1;
CREATE SEQUENCE IF NOT EXISTS seq_review_event START 1;
CREATE SEQUENCE IF NOT EXISTS seq_analisis START 1;

-- One performance indicator of a unit for one year (Perjanjian Kinerja). Never deleted: an
-- indicator left out of a newer PK workbook becomes inactive (values keep pointing at it).
CREATE TABLE indikator (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL,
    tahun           INTEGER NOT NULL,
    no              INTEGER,                    -- order within the unit (the PK's "No")
    nama            VARCHAR NOT NULL,
    satuan          VARCHAR,
    arah            VARCHAR NOT NULL,           -- naik (higher is better) | turun (lower is better)
    agregasi        VARCHAR NOT NULL,           -- stok (latest value counts) | alir (values add up)
    agregasi_source VARCHAR NOT NULL,           -- file | rule | manual
    agregasi_rule   VARCHAR,                    -- why (rule text) when not from the file
    target_tahunan  DOUBLE PRECISION,
    target_tw1      DOUBLE PRECISION,
    target_tw2      DOUBLE PRECISION,
    target_tw3      DOUBLE PRECISION,
    target_tw4      DOUBLE PRECISION,
    source          VARCHAR NOT NULL,           -- import | manual
    import_id       BIGINT,                     -- the targets import that last set it
    source_row      INTEGER,
    active          BOOLEAN NOT NULL DEFAULT true,
    created_by      VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by      VARCHAR,
    updated_at      TIMESTAMP
);

-- The state of an indicator before each change (targets import or edit in the app).
CREATE TABLE indikator_history (
    indikator_id    INTEGER NOT NULL,
    unit_id         INTEGER NOT NULL,
    tahun           INTEGER NOT NULL,
    no              INTEGER,
    nama            VARCHAR NOT NULL,
    satuan          VARCHAR,
    arah            VARCHAR NOT NULL,
    agregasi        VARCHAR NOT NULL,
    target_tahunan  DOUBLE PRECISION,
    target_tw1      DOUBLE PRECISION,
    target_tw2      DOUBLE PRECISION,
    target_tw3      DOUBLE PRECISION,
    target_tw4      DOUBLE PRECISION,
    active          BOOLEAN NOT NULL,
    import_id       BIGINT,
    changed_by      VARCHAR NOT NULL,
    changed_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    reason          VARCHAR
);

-- One value of an indicator for a month. A newer value (file or form) for the same indicator
-- and month supersedes the older one, which stays here (active = false, superseded_by).
CREATE TABLE kinerja (
    id              BIGINT PRIMARY KEY,
    indikator_id    INTEGER NOT NULL,
    unit_id         INTEGER NOT NULL,
    tahun           INTEGER NOT NULL,
    bulan           INTEGER NOT NULL,
    realisasi       DOUBLE PRECISION,
    keterangan      VARCHAR,
    source          VARCHAR NOT NULL,           -- import | form
    import_id       BIGINT,                     -- the kinerja import (source = import)
    sheet           VARCHAR,
    source_row      INTEGER,
    nama_file       VARCHAR,                    -- indicator name as written in the file
    target_file     DOUBLE PRECISION,                     -- target as written in the file (cross-check only)
    match_how       VARCHAR,                    -- exact | normalised | fuzzy | confirmed | form
    match_score     DOUBLE PRECISION,
    flagged         BOOLEAN NOT NULL DEFAULT false,
    active          BOOLEAN NOT NULL DEFAULT true,
    superseded_by   BIGINT,                     -- kinerja.id of the value that replaced it
    created_by      VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- A row of a kinerja file whose indicator name could not be matched with certainty: the value
-- is held here until a user confirms the indicator (or dismisses the row); never attached silently.
CREATE TABLE kinerja_pending (
    id              BIGINT PRIMARY KEY,
    import_id       BIGINT NOT NULL,
    sheet           VARCHAR,
    "row"           INTEGER NOT NULL,
    unit_id         INTEGER NOT NULL,
    tahun           INTEGER NOT NULL,
    bulan           INTEGER NOT NULL,
    nama_file       VARCHAR NOT NULL,
    satuan_file     VARCHAR,
    target_file     DOUBLE PRECISION,
    realisasi       DOUBLE PRECISION,
    keterangan      VARCHAR,
    how             VARCHAR NOT NULL,           -- unsure | none
    candidates_json VARCHAR,                    -- [{"id", "nama", "satuan", "score"}], best first
    status          VARCHAR NOT NULL DEFAULT 'pending',   -- pending | confirmed | dismissed | superseded
    indikator_id    INTEGER,                    -- the indicator chosen (confirmed)
    kinerja_id      BIGINT,                     -- the value created on confirmation
    resolved_by     VARCHAR,
    resolved_at     TIMESTAMP,
    note            VARCHAR
);

-- The review state of one unit's recap for one month (SOP steps 3-7).
CREATE TABLE review (
    unit_id         INTEGER NOT NULL,
    tahun           INTEGER NOT NULL,
    bulan           INTEGER NOT NULL,
    status          VARCHAR NOT NULL,           -- draft | submitted | verified | returned | approved
    note            VARCHAR,                    -- note of the last step (return reason, reopen reason)
    updated_by      VARCHAR,
    updated_at      TIMESTAMP,
    submitted_by    VARCHAR,
    submitted_at    TIMESTAMP,
    verified_by     VARCHAR,
    verified_at     TIMESTAMP,
    approved_by     VARCHAR,
    approved_at     TIMESTAMP,
    PRIMARY KEY (unit_id, tahun, bulan)
);

-- Every step of the flow, in order: requested, submitted, compiled, analysed, verified,
-- returned, approved, reopened (also in audit_log).
CREATE TABLE review_event (
    id              BIGINT PRIMARY KEY,
    unit_id         INTEGER NOT NULL,
    tahun           INTEGER NOT NULL,
    bulan           INTEGER NOT NULL,
    step            VARCHAR NOT NULL,
    status_before   VARCHAR,
    status_after    VARCHAR,
    actor           VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    note            VARCHAR
);

-- The Kasubbag Program dan Keuangan's analysis note of a unit for a period (SOP step 5).
-- periode: 'B01'..'B12' (month), 'TW1'..'TW4' (triwulan), 'TAHUN'. Append-only: the newest
-- note of a unit and period is the one in force; older ones are its history.
CREATE TABLE kinerja_analisis (
    id              BIGINT PRIMARY KEY,
    unit_id         INTEGER NOT NULL,
    tahun           INTEGER NOT NULL,
    periode         VARCHAR NOT NULL,
    note            VARCHAR NOT NULL,
    created_by      VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
