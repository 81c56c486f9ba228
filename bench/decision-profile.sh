#!/usr/bin/env bash
# Where a decision's CPU goes, for one service under the decision load of bench/decision-endpoint.sh:
# a fresh service and data directory (and, with --postgresql, a fresh database), a warm-up, then one
# measured wrk run (-t2 -c32) that reports decisions/s and p99, the machine's idle share, the log's batches
# and commit time (from /q/metrics), and CPU microseconds per request by thread group of the service
# (event loops, log writer, JIT compilers, GC) and for all PostgreSQL processes together.
# It is a tool for comparing one setting or build against another back to back, not the benchmark of
# record: the ratios against the no-op baseline come from bench/decision-endpoint.sh.
#
# Usage: bench/decision-profile.sh [--postgresql] [--baseline]
#   --postgresql  the PostgreSQL jar (target/quarkus-app-postgresql) against a fresh database on
#                 127.0.0.1:5432 (user postgres), dropped afterwards
#   --baseline    measure GET /v1/whoami (the no-op baseline) instead of decisions
# Environment: PROFILE_WARMUP (decision warm-up seconds, 60), PROFILE_SECONDS (measured run, 20),
#   PROFILE_JAVA_OPTS (extra JVM options), PROFILE_JFR=FILE records a JFR profile (settings=profile) of
#   the measured run into FILE, PROFILE_PORT (18081), PROFILE_APP (the built application to run instead
#   of target/quarkus-app or target/quarkus-app-postgresql: a copy of another build, for back-to-back
#   runs). Any COUNTERSIGN_* setting in the environment reaches the service (e.g. COUNTERSIGN_LOG_GATHER=0ms).
#   PROFILE_CAPTURE=1 records the measured run's packets on the loopback (tcpdump, installed if missing)
#   and prints the latency of every request as the wire shows it (request sent to answer sent), raw and
#   with the correction wrk applies before it reports percentiles (bench/wire-latency.py), and the
#   longest stalls: wrk's p99 is the corrected one.
#   PROFILE_ASYNC=FILE records the measured run with async-profiler (tools.profiler:async-profiler from Maven
#   Central, attached to the running service, so that neither the start nor the warm-up is in it) into FILE as
#   collapsed stacks with thread names, and prints CPU microseconds per request by thread group, and for the
#   log threads and the event loops by part (bench/collapsed-summary.py). It samples CPU time with the kernel's frames
#   (event=cpu) where perf events are allowed (perf_event_paranoid 1 or less, set to 1 when run as root), else
#   Java and native frames only (event=itimer). PROFILE_ASYNC_INTERVAL (1ms) sets the sampling interval.
#   PROFILE_NO_CHECKPOINT=1 skips the CHECKPOINT that otherwise ends the warm-up on PostgreSQL, to measure
#   a server that has to create WAL segments.
# Builds no jar: run bench/decision-endpoint.sh or ./mvnw package first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. "$ROOT/bench/pg-wal-lib.sh"

WARMUP="${PROFILE_WARMUP:-60}"
SECONDS_MEASURED="${PROFILE_SECONDS:-20}"
PORT="${PROFILE_PORT:-18081}"
BASE="http://127.0.0.1:$PORT"
APP="$ROOT/target/quarkus-app"
pg=0
baseline=0
for arg in "$@"; do
  case "$arg" in
    --postgresql) pg=1; APP="$ROOT/target/quarkus-app-postgresql" ;;
    --baseline) baseline=1 ;;
    *) echo "usage: $0 [--postgresql] [--baseline]" >&2; exit 2 ;;
  esac
done
APP="${PROFILE_APP:-$APP}"
[ -f "$APP/quarkus-run.jar" ] || { echo "no jar in $APP: build it first" >&2; exit 1; }

WORK="$(mktemp -d /tmp/countersign-profile.XXXXXX)"
DATA="$WORK/data"
PG_DB=""
SERVICE_PID=""
cleanup() {
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null || true
  [ -n "$PG_DB" ] && psql -h 127.0.0.1 -U postgres -q -c "drop database if exists $PG_DB" >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

env=(QUARKUS_HTTP_PORT="$PORT" COUNTERSIGN_DATA_DIR="$DATA" COUNTERSIGN_RULES_DIR="$ROOT/rules"
  COUNTERSIGN_RATE_LIMIT_PER_SECOND=1000000000 COUNTERSIGN_RATE_LIMIT_BURST=1000000000)
if [ "$pg" = 1 ]; then
  PG_DB="countersign_profile_$$"
  psql -h 127.0.0.1 -U postgres -q -c "create database $PG_DB" >/dev/null
  env+=(QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" QUARKUS_DATASOURCE_USERNAME=postgres)
fi
env "${env[@]}" java -Xms512m -Xmx512m ${PROFILE_JAVA_OPTS:-} -jar "$APP/quarkus-run.jar" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 240); do
  curl -sf -o /dev/null "$BASE/q/health/ready" && break
  kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 30 "$WORK/service.log" >&2; exit 1; }
  sleep 0.5
done
export BENCH_TOKEN BENCH_UNIQUE=0
BENCH_TOKEN="$(COUNTERSIGN_DATA_DIR="$DATA" ./countersign token --sub bench-bot --type agent --groups agent --ttl 2h)"
export BENCH_BODY='{"action":"aws.s3.export","resource":{"type":"s3-bucket","id":"customer-data","environment":"production","classification":"confidential","attributes":{"destination":"s3://corp-analytics-exports"}},"onBehalfOf":"alice@example.com","context":{"reason":"benchmark"}}'

load() { # load SECONDS: the measured kind of request for SECONDS
  if [ "$baseline" = 1 ]; then
    wrk -t2 -c32 "-d${1}s" --latency -H "Authorization: Bearer $BENCH_TOKEN" "$BASE/v1/whoami"
  else
    wrk -t2 -c32 "-d${1}s" --latency -s bench/decision-post.lua "$BASE/v1/decisions"
  fi
}
# CPU ticks so far: per thread group of the service (names up to a digit or '#'), all postgres processes,
# and the machine's busy total.
snapshot() {
  {
    for t in /proc/"$SERVICE_PID"/task/*; do
      echo "$(tr ' ' _ <"$t/comm" | sed 's/[-_#]*[0-9]*$//') $(sed 's/.*) //' "$t/stat" | awk '{ print $12 + $13 }')"
    done | awk '{ a[$1] += $2 } END { for (k in a) print k, a[k] }'
    echo "postgres $(for p in $(pgrep -x postgres || true); do sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }'; done | awk '{ s += $1 } END { print s + 0 }')"
    echo "~machine $(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)"
  } | sort
}
log_metrics() { curl -sf "$BASE/q/metrics" | grep -E '^countersign_log_(batch_size|commit_seconds|flush_seconds)_(sum|count) ' | sort || true; }

echo "warm-up: ${WARMUP} s of decisions$([ "$baseline" = 1 ] && echo ", then 20 s of the baseline")"
BENCH_TOKEN="$BENCH_TOKEN" wrk -t2 -c32 "-d${WARMUP}s" -s bench/decision-post.lua "$BASE/v1/decisions" | grep Requests/sec
[ "$baseline" = 1 ] && load 20 | grep Requests/sec
ASYNC_LIB=""
if [ -n "${PROFILE_ASYNC:-}" ]; then
  case "$(uname -m)" in x86_64) platform=linux-x64 ;; aarch64) platform=linux-arm64 ;;
    *) echo "PROFILE_ASYNC: no async-profiler library for $(uname -m)" >&2; exit 1 ;; esac
  ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="tools.profiler:async-profiler:${ASYNC_PROFILER_VERSION:-4.2}" -DoutputDirectory="$WORK/async-profiler"
  (cd "$WORK/async-profiler" && jar xf async-profiler-*.jar "$platform/libasyncProfiler.so")
  ASYNC_LIB="$WORK/async-profiler/$platform/libasyncProfiler.so"
  paranoid="$(cat /proc/sys/kernel/perf_event_paranoid)"
  if [ "$paranoid" -gt 1 ] && [ "$(id -u)" = 0 ]; then
    echo 1 >/proc/sys/kernel/perf_event_paranoid 2>/dev/null && paranoid=1
  fi
  async_event=cpu
  [ "$paranoid" -le 1 ] || async_event=itimer
  # jcmd splits its arguments at '=' unless the agent's options are quoted once more.
  jcmd "$SERVICE_PID" JVMTI.agent_load "$ASYNC_LIB" \
    "\"start,event=$async_event,interval=${PROFILE_ASYNC_INTERVAL:-1ms},threads\"" >/dev/null
fi
if [ -n "${PROFILE_JFR:-}" ]; then
  jcmd "$SERVICE_PID" JFR.start name=profile settings=profile filename="$PROFILE_JFR" duration="${SECONDS_MEASURED}s" >/dev/null
fi
CAPTURE_PID=""
if [ "${PROFILE_CAPTURE:-0}" = 1 ]; then
  command -v tcpdump >/dev/null || apt-get install -y tcpdump >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y tcpdump >/dev/null; }
  # Only segments that carry data (PSH): one per request and one per answer here.
  tcpdump -i lo -nn -s 96 -w "$WORK/capture.pcap" "tcp port $PORT and (tcp[tcpflags] & tcp-push != 0)" 2>/dev/null &
  CAPTURE_PID=$!
  sleep 1
fi
# As in bench/decision-endpoint.sh, the warm-up ends with a CHECKPOINT on PostgreSQL, so that the measured
# run finds the WAL segments a server under sustained load would have (bench/pg-wal-lib.sh).
wal0=""
if [ "$pg" = 1 ]; then
  [ "${PROFILE_NO_CHECKPOINT:-0}" = 1 ] || pg_checkpoint
  wal0="$(pg_wal_state)"
fi
snapshot >"$WORK/cpu0"; log_metrics >"$WORK/m0"
load "$SECONDS_MEASURED" >"$WORK/wrk"
snapshot >"$WORK/cpu1"; log_metrics >"$WORK/m1"
if [ -n "$ASYNC_LIB" ]; then
  jcmd "$SERVICE_PID" JVMTI.agent_load "$ASYNC_LIB" "\"stop,file=$PROFILE_ASYNC,collapsed\"" >/dev/null
fi
[ "$pg" = 1 ] && wal1="$(pg_wal_state)"
[ -n "$CAPTURE_PID" ] && { sleep 1; kill -INT "$CAPTURE_PID"; wait "$CAPTURE_PID" || true; }

echo "measured: $SECONDS_MEASURED s, $([ "$baseline" = 1 ] && echo "GET /v1/whoami" || echo "POST /v1/decisions")"
grep -E 'Requests/sec|99%' "$WORK/wrk" | sed 's/^ */  /'
n="$(awk '/requests in/ { print $1 }' "$WORK/wrk")"
hz="$(getconf CLK_TCK)"
join "$WORK/cpu0" "$WORK/cpu1" | awk -v n="$n" -v hz="$hz" -v secs="$SECONDS_MEASURED" -v cores="$(nproc)" '
  $1 == "~machine" { printf "  machine idle %.0f%%\n", 100 - 100 * ($3 - $2) / hz / secs / cores; next }
  ($3 - $2) / hz * 1e6 / n >= 1 { printf "  CPU %-24s %6.1f us/request\n", $1, ($3 - $2) / hz * 1e6 / n }'
if [ -s "$WORK/m0" ]; then
  join "$WORK/m0" "$WORK/m1" | awk -v secs="$SECONDS_MEASURED" '{ d[$1] = $3 - $2 } END {
    b = d["countersign_log_batch_size_count"]; if (b == 0) exit
    printf "  log: %d commits, mean batch %.1f, mean commit %.2f ms, writer busy %.0f%%\n", b,
      d["countersign_log_batch_size_sum"] / b, 1000 * d["countersign_log_commit_seconds_sum"] / b,
      100 * d["countersign_log_commit_seconds_sum"] / secs
    f = d["countersign_log_flush_seconds_count"]
    if (f > 0) printf "  flushes (embedded H2): %d, %.1f commits each, mean %.2f ms\n", f, b / f,
      1000 * d["countersign_log_flush_seconds_sum"] / f }'
  curl -sf "$BASE/q/metrics" | awk '
    /^countersign_log_(commit|wait)_seconds\{quantile="0.(5|99)"/ { split($1, a, "[_{\"]"); q[a[3] a[6]] = $2 * 1000 }
    END { printf "  log (recent window): commit p50 %.2f ms, p99 %.2f ms; caller wait for its entry p50 %.2f ms, p99 %.2f ms\n",
      q["commit0.5"], q["commit0.99"], q["wait0.5"], q["wait0.99"] }'
fi
[ "$pg" = 1 ] && pg_wal_report "$wal0" "$wal1" "$n"
if [ -n "$ASYNC_LIB" ]; then
  echo "  async-profiler ($async_event, every ${PROFILE_ASYNC_INTERVAL:-1ms}), stacks in $PROFILE_ASYNC:"
  python3 bench/collapsed-summary.py "$PROFILE_ASYNC" "$n" "${PROFILE_ASYNC_INTERVAL:-1ms}"
fi
if [ -n "$CAPTURE_PID" ]; then
  echo "  on the wire (tcpdump of the measured run, 32 connections):"
  tcpdump -r "$WORK/capture.pcap" -nn -tt 2>/dev/null | python3 bench/wire-latency.py "$PORT" 32 | sed 's/^/    /'
fi
