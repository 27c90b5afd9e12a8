-- The funding window (issue 22): a mobility ends within its project, whose last day the budget
-- keeps (from the beneficiary's grant agreement). Budgets from before have none and are not
-- checked until the office enters it:
--   UPDATE grants.budgets SET project_end_date = '2026-07-31' WHERE id = '...';
ALTER TABLE budgets ADD COLUMN project_end_date date;

-- KA171 calls from 2024 raised individual support, but DOMAIN.md does not restate the new figures:
-- until the office enters the guide's, those calls use the 2021-2023 individual support and
-- country groups, unconfirmed, so quotes work and every grant made with them lists them.
INSERT INTO rates (id, kind, programme, first_call_year, last_call_year, min_km, max_km,
                   green_travel, direction, country_group, participant_kind, amount_cents,
                   needs_confirmation, country_codes)
SELECT replace(r.id, '2021-2023', '2024-2027'), r.kind, r.programme, 2024, 2027, r.min_km,
       r.max_km, r.green_travel, r.direction, r.country_group, r.participant_kind, r.amount_cents,
       true, r.country_codes
FROM rates r
WHERE r.programme = 'KA171' AND r.first_call_year = 2021 AND r.last_call_year = 2023
  AND r.kind IN ('INDIVIDUAL_SUPPORT', 'COUNTRY_GROUP')
  AND NOT EXISTS (SELECT 1 FROM rates o WHERE o.programme = 'KA171' AND o.kind = r.kind
                  AND o.last_call_year >= 2024);
