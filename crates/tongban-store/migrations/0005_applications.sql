-- Applications (办件). The case's truth is its events in the hash-chained log; `applications`
-- is the projection that pages and queues read: the state as JSON plus the columns queues
-- filter and sort on, all derived from that state in the same transaction as its events.
-- Dates are Beijing dates as 'YYYY-MM-DD' text (they sort as dates); NULL when none.

CREATE TABLE applications (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    item_id           TEXT NOT NULL,
    item_version      BIGINT NOT NULL,
    department_id     TEXT NOT NULL REFERENCES departments(id),
    -- The department's division code, for scoping queues to a subtree.
    division_code     TEXT NOT NULL,
    applicant_account TEXT NOT NULL REFERENCES accounts(id),
    -- The runner or agent who applied for the applicant; '' when none.
    agent_account     TEXT NOT NULL,
    bundle_id         TEXT NOT NULL,
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL,
    -- The role expected to act now; '' when nobody on staff is due.
    role_due      TEXT NOT NULL,
    -- 1 when the current step is assigned to named people (application_assignees).
    assigned          BIGINT NOT NULL,
    step_due          TEXT,
    case_due          TEXT,
    incomplete_due    TEXT,
    visits            BIGINT NOT NULL,
    revision          BIGINT NOT NULL,
    idempotency_key   TEXT,
    state_json        TEXT NOT NULL,
    created_at_ms     BIGINT NOT NULL,
    updated_at_ms     BIGINT NOT NULL,
    submitted_on      TEXT,
    completed_on      TEXT
);
CREATE UNIQUE INDEX applications_idempotency ON applications(applicant_account, idempotency_key);
CREATE INDEX applications_applicant ON applications(applicant_account, created_at_ms);
CREATE INDEX applications_agent ON applications(agent_account, created_at_ms);
CREATE INDEX applications_queue ON applications(status, role_due, department_id, step_due);
CREATE INDEX applications_step_due ON applications(step_due);
CREATE INDEX applications_incomplete_due ON applications(incomplete_due);
CREATE INDEX applications_bundle ON applications(bundle_id);

-- Named people on a case: pending signers of the current step, and those sent a copy (抄送).
CREATE TABLE application_assignees (
    application_id TEXT NOT NULL REFERENCES applications(id),
    account_id     TEXT NOT NULL,
    -- signer, copy
    kind           TEXT NOT NULL,
    PRIMARY KEY (application_id, account_id, kind)
);
CREATE INDEX application_assignees_account ON application_assignees(account_id, kind);

-- The day's last 办件编号 sequence.
CREATE TABLE application_counters (
    day  TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- Mandates (委托): a runner or agent may apply for a principal, for some items, until a day.
CREATE TABLE mandates (
    id                TEXT PRIMARY KEY,
    agent_account     TEXT NOT NULL REFERENCES accounts(id),
    principal_account TEXT NOT NULL REFERENCES accounts(id),
    -- Item ids wrapped in commas (',a,b,'), or '*' for every item.
    item_ids          TEXT NOT NULL,
    valid_until       TEXT NOT NULL,
    created_at_ms     BIGINT NOT NULL,
    revoked_at_ms     BIGINT
);
CREATE INDEX mandates_agent ON mandates(agent_account);
CREATE INDEX mandates_principal ON mandates(principal_account);

-- Credit flags: a false 告知承诺 found by 核查. While flagged, the applicant may not commit.
CREATE TABLE credit_flags (
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    application_id TEXT NOT NULL,
    at_ms          BIGINT NOT NULL,
    reason         TEXT NOT NULL,
    PRIMARY KEY (account_id, application_id)
);

-- Bundles (一件事一次办): one form and one set of materials fanned out to several cases, which
-- carry the bundle's id in applications.bundle_id.
CREATE TABLE bundles (
    id                TEXT PRIMARY KEY,
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    applicant_account TEXT NOT NULL REFERENCES accounts(id),
    idempotency_key   TEXT,
    -- 1 once the combined completion notice was sent.
    completed_notice  BIGINT NOT NULL,
    created_at_ms     BIGINT NOT NULL
);
CREATE UNIQUE INDEX bundles_idempotency ON bundles(applicant_account, idempotency_key);
CREATE INDEX bundles_applicant ON bundles(applicant_account, created_at_ms);
