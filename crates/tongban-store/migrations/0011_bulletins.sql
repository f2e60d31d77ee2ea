-- The monthly assessment's settings and the 两书一函 (letters to lagging units).
-- Settings are versioned: every change adds a row (who, when); the highest version is in force.

CREATE TABLE assessment_settings (
    version       BIGINT PRIMARY KEY,
    -- JSON list of [indicator code, weight].
    weights_json  TEXT NOT NULL,
    -- Threshold score in hundredths of a point (8000 = 80.00).
    threshold     BIGINT NOT NULL,
    changed_by    TEXT NOT NULL,
    changed_at_ms BIGINT NOT NULL
);

-- One letter per kind, unit and month: drafting again finds the one already there.
CREATE TABLE letters (
    id            TEXT PRIMARY KEY,
    -- reminder (提醒书), supervision (督办书), interview (约谈函).
    kind          TEXT NOT NULL,
    -- The unit written to: 'division' (a county) or 'department', and its id.
    unit_kind     TEXT NOT NULL,
    unit_id       TEXT NOT NULL,
    unit_name     TEXT NOT NULL,
    -- The month assessed, e.g. 2026-10.
    period        TEXT NOT NULL,
    -- drafted, then sent.
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL,
    -- Score in hundredths of a point and rank at drafting (NULL: not ranked).
    score         BIGINT,
    rank_place    BIGINT,
    body          TEXT NOT NULL,
    drafted_at_ms BIGINT NOT NULL,
    edited_by     TEXT,
    edited_at_ms  BIGINT,
    sent_by       TEXT,
    sent_at_ms    BIGINT,
    UNIQUE (kind, unit_kind, unit_id, period)
);

CREATE INDEX letters_by_status ON letters (status, period);
CREATE INDEX letters_by_unit ON letters (unit_kind, unit_id, period);

-- The dashboard counts open applications past their due date.
CREATE INDEX applications_case_due ON applications (case_due, status);
