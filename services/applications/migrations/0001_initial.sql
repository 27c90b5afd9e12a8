-- Selection rounds (calls), applications and their documents. `body` columns hold the serialized
-- mobility.applications.v1 message; the other columns repeat what lists, ranking and access filter
-- on.

CREATE TABLE calls (
  id text PRIMARY KEY,
  -- The institution whose coordinators run the call: "institutions/{id}".
  institution text NOT NULL,
  state text NOT NULL CHECK (state IN ('OPEN', 'CLOSED')),
  open_time timestamptz NOT NULL,
  close_time timestamptz NOT NULL CHECK (close_time > open_time),
  revision bigint NOT NULL CHECK (revision > 0),
  body bytea NOT NULL
);
CREATE INDEX calls_open ON calls (close_time, id) WHERE state = 'OPEN';

CREATE TABLE applications (
  id text PRIMARY KEY,
  call_id text NOT NULL REFERENCES calls (id),
  -- Subject of the applicant's token.
  owner text NOT NULL,
  state text NOT NULL,
  kind text NOT NULL,
  condition_id text NOT NULL,
  -- Hundredths of a point out of 100.00, for the ranking.
  total_score integer NOT NULL DEFAULT 0,
  submit_time timestamptz,
  -- Set once the retention period after the call closed has passed.
  anonymised boolean NOT NULL DEFAULT false,
  revision bigint NOT NULL CHECK (revision > 0),
  body bytea NOT NULL
);
CREATE INDEX applications_owner ON applications (owner, id);
CREATE INDEX applications_call ON applications (call_id, id);
CREATE INDEX applications_ranking ON applications (call_id, condition_id, total_score DESC, submit_time, id);

CREATE TABLE documents (
  application_id text NOT NULL REFERENCES applications (id),
  id text NOT NULL,
  file_name text NOT NULL,
  document_type text NOT NULL,
  media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes bigint NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
  sha256 text NOT NULL,
  content bytea NOT NULL,
  create_time timestamptz NOT NULL,
  PRIMARY KEY (application_id, id)
);
