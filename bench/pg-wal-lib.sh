# Shared by the bench scripts that load the service on PostgreSQL: the state of the server's write-ahead log
# around a measured run. Source it; PG_PSQL (default: psql -h 127.0.0.1 -U postgres) reaches the server.
#
# Why: every decision's log entry reaches PostgreSQL's WAL (1.5-1.9 KB per decision, measured on
# 2026-12-06), and a commit that has to open a WAL segment no checkpoint has left ready for reuse waits while
# the server creates it (16 MB written and flushed under the WAL write lock: 20-110 ms here, every 1.3-1.5 s
# at 6,500 decisions/s). A server under sustained load recycles segments at each checkpoint; a quiet one,
# or one whose recent checkpoints saw little WAL (a test suite creating and dropping databases), keeps few,
# and the first minute of load then measures segment creation. See docs/BENCHMARKS.md (2026-12-06, sixth
# session) and the README's PostgreSQL settings.

pg_psql() { ${PG_PSQL:-psql -h 127.0.0.1 -U postgres} -At -c "$1" 2>/dev/null; }

# pg_wal_state: "segment ready checkpoints wal_bytes": the segment being written (a number), how many
# segments lie ready beyond it, checkpoints so far, WAL bytes so far; nothing when the user may not read
# them (pg_ls_waldir needs a superuser or pg_monitor).
pg_wal_state() {
  pg_psql "with w as (select pg_walfile_name(pg_current_wal_lsn()) as name,
      floor((pg_current_wal_lsn() - '0/0') / pg_size_bytes(current_setting('wal_segment_size'))) as segment)
    select w.segment,
      (select count(*) from pg_ls_waldir() d where d.name ~ '^[0-9A-F]{24}\$' and d.name > w.name),
      (select checkpoints_timed + checkpoints_req from pg_stat_bgwriter),
      (select wal_bytes from pg_stat_wal)
    from w" | tr '|' ' '
}

# pg_checkpoint: CHECKPOINT, which lets the server recycle the segments written since the last one (as a
# checkpoint under sustained load would), and prints how many are then ready. Needs a superuser or
# pg_checkpoint; without, says so and measures the server as it is.
pg_checkpoint() {
  local state
  if pg_psql "checkpoint" >/dev/null; then
    state="$(pg_wal_state)"
    if [ -n "$state" ]; then
      echo "  CHECKPOINT after the warm-up: $(echo "$state" | cut -d' ' -f2) WAL segments ready for reuse"
    else
      echo "  CHECKPOINT after the warm-up (the segments ready are not readable by this user)"
    fi
  else
    echo "  no CHECKPOINT after the warm-up (not allowed for this user): WAL segments may be created during the rounds"
  fi
}

# pg_wal_report BEFORE AFTER REQUESTS: one line on the WAL a run wrote, from two pg_wal_state outputs.
pg_wal_report() {
  [ -n "$1" ] && [ -n "$2" ] || { echo "  WAL: not readable"; return 0; }
  echo "$1 $2 $3" | awk '{
    entered = $5 - $1; ready = $2; checkpoints = $7 - $3
    created = checkpoints > 0 ? "?" : (entered > ready ? entered - ready : 0)
    printf "  WAL: %.0f MB, %.2f KB per request; %d segments entered, %d ready at the start, %s created; %d checkpoints\n",
      ($8 - $4) / 1048576, ($8 - $4) / 1024 / ($9 > 0 ? $9 : 1), entered, ready, created, checkpoints }'
}
