-- Institutions, agreements with every revision kept, and the quota ledger of mobilities.

CREATE TABLE institutions (
  id text PRIMARY KEY,
  display_name text NOT NULL,
  erasmus_code text NOT NULL DEFAULT '',
  schac_id text NOT NULL DEFAULT '',
  country_code char(2) NOT NULL,
  city text NOT NULL,
  latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  revision bigint NOT NULL CHECK (revision > 0),
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL
);
CREATE UNIQUE INDEX institutions_erasmus_code ON institutions (erasmus_code) WHERE erasmus_code <> '';
CREATE UNIQUE INDEX institutions_schac_id ON institutions (schac_id) WHERE schac_id <> '';
CREATE INDEX institutions_country ON institutions (country_code, id);

-- The current version of each agreement; `body` is the serialized mobility.agreements.v1.Agreement
-- and the other columns repeat what lists filter on.
CREATE TABLE agreements (
  id text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('DRAFT', 'APPROVED', 'TERMINATED')),
  revision bigint NOT NULL CHECK (revision > 0),
  first_year integer NOT NULL,
  last_year integer NOT NULL CHECK (last_year >= first_year),
  partner_a text NOT NULL REFERENCES institutions (id),
  partner_b text NOT NULL REFERENCES institutions (id),
  body bytea NOT NULL,
  update_time timestamptz NOT NULL
);
CREATE INDEX agreements_partner_a ON agreements (partner_a, id);
CREATE INDEX agreements_partner_b ON agreements (partner_b, id);

-- Every version ever stored, read by GetAgreement with a revision.
CREATE TABLE agreement_revisions (
  agreement_id text NOT NULL REFERENCES agreements (id),
  revision bigint NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (agreement_id, revision)
);

-- One row per allocation key: the mobility it holds, or held before it was released.
CREATE TABLE mobility_allocations (
  agreement_id text NOT NULL REFERENCES agreements (id),
  allocation_key text NOT NULL,
  condition_id text NOT NULL,
  academic_year integer NOT NULL,
  state text NOT NULL CHECK (state IN ('ALLOCATED', 'RELEASED')),
  allocate_time timestamptz NOT NULL,
  release_time timestamptz,
  PRIMARY KEY (agreement_id, allocation_key)
);
CREATE INDEX mobility_allocations_used ON mobility_allocations (agreement_id, condition_id, academic_year)
  WHERE state = 'ALLOCATED';
