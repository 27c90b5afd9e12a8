-- The EWP side: partners' copies of our agreements, the notifications (CNRs) partners sent us and
-- those we owe them, and the last revision of each of our agreements the partners were told of.

-- A partner's IIA as its system served it, and our approval of it (by its iia-hash).
CREATE TABLE partner_agreements (
  id text PRIMARY KEY,
  partner_hei_id text NOT NULL,
  partner_iia_id text NOT NULL,
  agreement text NOT NULL DEFAULT '',
  iia_xml text NOT NULL,
  iia_hash text NOT NULL,
  valid_for_approval boolean NOT NULL,
  approved_iia_hash text NOT NULL DEFAULT '',
  approve_time timestamptz,
  approved_by text NOT NULL DEFAULT '',
  fetch_time timestamptz NOT NULL,
  UNIQUE (partner_hei_id, partner_iia_id)
);

-- What a partner told us changed (kind 'iia': its IIA; 'approval': its approval of ours), to be
-- fetched; a row goes once fetched, and waits with backoff while the partner cannot be reached.
CREATE TABLE received_notifications (
  kind text NOT NULL CHECK (kind IN ('iia', 'approval')),
  partner_hei_id text NOT NULL,
  iia_id text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt timestamptz NOT NULL,
  last_error text NOT NULL DEFAULT '',
  PRIMARY KEY (kind, partner_hei_id, iia_id)
);

-- What we owe partners (kind 'iia': our IIA changed; 'approval': we approved theirs): an outbox,
-- written in the transaction of the change, sent with backoff until the partner answers 200.
CREATE TABLE sent_notifications (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('iia', 'approval')),
  partner_hei_id text NOT NULL,
  iia_id text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt timestamptz NOT NULL,
  last_error text NOT NULL DEFAULT '',
  create_time timestamptz NOT NULL,
  sent_time timestamptz
);
CREATE INDEX sent_notifications_due ON sent_notifications (next_attempt) WHERE sent_time IS NULL;

-- The revision of each of our agreements its partner was last notified of, under our iia-id: an
-- agreement gone from the agreements service was deleted, and the partner is told so.
CREATE TABLE notified_revisions (
  agreement text PRIMARY KEY,
  revision bigint NOT NULL,
  partner_hei_id text NOT NULL,
  iia_id text NOT NULL
);

-- The X-Request-Ids of partners' verified requests within the replay window (twice the 5-minute
-- clock skew), shared by every replica so a replay to another is refused too.
CREATE TABLE seen_requests (
  key_id text NOT NULL,
  request_id text NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (key_id, request_id)
);
CREATE INDEX seen_requests_at ON seen_requests (seen_at);
