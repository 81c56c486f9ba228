-- V10's log_flush served a pipelined flush on PostgreSQL (the writer committing without waiting for the
-- WAL, a second thread confirming batches durable with a synchronous commit of this table). Measured
-- against the writer's own synchronous commit it cost PostgreSQL more CPU per decision and answered no
-- more decisions, so it was taken out (docs/BENCHMARKS.md, 2026-12-06, fourth session). The table goes
-- with it; V10 stays, as databases have applied it.
DROP TABLE IF EXISTS log_flush;
