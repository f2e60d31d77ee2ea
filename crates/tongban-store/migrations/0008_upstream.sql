-- The push of events to the provincial platform (上级平台): one cursor per stream (a named set
-- of event kinds, e.g. licences). A stream is pushed strictly in the log's seq order by one
-- pusher at a time (lease_holder until lease_until_ms); last_seq only moves forward, and only
-- by the lease holder, after the receiver has acknowledged the event at that seq.
-- (0007 is reserved for the licences.)

CREATE TABLE upstream_cursors (
    stream             TEXT PRIMARY KEY,
    -- The seq of the last event of this stream the receiver acknowledged (0: none yet).
    last_seq           BIGINT NOT NULL,
    -- Failed attempts since the last success (the backoff grows with them).
    attempts           BIGINT NOT NULL,
    next_attempt_ms    BIGINT NOT NULL,
    -- The last push error, scrubbed of personal data; cleared by a success.
    last_error         TEXT,
    last_success_at_ms BIGINT,
    pushed_count       BIGINT NOT NULL,
    -- Who may push this stream now: only the holder may move the cursor.
    lease_holder       TEXT,
    lease_until_ms     BIGINT
);
