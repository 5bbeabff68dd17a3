-- PostgreSQL twin of db/migrations/002_access.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 2: logins, roles and scope (issue 3).
CREATE TABLE app_user (
    username             VARCHAR PRIMARY KEY,     -- lower case
    nama                 VARCHAR NOT NULL,
    role                 VARCHAR NOT NULL,        -- admin | opd | unit | reviewer | approver | viewer
    opd_kode             VARCHAR,                 -- scope of an 'opd' user
    unit_id              INTEGER,                 -- scope of a 'unit' user (unit_kerja.id)
    email                VARCHAR,                 -- for single sign-on (st.login), optional
    password_hash        VARCHAR,                 -- argon2id
    active               BOOLEAN NOT NULL DEFAULT true,
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    must_change_password BOOLEAN NOT NULL DEFAULT false,
    created_at           TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at           TIMESTAMP,
    last_login           TIMESTAMP
);

CREATE SEQUENCE IF NOT EXISTS seq_unit START 1;
