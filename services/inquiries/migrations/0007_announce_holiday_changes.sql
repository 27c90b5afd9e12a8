-- Every replica keeps the working calendar the due view reads until this channel says the holiday
-- table changed: the payload is empty, the whole calendar is read again.
CREATE FUNCTION announce_holiday_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mobility_inquiries_holidays', '');
  RETURN NULL;
END $$;

CREATE TRIGGER holidays_announce_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON holidays
  FOR EACH STATEMENT EXECUTE FUNCTION announce_holiday_change();
