-- Whether the current step of a case has been escalated (超期督办), kept by the projection, so
-- that the sweep of overdue steps passes escalated ones by instead of finding them first every
-- round (with more of them than one sweep takes, the rest were never reached).
ALTER TABLE applications ADD COLUMN step_escalated BIGINT NOT NULL DEFAULT 0;
CREATE INDEX applications_to_escalate ON applications(step_due) WHERE step_escalated = 0;
