-- Notices to applicants: the in-app inbox (notices) and the outbox of the SMS and email
-- messages that carry each notice out (outbox). (0005 is reserved for the applications.)
-- A notice is written at most once per dedupe_key, in the same unit of work as the change it
-- tells about; each outbox row is one message on one channel, sent at most once per
-- idempotency_key (dedupe_key || ':' || channel), which is also handed to the sender.

CREATE TABLE notices (
    -- Derived from dedupe_key (the first 32 hex digits of its SM3 hash).
    id          TEXT PRIMARY KEY,
    dedupe_key  TEXT NOT NULL UNIQUE,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    at_ms       BIGINT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    -- A path inside the site ('' when there is nothing to open).
    link        TEXT NOT NULL,
    read_at_ms  BIGINT
);
CREATE INDEX notices_account ON notices(account_id, at_ms);

CREATE TABLE outbox (
    idempotency_key TEXT PRIMARY KEY,
    notice_id       TEXT NOT NULL REFERENCES notices(id),
    -- sms, email
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    -- A phone number or an email address: personal data, shown masked.
    recipient       TEXT NOT NULL,
    -- pending, sending (claimed by a dispatcher until lease_until_ms), sent, failed
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    lease_until_ms  BIGINT,
    -- Who holds the lease: only the holder may record the outcome.
    claim_token     TEXT,
    -- The last delivery error, scrubbed of personal data.
    last_error      TEXT,
    created_at_ms   BIGINT NOT NULL,
    sent_at_ms      BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_ms);
CREATE INDEX outbox_created ON outbox(created_at_ms);
