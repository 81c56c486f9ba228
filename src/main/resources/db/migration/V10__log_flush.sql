-- On PostgreSQL the log writer commits its batches without waiting for the WAL to reach disk, and a second
-- thread makes them durable before any caller is answered, by committing a one-row update here: a
-- synchronous commit flushes the WAL up to its own commit record, so every batch committed before it too.
-- One row per running instance (keyed by an id it picks at start), so that instances do not wait on each
-- other's row lock. The embedded H2 store does not use it.
CREATE TABLE log_flush (
    instance VARCHAR(36) NOT NULL PRIMARY KEY,
    flushes BIGINT NOT NULL
);
