-- The published lists (权责清单, 行政许可事项清单, 公共资源交易监管权力和责任清单) and their yearly
-- editions. An edition's entries are matched across editions by entry_code; each entry of a
-- power list has its responsibility items (责任事项) in list_duties. A published edition's rows
-- are never changed: the store only inserts them while the edition is a draft.

CREATE TABLE lists (
    list_code TEXT PRIMARY KEY,
    name      TEXT NOT NULL
);
INSERT INTO lists (list_code, name) VALUES
    ('power', '权责清单'),
    ('licensing', '行政许可事项清单'),
    ('trading', '公共资源交易监管权力和责任清单');

CREATE TABLE list_editions (
    list_code       TEXT NOT NULL REFERENCES lists(list_code),
    year            BIGINT NOT NULL,
    -- draft, published
    status          TEXT NOT NULL,
    entry_count     BIGINT NOT NULL,
    duty_count      BIGINT NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    published_at_ms BIGINT,
    PRIMARY KEY (list_code, year)
);

CREATE TABLE list_entries (
    list_code     TEXT NOT NULL,
    year          BIGINT NOT NULL,
    entry_code    TEXT NOT NULL,
    -- Position in the edition, from 1.
    seq           BIGINT NOT NULL,
    name          TEXT NOT NULL,
    item_type     TEXT NOT NULL,
    basis         TEXT NOT NULL,
    department_id TEXT NOT NULL REFERENCES departments(id),
    -- 行使层级 code, 1 national … 6 village.
    level         BIGINT NOT NULL,
    -- 基本编码 of the matching service item; '' when none.
    basic_code    TEXT NOT NULL,
    PRIMARY KEY (list_code, year, entry_code),
    FOREIGN KEY (list_code, year) REFERENCES list_editions(list_code, year)
);
CREATE UNIQUE INDEX list_entries_seq ON list_entries(list_code, year, seq);
CREATE INDEX list_entries_department ON list_entries(list_code, year, department_id, seq);

CREATE TABLE list_duties (
    list_code      TEXT NOT NULL,
    year           BIGINT NOT NULL,
    entry_code     TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    name           TEXT NOT NULL,
    -- 追责情形; '' when the list does not state it.
    accountability TEXT NOT NULL,
    PRIMARY KEY (list_code, year, entry_code, seq),
    FOREIGN KEY (list_code, year, entry_code) REFERENCES list_entries(list_code, year, entry_code)
);
