-- Rate tables, budgets (project grants), participant grants and their payment ledger.

-- Unit costs as editable rows, seeded from DOMAIN.md. Rows DOMAIN.md marks "(check)" carry
-- needs_confirmation until the office confirms them.
CREATE TABLE rates (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('TRAVEL', 'INDIVIDUAL_SUPPORT')),
  programme text NOT NULL CHECK (programme IN ('KA107', 'KA171')),
  first_call_year integer NOT NULL,
  last_call_year integer NOT NULL CHECK (last_call_year >= first_call_year),
  min_km integer NOT NULL CHECK (min_km >= 0),
  max_km integer NOT NULL CHECK (max_km = 0 OR max_km >= min_km),
  green_travel boolean NOT NULL,
  direction text NOT NULL,
  country_group integer NOT NULL CHECK (country_group BETWEEN 0 AND 3),
  participant_kind text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  needs_confirmation boolean NOT NULL,
  revision bigint NOT NULL DEFAULT 1,
  update_time timestamptz NOT NULL DEFAULT now()
);

-- KA107 calls 2014-2016 had no 10-99 km band. Individual support of calls 2014-2017 (students
-- 850/800/750 and 650 outgoing, staff 160/140/120 and 160 outgoing) is unconfirmed, as are the
-- KA171 2021-2023 rates said to be kept from 2018-2020.
INSERT INTO rates (id, kind, programme, first_call_year, last_call_year, min_km, max_km,
                   green_travel, direction, country_group, participant_kind, amount_cents,
                   needs_confirmation) VALUES
  ('ka107-2014-2016-travel-100-499', 'TRAVEL', 'KA107', 2014, 2016, 100, 499, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 18000, false),
  ('ka107-2014-2016-travel-500-1999', 'TRAVEL', 'KA107', 2014, 2016, 500, 1999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 27500, false),
  ('ka107-2014-2016-travel-2000-2999', 'TRAVEL', 'KA107', 2014, 2016, 2000, 2999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 36000, false),
  ('ka107-2014-2016-travel-3000-3999', 'TRAVEL', 'KA107', 2014, 2016, 3000, 3999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 53000, false),
  ('ka107-2014-2016-travel-4000-7999', 'TRAVEL', 'KA107', 2014, 2016, 4000, 7999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 82000, false),
  ('ka107-2014-2016-travel-8000-plus', 'TRAVEL', 'KA107', 2014, 2016, 8000, 0, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 110000, true),
  ('ka107-2017-2017-travel-10-99', 'TRAVEL', 'KA107', 2017, 2017, 10, 99, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 2000, true),
  ('ka107-2017-2017-travel-100-499', 'TRAVEL', 'KA107', 2017, 2017, 100, 499, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 18000, false),
  ('ka107-2017-2017-travel-500-1999', 'TRAVEL', 'KA107', 2017, 2017, 500, 1999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 27500, false),
  ('ka107-2017-2017-travel-2000-2999', 'TRAVEL', 'KA107', 2017, 2017, 2000, 2999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 36000, false),
  ('ka107-2017-2017-travel-3000-3999', 'TRAVEL', 'KA107', 2017, 2017, 3000, 3999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 53000, false),
  ('ka107-2017-2017-travel-4000-7999', 'TRAVEL', 'KA107', 2017, 2017, 4000, 7999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 82000, false),
  ('ka107-2017-2017-travel-8000-plus', 'TRAVEL', 'KA107', 2017, 2017, 8000, 0, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 130000, true),
  ('ka107-2018-2020-travel-10-99', 'TRAVEL', 'KA107', 2018, 2020, 10, 99, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 2000, false),
  ('ka107-2018-2020-travel-100-499', 'TRAVEL', 'KA107', 2018, 2020, 100, 499, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 18000, false),
  ('ka107-2018-2020-travel-500-1999', 'TRAVEL', 'KA107', 2018, 2020, 500, 1999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 27500, false),
  ('ka107-2018-2020-travel-2000-2999', 'TRAVEL', 'KA107', 2018, 2020, 2000, 2999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 36000, false),
  ('ka107-2018-2020-travel-3000-3999', 'TRAVEL', 'KA107', 2018, 2020, 3000, 3999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 53000, false),
  ('ka107-2018-2020-travel-4000-7999', 'TRAVEL', 'KA107', 2018, 2020, 4000, 7999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 82000, false),
  ('ka107-2018-2020-travel-8000-plus', 'TRAVEL', 'KA107', 2018, 2020, 8000, 0, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 150000, false),
  ('ka171-2021-2021-travel-10-99', 'TRAVEL', 'KA171', 2021, 2021, 10, 99, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 2000, false),
  ('ka171-2021-2021-travel-100-499', 'TRAVEL', 'KA171', 2021, 2021, 100, 499, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 18000, false),
  ('ka171-2021-2021-travel-500-1999', 'TRAVEL', 'KA171', 2021, 2021, 500, 1999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 27500, false),
  ('ka171-2021-2021-travel-2000-2999', 'TRAVEL', 'KA171', 2021, 2021, 2000, 2999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 36000, false),
  ('ka171-2021-2021-travel-3000-3999', 'TRAVEL', 'KA171', 2021, 2021, 3000, 3999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 53000, false),
  ('ka171-2021-2021-travel-4000-7999', 'TRAVEL', 'KA171', 2021, 2021, 4000, 7999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 82000, false),
  ('ka171-2021-2021-travel-8000-plus', 'TRAVEL', 'KA171', 2021, 2021, 8000, 0, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 150000, false),
  ('ka171-2022-2023-travel-10-99', 'TRAVEL', 'KA171', 2022, 2023, 10, 99, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 2300, true),
  ('ka171-2022-2023-travel-100-499', 'TRAVEL', 'KA171', 2022, 2023, 100, 499, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 18000, false),
  ('ka171-2022-2023-travel-500-1999', 'TRAVEL', 'KA171', 2022, 2023, 500, 1999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 27500, false),
  ('ka171-2022-2023-travel-2000-2999', 'TRAVEL', 'KA171', 2022, 2023, 2000, 2999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 36000, false),
  ('ka171-2022-2023-travel-3000-3999', 'TRAVEL', 'KA171', 2022, 2023, 3000, 3999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 53000, false),
  ('ka171-2022-2023-travel-4000-7999', 'TRAVEL', 'KA171', 2022, 2023, 4000, 7999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 82000, false),
  ('ka171-2022-2023-travel-8000-plus', 'TRAVEL', 'KA171', 2022, 2023, 8000, 0, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 150000, false),
  ('ka171-2021-2023-green-travel-100-499', 'TRAVEL', 'KA171', 2021, 2023, 100, 499, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 21000, false),
  ('ka171-2021-2023-green-travel-500-1999', 'TRAVEL', 'KA171', 2021, 2023, 500, 1999, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 32000, false),
  ('ka171-2021-2023-green-travel-2000-2999', 'TRAVEL', 'KA171', 2021, 2023, 2000, 2999, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 41000, false),
  ('ka171-2021-2023-green-travel-3000-3999', 'TRAVEL', 'KA171', 2021, 2023, 3000, 3999, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 61000, false),
  ('ka107-2018-2020-in-g1-student', 'INDIVIDUAL_SUPPORT', 'KA107', 2018, 2020, 0, 0, false, 'PARTNER_TO_PROGRAMME', 1, 'STUDENT', 90000, true),
  ('ka107-2018-2020-in-g1-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2018, 2020, 0, 0, false, 'PARTNER_TO_PROGRAMME', 1, 'STAFF', 18000, true),
  ('ka107-2018-2020-in-g2-student', 'INDIVIDUAL_SUPPORT', 'KA107', 2018, 2020, 0, 0, false, 'PARTNER_TO_PROGRAMME', 2, 'STUDENT', 85000, false),
  ('ka107-2018-2020-in-g2-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2018, 2020, 0, 0, false, 'PARTNER_TO_PROGRAMME', 2, 'STAFF', 16000, false),
  ('ka107-2018-2020-in-g3-student', 'INDIVIDUAL_SUPPORT', 'KA107', 2018, 2020, 0, 0, false, 'PARTNER_TO_PROGRAMME', 3, 'STUDENT', 80000, false),
  ('ka107-2018-2020-in-g3-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2018, 2020, 0, 0, false, 'PARTNER_TO_PROGRAMME', 3, 'STAFF', 14000, false),
  ('ka107-2018-2020-out-student', 'INDIVIDUAL_SUPPORT', 'KA107', 2018, 2020, 0, 0, false, 'PROGRAMME_TO_PARTNER', 0, 'STUDENT', 70000, false),
  ('ka107-2018-2020-out-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2018, 2020, 0, 0, false, 'PROGRAMME_TO_PARTNER', 0, 'STAFF', 18000, false),
  ('ka171-2021-2023-in-g1-student', 'INDIVIDUAL_SUPPORT', 'KA171', 2021, 2023, 0, 0, false, 'PARTNER_TO_PROGRAMME', 1, 'STUDENT', 90000, true),
  ('ka171-2021-2023-in-g1-staff', 'INDIVIDUAL_SUPPORT', 'KA171', 2021, 2023, 0, 0, false, 'PARTNER_TO_PROGRAMME', 1, 'STAFF', 18000, true),
  ('ka171-2021-2023-in-g2-student', 'INDIVIDUAL_SUPPORT', 'KA171', 2021, 2023, 0, 0, false, 'PARTNER_TO_PROGRAMME', 2, 'STUDENT', 85000, true),
  ('ka171-2021-2023-in-g2-staff', 'INDIVIDUAL_SUPPORT', 'KA171', 2021, 2023, 0, 0, false, 'PARTNER_TO_PROGRAMME', 2, 'STAFF', 16000, true),
  ('ka171-2021-2023-in-g3-student', 'INDIVIDUAL_SUPPORT', 'KA171', 2021, 2023, 0, 0, false, 'PARTNER_TO_PROGRAMME', 3, 'STUDENT', 80000, true),
  ('ka171-2021-2023-in-g3-staff', 'INDIVIDUAL_SUPPORT', 'KA171', 2021, 2023, 0, 0, false, 'PARTNER_TO_PROGRAMME', 3, 'STAFF', 14000, true),
  ('ka171-2021-2023-out-student', 'INDIVIDUAL_SUPPORT', 'KA171', 2021, 2023, 0, 0, false, 'PROGRAMME_TO_PARTNER', 0, 'STUDENT', 70000, true),
  ('ka171-2021-2023-out-staff', 'INDIVIDUAL_SUPPORT', 'KA171', 2021, 2023, 0, 0, false, 'PROGRAMME_TO_PARTNER', 0, 'STAFF', 18000, true),
  ('ka107-2014-2017-in-g1-student', 'INDIVIDUAL_SUPPORT', 'KA107', 2014, 2017, 0, 0, false, 'PARTNER_TO_PROGRAMME', 1, 'STUDENT', 85000, true),
  ('ka107-2014-2017-in-g1-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2014, 2017, 0, 0, false, 'PARTNER_TO_PROGRAMME', 1, 'STAFF', 16000, true),
  ('ka107-2014-2017-in-g2-student', 'INDIVIDUAL_SUPPORT', 'KA107', 2014, 2017, 0, 0, false, 'PARTNER_TO_PROGRAMME', 2, 'STUDENT', 80000, true),
  ('ka107-2014-2017-in-g2-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2014, 2017, 0, 0, false, 'PARTNER_TO_PROGRAMME', 2, 'STAFF', 14000, true),
  ('ka107-2014-2017-in-g3-student', 'INDIVIDUAL_SUPPORT', 'KA107', 2014, 2017, 0, 0, false, 'PARTNER_TO_PROGRAMME', 3, 'STUDENT', 75000, true),
  ('ka107-2014-2017-in-g3-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2014, 2017, 0, 0, false, 'PARTNER_TO_PROGRAMME', 3, 'STAFF', 12000, true),
  ('ka107-2014-2017-out-student', 'INDIVIDUAL_SUPPORT', 'KA107', 2014, 2017, 0, 0, false, 'PROGRAMME_TO_PARTNER', 0, 'STUDENT', 65000, true),
  ('ka107-2014-2017-out-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2014, 2017, 0, 0, false, 'PROGRAMME_TO_PARTNER', 0, 'STAFF', 16000, true);

-- The institution's project grant agreement with the National Agency: allocated and committed
-- amounts per heading. The CHECKs are the last line of defence; the service refuses first.
CREATE TABLE budgets (
  id text PRIMARY KEY,
  reference_number text NOT NULL UNIQUE,
  programme text NOT NULL,
  call_year integer NOT NULL,
  prefinancing_percent integer NOT NULL CHECK (prefinancing_percent BETWEEN 70 AND 100),
  organisational_support_per_participant_cents bigint NOT NULL CHECK (organisational_support_per_participant_cents >= 0),
  allocated_travel_cents bigint NOT NULL CHECK (allocated_travel_cents >= 0),
  allocated_individual_cents bigint NOT NULL CHECK (allocated_individual_cents >= 0),
  allocated_organisational_cents bigint NOT NULL CHECK (allocated_organisational_cents >= 0),
  allocated_inclusion_cents bigint NOT NULL CHECK (allocated_inclusion_cents >= 0),
  committed_travel_cents bigint NOT NULL DEFAULT 0 CHECK (committed_travel_cents BETWEEN 0 AND allocated_travel_cents),
  committed_individual_cents bigint NOT NULL DEFAULT 0 CHECK (committed_individual_cents BETWEEN 0 AND allocated_individual_cents),
  committed_organisational_cents bigint NOT NULL DEFAULT 0 CHECK (committed_organisational_cents BETWEEN 0 AND allocated_organisational_cents),
  committed_inclusion_cents bigint NOT NULL DEFAULT 0 CHECK (committed_inclusion_cents BETWEEN 0 AND allocated_inclusion_cents),
  create_time timestamptz NOT NULL
);

-- `body` is the serialized mobility.grants.v1.Grant; the columns repeat what lists filter on.
CREATE TABLE grants (
  id text PRIMARY KEY,
  budget_id text NOT NULL REFERENCES budgets (id),
  state text NOT NULL CHECK (state IN ('CALCULATED', 'AGREED', 'PREFINANCED', 'SETTLED', 'CANCELLED')),
  participant_reference text NOT NULL,
  revision bigint NOT NULL,
  body bytea NOT NULL
);
CREATE INDEX grants_budget ON grants (budget_id, id);
CREATE INDEX grants_participant ON grants (participant_reference, id);

-- The payment ledger: entries are only ever added. Amounts are signed (positive: owed to the
-- participant) and split by heading so the budget report can say what was paid from each.
CREATE TABLE payments (
  grant_id text NOT NULL REFERENCES grants (id),
  seq integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('PREFINANCING', 'BALANCE', 'RECOVERY', 'REVERSAL')),
  amount_cents bigint NOT NULL,
  travel_cents bigint NOT NULL,
  individual_cents bigint NOT NULL,
  inclusion_cents bigint NOT NULL CHECK (travel_cents + individual_cents + inclusion_cents = amount_cents),
  due_date date NOT NULL,
  reverses integer,
  create_time timestamptz NOT NULL,
  PRIMARY KEY (grant_id, seq),
  UNIQUE (grant_id, reverses),
  FOREIGN KEY (grant_id, reverses) REFERENCES payments (grant_id, seq)
);
