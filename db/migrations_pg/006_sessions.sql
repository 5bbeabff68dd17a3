-- PostgreSQL twin of db/migrations/006_sessions.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 6: sign-in sessions held by the server (issue 15 item 3, issue 17 item 2).
-- The browser holds a random token in an HttpOnly cookie; only its sha256 is stored here. A row
-- starts with a one-time code (the sign-in form hands it to the cookie route, which turns it into
-- the token) and ends when revoked (ended: logout, password, reset, disabled) or expired.
CREATE TABLE login_session (
    id           VARCHAR PRIMARY KEY,      -- random, names the session in logs (never the token)
    username     VARCHAR NOT NULL,
    token_hash   VARCHAR,                  -- sha256 hex of the cookie token; NULL until the code is redeemed
    code_hash    VARCHAR,                  -- sha256 hex of the one-time code; NULL once redeemed
    code_expires TIMESTAMP,
    started      TIMESTAMP NOT NULL,
    last_seen    TIMESTAMP NOT NULL,
    ended        VARCHAR,                  -- why it was revoked; NULL while in force
    ended_at     TIMESTAMP
);
