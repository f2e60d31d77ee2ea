-- The sequence numbers of each case's events in the log ("12,15,19,"), so that the stored case
-- state can leave its timeline out: a case page folds the timeline from exactly those events,
-- read by primary key (the log has no per-entity index, see 0002). Each unit of work appends
-- the numbers of the events it wrote.
ALTER TABLE applications ADD COLUMN event_seqs TEXT NOT NULL DEFAULT '';
