-- SQLite: the published versions in an FTS5 table with the trigram tokenizer, which answers
-- LIKE '%q%' from its index for q of three or more characters (shorter ones scan the table).
-- Only `text` is indexed; name and aliases ride along for ranking. All three hold ASCII
-- letters lower-cased, as does the query.
CREATE VIRTUAL TABLE item_search USING fts5(
    item_id UNINDEXED,
    version UNINDEXED,
    name UNINDEXED,
    aliases UNINDEXED,
    text,
    tokenize = 'trigram'
);
