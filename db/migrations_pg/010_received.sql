-- PostgreSQL twin of db/migrations/010_received.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 10: the date a report was received (issue 17). Lateness is judged by
-- it against the deadline of the month, not by the upload time: a report that came on paper or
-- by e-mail before the deadline and was uploaded later is on time. Empty: the upload time
-- (created_at). The admin sets it with a reason (received_note, received_by; also in audit_log).
ALTER TABLE import ADD COLUMN received_at TIMESTAMP;
ALTER TABLE import ADD COLUMN received_note VARCHAR;
ALTER TABLE import ADD COLUMN received_by VARCHAR;
