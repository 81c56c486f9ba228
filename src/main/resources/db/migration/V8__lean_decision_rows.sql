-- Each commit on the embedded store rewrites, for every table and index a batch touches, the pages from the
-- new rows up to the root: per decision, six of them (the entry with its recorded_at and kind indexes, the
-- decision row with its primary key and idempotency index). The writer's cost was mostly that.
--
-- A decision is now found through its log entry, by the id recorded beside it (not covered by the hash: the
-- reader checks it against the entry's own decisionId). A decision row is written only where the entry
-- cannot serve alone: a request with an Idempotency-Key, or an answer kept verbatim. Rows written before
-- stay, and a decision with a row is still found by it, so nothing is backfilled.
ALTER TABLE log_entry ADD COLUMN decision_id VARCHAR(36);
CREATE INDEX log_entry_decision ON log_entry (decision_id);

-- Policy loads (a handful among millions of entries, listed by evidence bundles) are marked in their own
-- table instead of an index on every entry's kind.
CREATE TABLE log_policy_entry (
    sequence BIGINT NOT NULL PRIMARY KEY
);
INSERT INTO log_policy_entry (sequence) SELECT sequence FROM log_entry WHERE kind = 'policy';
DROP INDEX log_entry_kind;
