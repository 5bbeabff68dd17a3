-- PostgreSQL twin of db/migrations/009_layouts.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 9: remembered column layouts (issue 16). A person confirmed which column is
-- which for a file the engine was unsure of; the layout (a signature of the header block and the
-- header path of each field) reads that OPD's next files the same way without asking.
CREATE SEQUENCE IF NOT EXISTS seq_layout START 1;
CREATE TABLE layout (
    id          BIGINT PRIMARY KEY,           -- nextval('seq_layout') on insert
    name        VARCHAR NOT NULL UNIQUE,
    opd_kode    VARCHAR,                  -- NULL: usable for every OPD
    signature   VARCHAR NOT NULL,
    height      INTEGER NOT NULL DEFAULT 1,
    paths_json  VARCHAR NOT NULL,
    created_by  VARCHAR,
    created_at  TIMESTAMP DEFAULT current_timestamp
);
