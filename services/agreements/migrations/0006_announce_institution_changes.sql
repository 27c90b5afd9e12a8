-- Other services keep the institutions they ask for (a grant's quote asks for two on every call)
-- until this channel says one changed. The payload is the institution's resource name; PostgreSQL
-- delivers it at commit, to every replica listening.
CREATE FUNCTION announce_institution_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('mobility_agreements_institutions', '');  -- Every institution.
  ELSE
    PERFORM pg_notify('mobility_agreements_institutions', 'institutions/' || OLD.id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER institutions_announce_change AFTER UPDATE OR DELETE ON institutions
  FOR EACH ROW EXECUTE FUNCTION announce_institution_change();
CREATE TRIGGER institutions_announce_truncate AFTER TRUNCATE ON institutions
  FOR EACH STATEMENT EXECUTE FUNCTION announce_institution_change();
