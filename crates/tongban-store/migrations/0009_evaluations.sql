-- 政务服务好差评: one row per rating, the invitations sent after a case is completed (token kept
-- only as SM3), window services (一次一评) with their one-time token, and the 差评 cases
-- (rectifications) with the columns their queues sort on.

-- rater_account is kept only for real-name ratings; rater_key is the HMAC-SM3 key of the rater
-- (both kinds), used for the once-per-stage check. excluded = 1 once an appeal was upheld.
CREATE TABLE evaluations (
    id                 TEXT PRIMARY KEY,
    application_id     TEXT,
    window_service_id  TEXT,
    stage              TEXT NOT NULL,
    item_id            TEXT,
    department_id      TEXT,
    hall_id            TEXT,
    served_by          TEXT,
    channel            TEXT NOT NULL,
    satisfaction       BIGINT NOT NULL,
    options            TEXT NOT NULL,
    option_set_version BIGINT NOT NULL,
    comment            TEXT NOT NULL,
    real_name          BIGINT NOT NULL,
    rater_account      TEXT,
    rater_key          TEXT NOT NULL,
    recorded_by        TEXT,
    division_code      TEXT NOT NULL,
    rated_on           TEXT NOT NULL,
    at_ms              BIGINT NOT NULL,
    excluded           BIGINT NOT NULL
);
CREATE UNIQUE INDEX evaluations_case_stage ON evaluations(application_id, stage)
    WHERE window_service_id IS NULL;
CREATE UNIQUE INDEX evaluations_window_service ON evaluations(window_service_id)
    WHERE window_service_id IS NOT NULL;
CREATE INDEX evaluations_rated_on ON evaluations(rated_on);
CREATE INDEX evaluations_department ON evaluations(department_id);

CREATE TABLE evaluation_invitations (
    token_sm3      TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    stage          TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    expires_on     TEXT NOT NULL,
    used_at_ms     BIGINT
);
CREATE UNIQUE INDEX evaluation_invitations_case ON evaluation_invitations(application_id, stage);

CREATE TABLE window_services (
    id             TEXT PRIMARY KEY,
    token_sm3      TEXT NOT NULL UNIQUE,
    hall_id        TEXT NOT NULL,
    division_code  TEXT NOT NULL,
    served_by      TEXT NOT NULL,
    application_id TEXT,
    item_id        TEXT,
    department_id  TEXT,
    started_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    rated_at_ms    BIGINT
);
CREATE INDEX window_services_hall ON window_services(hall_id, started_at_ms);

-- unit_kind 'department' or 'hall' (谁办理谁负责); records = the case's RectificationRecords
-- as a JSON array, folded by the use cases; revision guards concurrent changes.
CREATE TABLE rectifications (
    id             TEXT PRIMARY KEY,
    evaluation_id  TEXT NOT NULL UNIQUE,
    unit_kind      TEXT NOT NULL,
    unit_id        TEXT NOT NULL,
    division_code  TEXT NOT NULL,
    application_id TEXT,
    item_id        TEXT,
    satisfaction   BIGINT NOT NULL,
    real_name      BIGINT NOT NULL,
    state          TEXT NOT NULL,
    rated_on       TEXT NOT NULL,
    due            TEXT NOT NULL,
    escalated      BIGINT NOT NULL,
    appeal_upheld  BIGINT,
    settled_on     TEXT,
    closed_on      TEXT,
    records        TEXT NOT NULL,
    revision       BIGINT NOT NULL,
    updated_at_ms  BIGINT NOT NULL
);
CREATE INDEX rectifications_unit_queue ON rectifications(unit_id, state, due);
CREATE INDEX rectifications_state_due ON rectifications(state, escalated, due);
