#!/usr/bin/env bash
# Soak: the service on its embedded defaults (H2) or on PostgreSQL, at half its measured peak, with
# approvals flowing, for 30 minutes; p99 latency and the heap, minute by minute.
#   1. a fresh service (java -Xms512m -Xmx512m -jar target/quarkus-app/quarkus-run.jar) on a fresh data dir;
#   2. bench/soak/Soak.java (JDK only) measures the peak with 32 closed-loop agents for 30 s, then sends
#      at half of it, open loop, for SOAK_MINUTES; one request in ten is an approval-cycle step (ask,
#      approve as a data-governance human, ask again with the approval: ALLOW, used once);
#   3. every minute: requests, answers other than 200, p50/p99/max latency (from when each request was
#      due), heap used, old generation, resident set size, and every LIVE_EVERY (5) minutes the live heap
#      after a full collection (jcmd GC.run); then the chain is verified.
# Not part of the test run. Usage: bench/soak.sh [--postgresql]
# Environment: SOAK_MINUTES (30), LIVE_EVERY (5), PEAK_SECONDS (30), RATE_SHARE (0.5), BENCH_PORT (18090), SOAK_OUT
#   (directory for soak.csv and service.log, default target/soak).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PORT="${BENCH_PORT:-18090}"
BASE="http://127.0.0.1:$PORT"
OUT="$(mkdir -p "${SOAK_OUT:-$ROOT/target/soak}" && cd "${SOAK_OUT:-$ROOT/target/soak}" && pwd)"
say() { echo "+ $*" >&2; }

pg=0
[ "${1:-}" = "--postgresql" ] && pg=1
APP="$ROOT/target/quarkus-app"
[ "$pg" = 1 ] && APP="$ROOT/target/quarkus-app-postgresql"
stale() { # stale DIR: the jar in DIR is missing or older than the sources
  [ -f "$1/quarkus-run.jar" ] || return 0
  [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$1/quarkus-run.jar" -print -quit 2>/dev/null)" ]
}
if stale "$ROOT/target/quarkus-app"; then
  say ./mvnw -B -ntp -q package -DskipTests
  ./mvnw -B -ntp -q package -DskipTests
fi
if [ "$pg" = 1 ] && stale "$APP"; then
  say ./mvnw -B -ntp -q package -DskipTests -Dquarkus.datasource.db-kind=postgresql -Dquarkus.package.output-directory=quarkus-app-postgresql
  ./mvnw -B -ntp -q package -DskipTests -Dquarkus.datasource.db-kind=postgresql -Dquarkus.package.output-directory=quarkus-app-postgresql
fi

DATA="$(mktemp -d /tmp/countersign-soak.XXXXXX)"
PG_DB=""
SERVICE_PID=""
cleanup() {
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null || true
  [ -n "$PG_DB" ] && psql -h 127.0.0.1 -U postgres -qc "drop database if exists $PG_DB" >/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

# One agent sends for the whole fleet: its per-caller limit is raised out of reach (the limit's check still runs).
env_vars=(QUARKUS_HTTP_PORT="$PORT" COUNTERSIGN_DATA_DIR="$DATA" COUNTERSIGN_RULES_DIR="$ROOT/rules"
  COUNTERSIGN_RATE_LIMIT_PER_SECOND=1000000000 COUNTERSIGN_RATE_LIMIT_BURST=1000000000)
if [ "$pg" = 1 ]; then
  PG_DB="countersign_soak_$$"
  psql -h 127.0.0.1 -U postgres -qc "create database $PG_DB"
  env_vars+=(QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" QUARKUS_DATASOURCE_USERNAME=postgres)
fi
say env "${env_vars[@]}" java -Xms512m -Xmx512m -XX:+UseG1GC -jar "$APP/quarkus-run.jar"
env "${env_vars[@]}" java -Xms512m -Xmx512m -XX:+UseG1GC -jar "$APP/quarkus-run.jar" >"$OUT/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 120); do curl -sf "$BASE/q/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "$BASE/q/health/ready" >/dev/null || { echo "the service did not start; see $OUT/service.log" >&2; exit 1; }

token() { COUNTERSIGN_DATA_DIR="$DATA" "$ROOT/countersign" token "$@" --ttl 2h; }
AGENT="$(token --sub soak-bot --type agent --groups agent)"
APPROVER="$(token --sub gov-soak@example.com --type human --groups data-governance)"
AUDITOR="$(token --sub soak-auditor --type human --groups auditor)"

say java bench/soak/Soak.java "$BASE" '$AGENT' '$APPROVER' "$SERVICE_PID" "$OUT/soak.csv"
java "$ROOT/bench/soak/Soak.java" "$BASE" "$AGENT" "$APPROVER" "$SERVICE_PID" "$OUT/soak.csv"

echo "-- chain verification"
curl -s -H "Authorization: Bearer $AUDITOR" "$BASE/v1/log/verify"; echo
echo "-- per minute ($OUT/soak.csv)"
column -s, -t <"$OUT/soak.csv"
# A small chart: p99 and old generation per minute, as bars scaled to the largest value.
awk -F, 'NR > 1 { m[NR] = $1; p[NR] = $7; h[NR] = $10; l[NR] = $12; if ($7 > pm) pm = $7; if ($10 > hm) hm = $10; n = NR }
  END { printf "\nminute  p99 ms (bar: share of the largest, %.1f)            old gen MB (largest %.1f)      live MB\n", pm, hm;
        for (i = 2; i <= n; i++) { b = ""; c = ""; for (j = 0; j < 30 * p[i] / (pm ? pm : 1); j++) b = b "#";
          for (j = 0; j < 30 * h[i] / (hm ? hm : 1); j++) c = c "#";
          printf "%6d  %7.1f %-30s  %7.1f %-30s  %s\n", m[i], p[i], b, h[i], c, l[i] } }' "$OUT/soak.csv"
