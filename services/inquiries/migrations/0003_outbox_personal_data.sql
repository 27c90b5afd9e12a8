-- Personal data at rest in the outbox (issue 20): once a mail is sent or has failed for good
-- (DEAD, with the reason in last_error), its recipient and body are dropped; a mail that outlived
-- its purpose (a sign-in code past its expiry) is never sent; finished rows go after 30 days.
ALTER TABLE outbox ALTER COLUMN recipient DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN expire_time timestamptz;
ALTER TABLE outbox ADD COLUMN dead_time timestamptz;
UPDATE outbox SET recipient = NULL, body = NULL WHERE sent_time IS NOT NULL;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (next_attempt_time) WHERE sent_time IS NULL AND dead_time IS NULL;
