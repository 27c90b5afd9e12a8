-- A registration takes its number in its last statement before COMMIT (issue 25): its row is
-- written first without one, and the year's counter row is then held for one statement and the
-- commit, not for the whole registration. The body written at registration lacks the number;
-- readers take it from the column. No transaction may commit an inquiry it left unnumbered.
ALTER TABLE inquiries ALTER COLUMN registration_sequence DROP NOT NULL,
  ALTER COLUMN registration_number DROP NOT NULL,
  ADD CONSTRAINT inquiries_numbered_whole
    CHECK ((registration_sequence IS NULL) = (registration_number IS NULL));

-- Run at COMMIT from any session: it names its table through the schema it was made in.
-- Numbering puts the number in the inquiry's notices, found by this index.
CREATE INDEX outbox_of_inquiry ON outbox (inquiry_id);

CREATE FUNCTION refuse_unnumbered_inquiry() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM inquiries WHERE id = NEW.id AND registration_number IS NULL) THEN
    RAISE EXCEPTION 'inquiry % would be registered without a number', NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER inquiries_numbered_at_commit AFTER INSERT ON inquiries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_unnumbered_inquiry();
