-- Amendments (a new revision awaiting both approvals while the last approved one stays in force)
-- and termination with notice: the day it takes effect, so lists can tell agreements that ended.
-- Stored bodies from before EWP IIA v7 (integer yearly totals) are read into the new fields by the
-- service (pg_agreements_store.cc, UpgradeStoredAgreement).
ALTER TABLE agreements DROP CONSTRAINT agreements_state_check;
ALTER TABLE agreements ADD CONSTRAINT agreements_state_check
  CHECK (state IN ('DRAFT', 'APPROVED', 'AMENDED', 'TERMINATED'));
ALTER TABLE agreements ADD COLUMN terminate_on date;
