-- Since when an application has cross-service steps left to finish: a selection under way or a
-- give-back after it ended (issue 22). The service's sweeper finishes those a crash left behind.
ALTER TABLE applications ADD COLUMN pending_since timestamptz;
CREATE INDEX applications_pending ON applications (pending_since) WHERE pending_since IS NOT NULL;
