-- Who entered an institution's record (DOMAIN.md, "Who acts for whom"): the institution itself is
-- the authority on it, and a partner's record may be changed by the institution that entered it.
-- Records from before carry '' and are changed by the institution itself only.
ALTER TABLE institutions ADD COLUMN entered_by text NOT NULL DEFAULT '';
