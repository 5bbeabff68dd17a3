-- PostgreSQL twin of db/migrations/003_rakor.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 3: Rakor POK meetings, their decisions (tindak lanjut) and the dated
-- history of each decision's status (issue 5; SOP Pengendalian Pembangunan steps 13-14).
CREATE SEQUENCE IF NOT EXISTS seq_rakor START 1;
CREATE SEQUENCE IF NOT EXISTS seq_tindak_lanjut START 1;
CREATE SEQUENCE IF NOT EXISTS seq_tindak_lanjut_note START 1;

CREATE TABLE rakor (
    id          INTEGER PRIMARY KEY,
    tanggal     DATE NOT NULL,                  -- day the meeting was held
    tahun       INTEGER NOT NULL,               -- period discussed (realisasi s.d. akhir bulan)
    bulan       INTEGER NOT NULL,
    tempat      VARCHAR,
    pimpinan    VARCHAR,                        -- who chaired the meeting
    catatan     VARCHAR,
    status      VARCHAR NOT NULL DEFAULT 'draft',   -- draft (being recorded) | final (decisions fixed)
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by  VARCHAR,
    updated_at  TIMESTAMP
);

CREATE TABLE rakor_peserta (
    rakor_id    INTEGER NOT NULL,
    opd_kode    VARCHAR NOT NULL,
    PRIMARY KEY (rakor_id, opd_kode)
);

CREATE TABLE tindak_lanjut (
    id          INTEGER PRIMARY KEY,
    rakor_id    INTEGER NOT NULL,
    opd_kode    VARCHAR NOT NULL,
    masalah     VARCHAR NOT NULL,
    keputusan   VARCHAR NOT NULL,               -- keputusan / tindak lanjut agreed in the meeting
    pic         VARCHAR,                        -- person (or office) in charge
    batas_waktu DATE,
    status      VARCHAR NOT NULL DEFAULT 'open',    -- open | in_progress | done
    dibatalkan  BOOLEAN NOT NULL DEFAULT false,     -- cancelled after the meeting was fixed (never deleted)
    alasan_batal VARCHAR,
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by  VARCHAR,
    updated_at  TIMESTAMP
);

CREATE TABLE tindak_lanjut_note (
    id                  INTEGER PRIMARY KEY,
    tindak_lanjut_id    INTEGER NOT NULL,
    tanggal             DATE NOT NULL,          -- date of the progress the note reports
    status              VARCHAR NOT NULL,       -- status from this note on
    note                VARCHAR,
    actor               VARCHAR NOT NULL,
    created_at          TIMESTAMP NOT NULL DEFAULT current_timestamp
);
