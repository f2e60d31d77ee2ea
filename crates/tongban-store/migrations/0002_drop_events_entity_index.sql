-- The (entity_type, entity_id) index on events doubled the cost of every append (measured with
-- `tongban bench events`) and no query uses it: consumers read the log by sequence number.
-- Per-entity history, when a feature needs it, belongs in that feature's own tables.
DROP INDEX events_entity;
