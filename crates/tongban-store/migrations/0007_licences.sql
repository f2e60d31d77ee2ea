-- Electronic licences (电子证照): the licence-type catalogue and the 互通互认清单, departments'
-- SM2 signing keys (private scalars sealed with SM4-GCM under a master key that is never
-- stored here), the licences with their signature, who used them (用证记录) and wallet shares.

CREATE TABLE licence_types (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    holder_kind   TEXT NOT NULL,
    content       TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

-- item_code '' = every item the department handles.
CREATE TABLE licence_recognitions (
    department_id TEXT NOT NULL,
    type_code     TEXT NOT NULL REFERENCES licence_types(code),
    item_code     TEXT NOT NULL,
    PRIMARY KEY (department_id, type_code, item_code)
);

-- A department has at most one key whose retired_at_ms is NULL (its signing key); retired keys
-- stay published so earlier licences still verify.
CREATE TABLE signing_keys (
    key_id        TEXT PRIMARY KEY,
    department_id TEXT NOT NULL,
    public_pem    TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    retired_at_ms BIGINT
);
CREATE INDEX signing_keys_department ON signing_keys(department_id);
CREATE UNIQUE INDEX signing_keys_active ON signing_keys(department_id)
    WHERE retired_at_ms IS NULL;

CREATE TABLE licences (
    id                   TEXT PRIMARY KEY,
    type_code            TEXT NOT NULL REFERENCES licence_types(code),
    name                 TEXT NOT NULL,
    number               TEXT NOT NULL,
    holder_kind          TEXT NOT NULL,
    holder_name          TEXT NOT NULL,
    holder_code          TEXT NOT NULL,
    holder_key           TEXT NOT NULL,
    issuer_department_id TEXT NOT NULL,
    issuer_name          TEXT NOT NULL,
    issuer_code          TEXT NOT NULL,
    issued_on            TEXT NOT NULL,
    valid_from           TEXT NOT NULL,
    valid_until          TEXT,
    face                 TEXT NOT NULL,
    key_id               TEXT NOT NULL REFERENCES signing_keys(key_id),
    signature            TEXT NOT NULL,
    state                TEXT NOT NULL,
    state_reason         TEXT NOT NULL,
    state_changed_at_ms  BIGINT NOT NULL,
    source               TEXT NOT NULL,
    application_id       TEXT,
    warning              TEXT NOT NULL,
    created_at_ms        BIGINT NOT NULL
);
CREATE INDEX licences_holder ON licences(holder_key, type_code);
CREATE INDEX licences_state ON licences(state, state_changed_at_ms);
CREATE UNIQUE INDEX licences_application ON licences(application_id, type_code)
    WHERE application_id IS NOT NULL;

-- 用证记录: every query, download, verification and share view. holder_key is the holder's
-- keyed hash (never the code itself).
CREATE TABLE licence_usages (
    id             TEXT PRIMARY KEY,
    at_ms          BIGINT NOT NULL,
    licence_id     TEXT,
    holder_key     TEXT NOT NULL,
    operation      TEXT NOT NULL,
    cause          TEXT NOT NULL,
    item_code      TEXT,
    application_id TEXT,
    department_id  TEXT,
    actor_id       TEXT,
    actor_label    TEXT NOT NULL,
    result         TEXT NOT NULL,
    detail         TEXT NOT NULL
);
CREATE INDEX licence_usages_holder ON licence_usages(holder_key, at_ms);
CREATE INDEX licence_usages_licence ON licence_usages(licence_id, at_ms);

CREATE TABLE licence_shares (
    token_hash    TEXT PRIMARY KEY,
    licence_id    TEXT NOT NULL REFERENCES licences(id),
    created_by    TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    views         BIGINT NOT NULL
);
CREATE INDEX licence_shares_licence ON licence_shares(licence_id);
