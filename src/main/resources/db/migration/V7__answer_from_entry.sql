-- A decision's answer is rebuilt from its log entry, which records every value in it: the decision row
-- keeps the answer verbatim only where that could not give the same text. Rows written before keep theirs.
ALTER TABLE decision ALTER COLUMN response DROP NOT NULL;
