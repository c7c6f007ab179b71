-- 160_limit_explain_ru: the Russian explanations of the limitation workbooks
-- (issue 15, SPEC 11.1).  The engine keeps its English arithmetic for the
-- terminal (`sbyt limit explain`: derivation, inputs, dates) and writes the
-- same facts in Russian beside it, worded by rules/limitation.xml
-- <explanations>; the day's register.xlsx and `sbyt report limitation` read
-- these columns.  Rows written before this migration have '' here (their
-- Russian explanation is empty, never English).
ALTER TABLE limit_step ADD COLUMN IF NOT EXISTS derivation_ru text NOT NULL DEFAULT '';
ALTER TABLE limit_event ADD COLUMN IF NOT EXISTS inputs_ru text NOT NULL DEFAULT '';
ALTER TABLE limit_event ADD COLUMN IF NOT EXISTS dates_ru text NOT NULL DEFAULT '';
