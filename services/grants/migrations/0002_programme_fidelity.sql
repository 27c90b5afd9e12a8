-- Programme fidelity (DOMAIN.md as corrected): country groups as rows per call range and
-- participant kind, KA107 as the 2015-2020 calls, KA171 2024+ travel, green-travel days, and the
-- budget named after the partner's National Agency project it is a share of.

ALTER TABLE rates DROP CONSTRAINT rates_kind_check;
ALTER TABLE rates ADD CONSTRAINT rates_kind_check
  CHECK (kind IN ('TRAVEL', 'INDIVIDUAL_SUPPORT', 'COUNTRY_GROUP', 'GREEN_TRAVEL_DAYS'));
ALTER TABLE rates DROP CONSTRAINT rates_country_group_check;
ALTER TABLE rates ADD CONSTRAINT rates_country_group_check CHECK (country_group BETWEEN 0 AND 4);
ALTER TABLE rates ADD COLUMN country_codes text[] NOT NULL DEFAULT '{}';
ALTER TABLE rates ADD COLUMN max_days integer NOT NULL DEFAULT 0 CHECK (max_days >= 0);

-- KA107 had no 2014 call: its first call was 2015. The row ids keep their old spelling, since
-- agreed grants name the rows they applied.
UPDATE rates SET first_call_year = 2015 WHERE programme = 'KA107' AND first_call_year = 2014;

-- The 2015-2017 calls paid staff in four groups: the fourth at 100 EUR a day.
INSERT INTO rates (id, kind, programme, first_call_year, last_call_year, min_km, max_km,
                   green_travel, direction, country_group, participant_kind, amount_cents,
                   needs_confirmation) VALUES
  ('ka107-2015-2017-in-g4-staff', 'INDIVIDUAL_SUPPORT', 'KA107', 2015, 2017, 0, 0, false, 'PARTNER_TO_PROGRAMME', 4, 'STAFF', 10000, true);

-- Country groups. 2015-2017 differ for students and staff (unconfirmed); 2018-2020 apply to both;
-- KA171 2021-2023 kept them without the United Kingdom (unconfirmed). None is known from 2024:
-- such a call is refused until an administrator adds them.
INSERT INTO rates (id, kind, programme, first_call_year, last_call_year, min_km, max_km,
                   green_travel, direction, country_group, participant_kind, amount_cents,
                   needs_confirmation, country_codes) VALUES
  ('ka107-2015-2017-group-1-student', 'COUNTRY_GROUP', 'KA107', 2015, 2017, 0, 0, false, 'DIRECTION_UNSPECIFIED', 1, 'STUDENT', 0, true, '{AT,DK,FI,FR,IE,IT,LI,NO,SE,GB}'),
  ('ka107-2015-2017-group-2-student', 'COUNTRY_GROUP', 'KA107', 2015, 2017, 0, 0, false, 'DIRECTION_UNSPECIFIED', 2, 'STUDENT', 0, true, '{BE,HR,CY,CZ,DE,GR,IS,LU,NL,PT,SI,ES,TR}'),
  ('ka107-2015-2017-group-3-student', 'COUNTRY_GROUP', 'KA107', 2015, 2017, 0, 0, false, 'DIRECTION_UNSPECIFIED', 3, 'STUDENT', 0, true, '{BG,EE,HU,LV,LT,MT,PL,RO,SK,MK}'),
  ('ka107-2015-2017-group-1-staff', 'COUNTRY_GROUP', 'KA107', 2015, 2017, 0, 0, false, 'DIRECTION_UNSPECIFIED', 1, 'STAFF', 0, true, '{DK,IE,NL,SE,GB}'),
  ('ka107-2015-2017-group-2-staff', 'COUNTRY_GROUP', 'KA107', 2015, 2017, 0, 0, false, 'DIRECTION_UNSPECIFIED', 2, 'STAFF', 0, true, '{AT,BE,BG,CY,CZ,FI,FR,GR,HU,IS,IT,LI,LU,NO,PL,RO,TR}'),
  ('ka107-2015-2017-group-3-staff', 'COUNTRY_GROUP', 'KA107', 2015, 2017, 0, 0, false, 'DIRECTION_UNSPECIFIED', 3, 'STAFF', 0, true, '{DE,LV,MT,MK,PT,SK,ES}'),
  ('ka107-2015-2017-group-4-staff', 'COUNTRY_GROUP', 'KA107', 2015, 2017, 0, 0, false, 'DIRECTION_UNSPECIFIED', 4, 'STAFF', 0, true, '{HR,EE,LT,SI}'),
  ('ka107-2018-2020-group-1', 'COUNTRY_GROUP', 'KA107', 2018, 2020, 0, 0, false, 'DIRECTION_UNSPECIFIED', 1, 'PARTICIPANT_KIND_UNSPECIFIED', 0, false, '{DK,FI,IS,IE,LU,SE,GB,LI,NO}'),
  ('ka107-2018-2020-group-2', 'COUNTRY_GROUP', 'KA107', 2018, 2020, 0, 0, false, 'DIRECTION_UNSPECIFIED', 2, 'PARTICIPANT_KIND_UNSPECIFIED', 0, false, '{AT,BE,DE,FR,IT,GR,ES,CY,NL,MT,PT}'),
  ('ka107-2018-2020-group-3', 'COUNTRY_GROUP', 'KA107', 2018, 2020, 0, 0, false, 'DIRECTION_UNSPECIFIED', 3, 'PARTICIPANT_KIND_UNSPECIFIED', 0, false, '{BG,HR,CZ,EE,LV,LT,HU,PL,RO,RS,SK,SI,MK,TR}'),
  ('ka171-2021-2023-group-1', 'COUNTRY_GROUP', 'KA171', 2021, 2023, 0, 0, false, 'DIRECTION_UNSPECIFIED', 1, 'PARTICIPANT_KIND_UNSPECIFIED', 0, true, '{DK,FI,IS,IE,LU,SE,LI,NO}'),
  ('ka171-2021-2023-group-2', 'COUNTRY_GROUP', 'KA171', 2021, 2023, 0, 0, false, 'DIRECTION_UNSPECIFIED', 2, 'PARTICIPANT_KIND_UNSPECIFIED', 0, true, '{AT,BE,DE,FR,IT,GR,ES,CY,NL,MT,PT}'),
  ('ka171-2021-2023-group-3', 'COUNTRY_GROUP', 'KA171', 2021, 2023, 0, 0, false, 'DIRECTION_UNSPECIFIED', 3, 'PARTICIPANT_KIND_UNSPECIFIED', 0, true, '{BG,HR,CZ,EE,LV,LT,HU,PL,RO,RS,SK,SI,MK,TR}');

-- KA171 travel from the 2024 call (unconfirmed); the two longest bands have no green amount.
INSERT INTO rates (id, kind, programme, first_call_year, last_call_year, min_km, max_km,
                   green_travel, direction, country_group, participant_kind, amount_cents,
                   needs_confirmation) VALUES
  ('ka171-2024-2027-travel-10-99', 'TRAVEL', 'KA171', 2024, 2027, 10, 99, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 2800, true),
  ('ka171-2024-2027-travel-100-499', 'TRAVEL', 'KA171', 2024, 2027, 100, 499, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 21100, true),
  ('ka171-2024-2027-travel-500-1999', 'TRAVEL', 'KA171', 2024, 2027, 500, 1999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 30900, true),
  ('ka171-2024-2027-travel-2000-2999', 'TRAVEL', 'KA171', 2024, 2027, 2000, 2999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 39500, true),
  ('ka171-2024-2027-travel-3000-3999', 'TRAVEL', 'KA171', 2024, 2027, 3000, 3999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 58000, true),
  ('ka171-2024-2027-travel-4000-7999', 'TRAVEL', 'KA171', 2024, 2027, 4000, 7999, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 118800, true),
  ('ka171-2024-2027-travel-8000-plus', 'TRAVEL', 'KA171', 2024, 2027, 8000, 0, false, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 173500, true),
  ('ka171-2024-2027-green-travel-10-99', 'TRAVEL', 'KA171', 2024, 2027, 10, 99, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 5600, true),
  ('ka171-2024-2027-green-travel-100-499', 'TRAVEL', 'KA171', 2024, 2027, 100, 499, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 28500, true),
  ('ka171-2024-2027-green-travel-500-1999', 'TRAVEL', 'KA171', 2024, 2027, 500, 1999, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 41700, true),
  ('ka171-2024-2027-green-travel-2000-2999', 'TRAVEL', 'KA171', 2024, 2027, 2000, 2999, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 53500, true),
  ('ka171-2024-2027-green-travel-3000-3999', 'TRAVEL', 'KA171', 2024, 2027, 3000, 3999, true, 'DIRECTION_UNSPECIFIED', 0, 'PARTICIPANT_KIND_UNSPECIFIED', 78500, true);

-- Green travel: staff up to 6 funded travel days instead of 2; students up to 4 extra days of
-- individual support (unconfirmed).
INSERT INTO rates (id, kind, programme, first_call_year, last_call_year, min_km, max_km,
                   green_travel, direction, country_group, participant_kind, amount_cents,
                   needs_confirmation, max_days) VALUES
  ('ka171-2021-2027-green-travel-days-staff', 'GREEN_TRAVEL_DAYS', 'KA171', 2021, 2027, 0, 0, true, 'DIRECTION_UNSPECIFIED', 0, 'STAFF', 0, false, 6),
  ('ka171-2021-2027-green-travel-days-student', 'GREEN_TRAVEL_DAYS', 'KA171', 2021, 2027, 0, 0, true, 'DIRECTION_UNSPECIFIED', 0, 'STUDENT', 0, true, 4);

-- A budget is the institution's share under the partner's National Agency project.
ALTER TABLE budgets RENAME COLUMN reference_number TO project_number;
ALTER TABLE budgets ADD COLUMN beneficiary text NOT NULL DEFAULT '';
