-- Appeals to the rector and the offices (Administrative Procedural Code), their messages, their
-- append-only history, the e-mail outbox, the published Q&A, and the tables the procedure reads:
-- offices, the holiday calendar and the per-year registration counters. `body` columns hold the
-- serialized mobility.inquiries.v1 message; the other columns repeat what lists and lookups use.

CREATE TABLE offices (
  id text PRIMARY KEY,
  display_name text NOT NULL,
  active boolean NOT NULL
);

-- Days that differ from the Monday-to-Friday week.
CREATE TABLE holidays (
  day date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('DAY_OFF', 'WORKING_DAY')),
  description text NOT NULL
);

-- Registration numbers are gap-free per year: the counter row is taken in the registering
-- transaction, so a registration that rolls back gives its number back.
CREATE TABLE registration_counters (
  year integer PRIMARY KEY,
  last_sequence bigint NOT NULL CHECK (last_sequence > 0)
);

CREATE TABLE inquiries (
  id text PRIMARY KEY,
  registration_year integer NOT NULL,
  registration_sequence bigint NOT NULL,
  registration_number text NOT NULL UNIQUE,
  -- SHA-256 of the canonical tracking code; the code itself is never stored.
  tracking_hash text NOT NULL,
  state text NOT NULL,
  office text NOT NULL DEFAULT '',
  legal_due_date date NOT NULL,
  -- SHA-256 of the author and the normalised text, to find the same appeal sent again; NULL once
  -- anonymised.
  duplicate_key text,
  receive_time timestamptz NOT NULL,
  close_time timestamptz,
  anonymised boolean NOT NULL DEFAULT false,
  body bytea NOT NULL,
  UNIQUE (registration_year, registration_sequence)
);
CREATE INDEX inquiries_queue ON inquiries (legal_due_date, id);
CREATE INDEX inquiries_office_queue ON inquiries (office, legal_due_date, id);
CREATE INDEX inquiries_duplicates ON inquiries (duplicate_key, receive_time)
  WHERE duplicate_key IS NOT NULL;
CREATE INDEX inquiries_closed ON inquiries (close_time) WHERE NOT anonymised;

CREATE TABLE inquiry_messages (
  inquiry_id text NOT NULL REFERENCES inquiries (id),
  seq bigserial,
  visibility text NOT NULL CHECK (visibility IN ('PUBLIC_REPLY', 'INTERNAL_NOTE')),
  sender text NOT NULL,
  text text NOT NULL,
  create_time timestamptz NOT NULL,
  PRIMARY KEY (inquiry_id, seq)
);

-- Every change to an inquiry. Rows are only ever added: the trigger refuses the rest.
CREATE TABLE inquiry_history (
  inquiry_id text NOT NULL REFERENCES inquiries (id),
  seq bigserial,
  time timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  state text NOT NULL,
  detail text NOT NULL,
  PRIMARY KEY (inquiry_id, seq)
);
CREATE FUNCTION inquiry_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'inquiry_history is append-only';
END $$;
CREATE TRIGGER inquiry_history_append_only BEFORE UPDATE OR DELETE ON inquiry_history
  FOR EACH ROW EXECUTE FUNCTION inquiry_history_append_only();

-- Public submissions per client address and per e-mail, by SHA-256 of the key so no address is
-- kept; rows older than the window are purged hourly.
CREATE TABLE submissions (
  key_hash text NOT NULL,
  time timestamptz NOT NULL
);
CREATE INDEX submissions_key ON submissions (key_hash, time);

-- E-mails to authors, written in the transaction of the change they tell of and sent by the
-- outbox sender. The body is cleared once sent: the registration notice carries the tracking code.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  inquiry_id text NOT NULL REFERENCES inquiries (id),
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

CREATE TABLE published_questions (
  id text PRIMARY KEY,
  inquiry_id text NOT NULL UNIQUE REFERENCES inquiries (id),
  publish_time timestamptz NOT NULL,
  title text NOT NULL,
  question text NOT NULL,
  answer text NOT NULL,
  body bytea NOT NULL,
  -- English and Russian stems, and the plain words for Kazakh, which PostgreSQL has no stemmer for.
  search tsvector GENERATED ALWAYS AS (
    to_tsvector('english'::regconfig, title || ' ' || question || ' ' || answer) ||
    to_tsvector('russian'::regconfig, title || ' ' || question || ' ' || answer) ||
    to_tsvector('simple'::regconfig, title || ' ' || question || ' ' || answer)) STORED
);
CREATE INDEX published_questions_search ON published_questions USING gin (search);
CREATE INDEX published_questions_newest ON published_questions (publish_time DESC, id DESC);
