-- The indicator engine's projection of the event log (see docs/evaluations-and-indicators.md).
-- indicator_rollups holds one row per (dimension, key, Beijing day) with one column per counter,
-- so any period and any parent unit is a SUM over days. indicator_facts keeps one row per
-- completed case (the cases behind a number); indicator_ratings one row per rating (so a later
-- rectification step or an upheld appeal can find the day and units it was counted under).
-- Days are BIGINT yyyymmdd. The projector moves indicator_cursor forward in the same
-- transaction as the rows it writes; only the lease holder may project.

CREATE TABLE indicator_cursor (
    name           TEXT PRIMARY KEY,
    last_seq       BIGINT NOT NULL,
    projected      BIGINT NOT NULL,
    lease_holder   TEXT,
    lease_until_ms BIGINT,
    updated_at_ms  BIGINT NOT NULL
);

CREATE TABLE indicator_rollups (
    dimension               TEXT NOT NULL,
    key                     TEXT NOT NULL,
    day                     BIGINT NOT NULL,
    -- The unit above the key: the county of a department, township or hall; the department of
    -- an item; '' for a county.
    parent                  TEXT NOT NULL,
    -- The county (or the city for 市本级) the key belongs to.
    county                  TEXT NOT NULL,
    completed               BIGINT NOT NULL,
    online_capable          BIGINT NOT NULL,
    fully_online            BIGINT NOT NULL,
    zero_visit              BIGINT NOT NULL,
    at_most_one_visit       BIGINT NOT NULL,
    immediate               BIGINT NOT NULL,
    on_time                 BIGINT NOT NULL,
    legal_days              BIGINT NOT NULL,
    promised_days           BIGINT NOT NULL,
    used_days               BIGINT NOT NULL,
    materials_required      BIGINT NOT NULL,
    materials_by_licence    BIGINT NOT NULL,
    completed_rated         BIGINT NOT NULL,
    rated_1                 BIGINT NOT NULL,
    rated_2                 BIGINT NOT NULL,
    rated_3                 BIGINT NOT NULL,
    rated_4                 BIGINT NOT NULL,
    rated_5                 BIGINT NOT NULL,
    bad                     BIGINT NOT NULL,
    bad_rectified           BIGINT NOT NULL,
    bad_rectified_on_time   BIGINT NOT NULL,
    bad_real_name           BIGINT NOT NULL,
    bad_real_name_revisited BIGINT NOT NULL,
    PRIMARY KEY (dimension, key, day)
);

CREATE INDEX indicator_rollups_by_day ON indicator_rollups (dimension, day);

CREATE TABLE indicator_facts (
    application_id       TEXT PRIMARY KEY,
    number               TEXT NOT NULL,
    item_name            TEXT NOT NULL,
    day                  BIGINT NOT NULL,
    department_id        TEXT NOT NULL,
    county               TEXT NOT NULL,
    township             TEXT NOT NULL,
    hall_id              TEXT NOT NULL,
    item_id              TEXT NOT NULL,
    channel              TEXT NOT NULL,
    visits               BIGINT NOT NULL,
    online_capable       BIGINT NOT NULL,
    fully_online         BIGINT NOT NULL,
    zero_visit           BIGINT NOT NULL,
    at_most_one_visit    BIGINT NOT NULL,
    immediate            BIGINT NOT NULL,
    on_time              BIGINT NOT NULL,
    legal_days           BIGINT NOT NULL,
    promised_days        BIGINT NOT NULL,
    used_days            BIGINT NOT NULL,
    materials_required   BIGINT NOT NULL,
    materials_by_licence BIGINT NOT NULL,
    rated                BIGINT NOT NULL
);

CREATE INDEX indicator_facts_by_day ON indicator_facts (day, department_id);
CREATE INDEX indicator_facts_by_county ON indicator_facts (county, day);

CREATE TABLE indicator_ratings (
    evaluation_id     TEXT PRIMARY KEY,
    rectification_id  TEXT,
    application_id    TEXT,
    stage             TEXT NOT NULL,
    day               BIGINT NOT NULL,
    due_day           BIGINT,
    department_id     TEXT NOT NULL,
    county            TEXT NOT NULL,
    township          TEXT NOT NULL,
    hall_id           TEXT NOT NULL,
    item_id           TEXT NOT NULL,
    satisfaction      BIGINT NOT NULL,
    real_name         BIGINT NOT NULL,
    bad               BIGINT NOT NULL,
    rectified         BIGINT NOT NULL,
    rectified_on_time BIGINT NOT NULL,
    revisited         BIGINT NOT NULL,
    removed           BIGINT NOT NULL
);

CREATE INDEX indicator_ratings_by_rectification ON indicator_ratings (rectification_id);
CREATE INDEX indicator_ratings_by_application ON indicator_ratings (application_id);
