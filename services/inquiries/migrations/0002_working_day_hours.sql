-- A working day with hours of its own (a shortened eve of a holiday): "HH:MM-HH:MM", or '' for
-- the configured working hours.
ALTER TABLE holidays
  ADD COLUMN working_hours text NOT NULL DEFAULT ''
  CHECK (working_hours = '' OR kind = 'WORKING_DAY');
