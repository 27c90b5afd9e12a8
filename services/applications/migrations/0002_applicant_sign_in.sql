-- Applicants sign in with a code e-mailed to them.
--
-- An applicant is known by a digest of their e-mail address: the subject of their tokens stays the
-- same at every sign-in, and the address itself lives only in the applications they make.
CREATE TABLE applicants (
  id text PRIMARY KEY,
  email_hash text NOT NULL UNIQUE,
  create_time timestamptz NOT NULL
);

-- One-time codes, as digests. The newest code of an address is the only one accepted; rows serve
-- the per-address and per-client limits and are purged after a day.
CREATE TABLE sign_in_codes (
  id bigserial PRIMARY KEY,
  email_hash text NOT NULL,
  client_hash text NOT NULL,
  code_hash text NOT NULL,
  create_time timestamptz NOT NULL,
  expire_time timestamptz NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  use_time timestamptz
);
CREATE INDEX sign_in_codes_email ON sign_in_codes (email_hash, create_time);
CREATE INDEX sign_in_codes_client ON sign_in_codes (client_hash, create_time);

-- E-mails, sent by the outbox sender (common/outbox.h). The body, which holds the code, is cleared
-- once sent.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  recipient text NOT NULL,
  subject text NOT NULL,
  body text,
  create_time timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_time timestamptz NOT NULL,
  sent_time timestamptz,
  last_error text NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (next_attempt_time) WHERE sent_time IS NULL;
