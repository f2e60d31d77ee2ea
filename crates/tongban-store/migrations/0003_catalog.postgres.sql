-- PostgreSQL: the published versions in a plain table with a GIN trigram index (pg_trgm),
-- which answers LIKE '%q%' from the index for q of three or more characters.
CREATE TABLE item_search (
    item_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    name    TEXT NOT NULL,
    aliases TEXT NOT NULL,
    text    TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);

-- pg_trgm may already be installed in any schema of the database (an extension exists once per
-- database), so the operator class is named with the schema it lives in. When it is missing it
-- goes into `public` where that exists, so that dropping one schema never drops it for others.
DO $$
DECLARE
    trgm_schema TEXT;
BEGIN
    SELECT n.nspname INTO trgm_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NULL THEN
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
                CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
            ELSE
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            END IF;
        EXCEPTION WHEN unique_violation THEN
            NULL; -- another session created it at the same moment
        END;
        SELECT n.nspname INTO trgm_schema
          FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname = 'pg_trgm';
    END IF;
    EXECUTE format('CREATE INDEX item_search_text_trgm ON item_search USING gin (text %I.gin_trgm_ops)', trgm_schema);
END
$$;
