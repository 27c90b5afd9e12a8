-- Allocation keys closed for good: their holder ended (a withdrawn, cancelled or rejected
-- application), so an allocation under the key still on its way is refused rather than holding a
-- place for no one (issue 22).
CREATE TABLE closed_allocation_keys (
  agreement_id text NOT NULL,
  allocation_key text NOT NULL,
  close_time timestamptz NOT NULL,
  PRIMARY KEY (agreement_id, allocation_key)
);
