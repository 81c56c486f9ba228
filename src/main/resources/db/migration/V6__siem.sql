-- SIEM push: one row per destination with the last sequence the destination acknowledged (a 2xx answer),
-- and which instance holds the destination for pushing until when. The pusher moves acked_sequence only
-- after a 2xx and only from the value it read, so no entry is skipped; deleting a row sends everything again.
CREATE TABLE siem_destination (
    name           VARCHAR(200) NOT NULL PRIMARY KEY,
    acked_sequence BIGINT       NOT NULL,
    acked_at       TIMESTAMP WITH TIME ZONE,
    holder         VARCHAR(64),
    held_until     TIMESTAMP WITH TIME ZONE
);

-- Evidence bundles list every policy load of the log (kind = 'policy', a handful of rows); without an index
-- that query reads every entry's body, which on a million-entry log was a quarter of an export's time.
CREATE INDEX log_entry_kind ON log_entry (kind);
