-- Issue 23: a published question may be given in kk, ru and en; a search in
-- any of its languages finds it.
ALTER TABLE published_questions ADD COLUMN translations text NOT NULL DEFAULT '';
DROP INDEX published_questions_search;
ALTER TABLE published_questions DROP COLUMN search;
ALTER TABLE published_questions ADD COLUMN search tsvector GENERATED ALWAYS AS (
  to_tsvector('english'::regconfig, title || ' ' || question || ' ' || answer || ' ' || translations) ||
  to_tsvector('russian'::regconfig, title || ' ' || question || ' ' || answer || ' ' || translations) ||
  to_tsvector('simple'::regconfig, title || ' ' || question || ' ' || answer || ' ' || translations)) STORED;
CREATE INDEX published_questions_search ON published_questions USING gin (search);
