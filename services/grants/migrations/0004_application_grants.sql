-- The grant a selection made for each application, and the applications that ended: an ended
-- application gets no grant, not even from a selection's CreateGrant still on its way (issue 22).
-- Each row is locked by whoever makes or closes the application's grant, which orders the two.
CREATE TABLE application_grants (
  application text PRIMARY KEY,
  grant_id text REFERENCES grants (id),
  close_time timestamptz
);
