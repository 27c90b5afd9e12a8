-- Each code belongs to the attempt that asked for it (issue 20): the sign-in presents the attempt,
-- so wrong codes tried by someone who knows only the address spend nothing of anyone else's. The
-- address and client digests become keyed ones; codes live a day, so the old rows simply go.
DELETE FROM sign_in_codes;
ALTER TABLE sign_in_codes ADD COLUMN attempt_hash text NOT NULL;
CREATE UNIQUE INDEX sign_in_codes_attempt ON sign_in_codes (email_hash, attempt_hash);
CREATE INDEX sign_in_codes_email_client ON sign_in_codes (email_hash, client_hash, create_time);
