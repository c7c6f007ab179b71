-- 062_limit_procedures_from_rules: what a procedure is and what its steps
-- do are data in rules/limitation.xml (validated on load), so a new
-- procedure or grid action is a rules change: the tables no longer list
-- the names.
ALTER TABLE limit_case DROP CONSTRAINT IF EXISTS limit_case_procedure_check;
ALTER TABLE limit_request DROP CONSTRAINT IF EXISTS limit_request_action_check;
