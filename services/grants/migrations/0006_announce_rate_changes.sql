-- Every replica keeps the rate tables its quotes read until this channel says they changed. The
-- empty payload drops them all: rates change seldom, and a change can move a row between calls.
CREATE FUNCTION announce_rate_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mobility_grants_rates', '');
  RETURN NULL;
END $$;

CREATE TRIGGER rates_announce_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rates
  FOR EACH STATEMENT EXECUTE FUNCTION announce_rate_change();
