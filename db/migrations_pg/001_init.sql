-- PostgreSQL twin of db/migrations/001_init.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 1 (DESIGN.md section 3).
CREATE SEQUENCE IF NOT EXISTS seq_import START 1;
CREATE SEQUENCE IF NOT EXISTS seq_issue START 1;
CREATE SEQUENCE IF NOT EXISTS seq_audit START 1;

CREATE TABLE opd (
    kode        VARCHAR PRIMARY KEY,
    nama        VARCHAR NOT NULL,
    singkatan   VARCHAR
);

CREATE TABLE unit_kerja (
    id          INTEGER PRIMARY KEY,
    nama        VARCHAR NOT NULL UNIQUE
);

CREATE TABLE import (
    id                  BIGINT PRIMARY KEY,
    file_name           VARCHAR NOT NULL,
    sha256              VARCHAR NOT NULL,
    size_bytes          BIGINT,
    format              VARCHAR,
    kind                VARCHAR NOT NULL,       -- dpa | realisasi | targets | kinerja
    sheet               VARCHAR,
    created_by          VARCHAR NOT NULL,
    created_at          TIMESTAMP NOT NULL DEFAULT current_timestamp,
    tahun               INTEGER,
    bulan               INTEGER,
    opd_kode            VARCHAR,
    unit_id             INTEGER,
    rows_accepted       INTEGER NOT NULL DEFAULT 0,
    rows_flagged        INTEGER NOT NULL DEFAULT 0,
    rows_rejected       INTEGER NOT NULL DEFAULT 0,
    pagu                DOUBLE PRECISION,
    realisasi_keuangan  DOUBLE PRECISION,
    columns_json        VARCHAR,
    status              VARCHAR NOT NULL,       -- accepted | flagged
    superseded_by       BIGINT
);

CREATE TABLE import_issue (
    id          BIGINT PRIMARY KEY,
    import_id   BIGINT NOT NULL,
    sheet       VARCHAR,
    "row"       INTEGER,
    "column"    VARCHAR,
    severity    VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    raw_value   VARCHAR
);

CREATE TABLE sub_kegiatan (
    tahun           INTEGER NOT NULL,
    kode            VARCHAR NOT NULL,
    opd_kode        VARCHAR NOT NULL,
    nama            VARCHAR NOT NULL,
    program_kode    VARCHAR,
    program_nama    VARCHAR,
    kegiatan_kode   VARCHAR,
    kegiatan_nama   VARCHAR,
    pagu            DOUBLE PRECISION NOT NULL,
    sumber_dana     VARCHAR,
    lokasi          VARCHAR,
    jenis           VARCHAR NOT NULL,           -- fisik | non_fisik
    jenis_source    VARCHAR NOT NULL,           -- rule | manual | file
    jenis_rule      VARCHAR,
    import_id       BIGINT,
    PRIMARY KEY (tahun, opd_kode, kode)   -- kecamatan share sub kegiatan codes (7.01...)
);

CREATE TABLE belanja (
    tahun               INTEGER NOT NULL,
    opd_kode            VARCHAR NOT NULL,
    sub_kegiatan_kode   VARCHAR NOT NULL,
    kode_rekening       VARCHAR,
    uraian              VARCHAR,
    pagu                DOUBLE PRECISION NOT NULL,
    sumber_dana         VARCHAR,
    source_row          INTEGER,
    import_id           BIGINT NOT NULL
);

CREATE TABLE realisasi (
    import_id           BIGINT NOT NULL,
    tahun               INTEGER NOT NULL,
    bulan               INTEGER NOT NULL,
    opd_kode            VARCHAR NOT NULL,
    sub_kegiatan_kode   VARCHAR NOT NULL,
    nama                VARCHAR,
    program_kode        VARCHAR,
    program_nama        VARCHAR,
    kegiatan_kode       VARCHAR,
    kegiatan_nama       VARCHAR,
    pagu                DOUBLE PRECISION,
    target_fisik        DOUBLE PRECISION,
    realisasi_fisik     DOUBLE PRECISION,
    realisasi_keuangan  DOUBLE PRECISION,
    sumber_dana         VARCHAR,
    lokasi              VARCHAR,
    permasalahan        VARCHAR,
    solusi              VARCHAR,
    jenis               VARCHAR,
    jenis_source        VARCHAR,
    source_row          INTEGER,
    flagged             BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE jenis_override (
    tahun               INTEGER NOT NULL,
    opd_kode            VARCHAR NOT NULL,
    sub_kegiatan_kode   VARCHAR NOT NULL,
    jenis               VARCHAR NOT NULL,
    reason              VARCHAR NOT NULL,
    created_by          VARCHAR NOT NULL,
    created_at          TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    target      VARCHAR,
    detail      VARCHAR
);

CREATE TABLE setting (
    key     VARCHAR PRIMARY KEY,
    value   VARCHAR
);

-- PostgreSQL only: the lookups every recap and import makes (DuckDB scans its columns instead).
CREATE INDEX realisasi_import ON realisasi (import_id);
CREATE INDEX import_period ON import (kind, tahun, bulan);
CREATE INDEX import_issue_import ON import_issue (import_id);
