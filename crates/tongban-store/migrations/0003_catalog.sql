-- The service-item catalogue (GB/T 39046 表4). An item is a numbered series of versions; each
-- version keeps its whole content as JSON (body_json, a tongban_domain::catalog::ServiceItem)
-- plus copies of the few fields that lists filter, sort and show, so a search never parses JSON.
-- The search index itself differs per engine: see 0003_catalog.sqlite.sql / .postgres.sql.

CREATE TABLE items (
    item_id       TEXT PRIMARY KEY,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE item_versions (
    item_id             TEXT NOT NULL REFERENCES items(item_id),
    version             BIGINT NOT NULL,
    -- draft, in_review, published, withdrawn
    status              TEXT NOT NULL,
    body_json           TEXT NOT NULL,
    name                TEXT NOT NULL,
    -- Aliases joined by spaces (ranked between name and material matches).
    aliases             TEXT NOT NULL,
    item_type           TEXT NOT NULL,
    -- 行使层级 code, 1 national … 6 village.
    level               BIGINT NOT NULL,
    department_id       TEXT NOT NULL REFERENCES departments(id),
    basic_code          TEXT NOT NULL,
    implementation_code TEXT NOT NULL,
    -- 网上办理深度 level code, 1 … 4.
    online_level        TEXT NOT NULL,
    visits              BIGINT NOT NULL,
    promised_limit_days BIGINT NOT NULL,
    legal_limit_days    BIGINT NOT NULL,
    -- Theme codes wrapped in commas (',birth,business,'), '' for none: LIKE '%,birth,%' finds one.
    themes              TEXT NOT NULL,
    -- Name, aliases, materials and theme names, ASCII letters lower-cased.
    search_text         TEXT NOT NULL,
    created_at_ms       BIGINT NOT NULL,
    published_at_ms     BIGINT,
    PRIMARY KEY (item_id, version)
);
CREATE INDEX item_versions_status ON item_versions(status);
CREATE INDEX item_versions_department ON item_versions(department_id);
CREATE INDEX item_versions_level ON item_versions(level);
CREATE INDEX item_versions_type ON item_versions(item_type);
-- At most one published version per item.
CREATE UNIQUE INDEX item_versions_one_published ON item_versions(item_id) WHERE status = 'published';
