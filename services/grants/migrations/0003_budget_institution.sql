-- Budgets, their grants and payments belong to the institution whose share the budget is
-- (DOMAIN.md, "Who acts for whom"): the institution of the staff who created it. Budgets from
-- before carry '' and are seen by no institution's staff until the operator names the
-- deployment's own institution:
--   UPDATE grants.budgets SET institution = 'institutions/<ours>' WHERE institution = '';
ALTER TABLE budgets ADD COLUMN institution text NOT NULL DEFAULT '';
CREATE INDEX budgets_institution ON budgets (institution, id);
