-- Tongban schema v1. One text for both engines: it uses only types and syntax that SQLite and
-- PostgreSQL read the same way (BIGINT, TEXT, CHECK, REFERENCES). If a later migration needs a
-- dialect of its own, give it a per-engine file (see src/migrate.rs).
-- Timestamps are Unix milliseconds (BIGINT); dates are 'YYYY-MM-DD' text; hashes are lower-case hex.

CREATE TABLE divisions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       BIGINT NOT NULL,
    parent_code TEXT REFERENCES divisions(code)
);
CREATE INDEX divisions_parent ON divisions(parent_code);

CREATE TABLE departments (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    short_name    TEXT NOT NULL,
    uscc          TEXT NOT NULL UNIQUE,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    parent_id     TEXT REFERENCES departments(id)
);
CREATE INDEX departments_division ON departments(division_code);

CREATE TABLE halls (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    address       TEXT NOT NULL,
    phone         TEXT NOT NULL,
    latitude_e6   BIGINT NOT NULL,
    longitude_e6  BIGINT NOT NULL,
    opening_hours TEXT NOT NULL
);
CREATE INDEX halls_division ON halls(division_code);

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT,
    unit_kind     TEXT,
    unit_id       TEXT,
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE citizen_profiles (
    account_id    TEXT PRIMARY KEY REFERENCES accounts(id),
    real_name     TEXT NOT NULL,
    id_number     TEXT NOT NULL,
    id_number_key TEXT NOT NULL UNIQUE,
    phone         TEXT NOT NULL,
    division_code TEXT REFERENCES divisions(code)
);

CREATE TABLE enterprise_profiles (
    account_id     TEXT PRIMARY KEY REFERENCES accounts(id),
    name           TEXT NOT NULL,
    uscc           TEXT NOT NULL UNIQUE,
    legal_rep_name TEXT NOT NULL,
    division_code  TEXT REFERENCES divisions(code)
);

CREATE TABLE sessions (
    token_hash     TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    csrf_token     TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE login_throttle (
    throttle_key    TEXT PRIMARY KEY,
    failures        BIGINT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL
);

CREATE TABLE calendar_years (
    year          BIGINT PRIMARY KEY,
    source        TEXT NOT NULL,
    body_json     TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE events (
    seq         BIGINT PRIMARY KEY,
    at_ms       BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX events_entity ON events(entity_type, entity_id);

-- One row: the head of the event chain. Writers update it in every batch, which also serialises
-- writers from different processes (a row lock on PostgreSQL, the write lock on SQLite).
CREATE TABLE event_chain_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO event_chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
