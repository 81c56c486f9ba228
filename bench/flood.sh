#!/usr/bin/env bash
# Flood: one agent on 512 connections (wrk -t2 -c512) against POST /v1/decisions for FLOOD_SECONDS, on
# the embedded defaults (java -Xms512m -Xmx512m), twice:
#   limited    the default per-caller limit (200/s, burst 400): the flood is answered 429 at once;
#   unlimited  the per-caller limit off: the writer's bounded queue (2048) is all that stands in front of
#              the log, callers past it get 503.
# Each phase prints the answers by status (from the service's own http_server_requests metrics), wrk's
# latency percentiles, and the service's heap used, old generation and resident set size every 5 s, so
# that memory can be seen to stay bounded. Usage: bench/flood.sh   (FLOOD_SECONDS 60, BENCH_PORT 18095)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PORT="${BENCH_PORT:-18095}"
BASE="http://127.0.0.1:$PORT"
SECONDS_PER_PHASE="${FLOOD_SECONDS:-60}"
say() { echo "+ $*" >&2; }
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y wrk >/dev/null; }
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "$(find src/main pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]; then
  say ./mvnw -B -ntp -q package -DskipTests
  ./mvnw -B -ntp -q package -DskipTests
fi
SERVICE_PID=""
DATA=""
stop() {
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null || true
  SERVICE_PID=""
  [ -n "$DATA" ] && rm -rf "$DATA"
}
trap stop EXIT

metric() { # metric REGEX: the sum of the matching series in /q/metrics
  curl -sf "$BASE/q/metrics" | awk -v re="$1" '$0 !~ /^#/ && $0 ~ re { v += $NF } END { printf "%.0f", v }'
}
statuses() { # answers to POST /v1/decisions so far, by status
  curl -sf "$BASE/q/metrics" | awk '/^http_server_requests_seconds_count/ && /uri="\/v1\/decisions"/ && /method="POST"/ {
    match($0, /status="[^"]+"/); s = substr($0, RSTART + 8, RLENGTH - 9); n[s] += $NF } END { for (s in n) printf "%s=%d ", s, n[s] }'
}
memory() {
  printf "heap %4d MB  old gen %4d MB  rss %4d MB\n" "$(( $(metric '^jvm_memory_used_bytes\\{area="heap"') / 1048576 ))" \
    "$(( $(metric '^jvm_memory_used_bytes\\{area="heap",id="G1 Old Gen"') / 1048576 ))" \
    "$(( $(awk '/^VmRSS/ { print $2 }' /proc/$SERVICE_PID/status) / 1024 ))"
}

phase() { # phase NAME ENV...: a fresh service with ENV, then the flood
  local name="$1"; shift
  DATA="$(mktemp -d /tmp/countersign-flood.XXXXXX)"
  env QUARKUS_HTTP_PORT="$PORT" COUNTERSIGN_DATA_DIR="$DATA" COUNTERSIGN_RULES_DIR="$ROOT/rules" "$@" \
    java -Xms512m -Xmx512m -XX:+UseG1GC -jar target/quarkus-app/quarkus-run.jar >"$DATA.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 120); do curl -sf "$BASE/q/health/ready" >/dev/null && break; sleep 0.5; done
  local token
  token="$(COUNTERSIGN_DATA_DIR="$DATA" ./countersign token --sub flood-bot --type agent --groups agent --ttl 1h)"
  echo
  echo "== $name ($*): wrk -t2 -c512 -d${SECONDS_PER_PHASE}s, one agent"
  echo "before: $(memory)"
  BENCH_TOKEN="$token" BENCH_UNIQUE=1 wrk -t2 -c512 -d"${SECONDS_PER_PHASE}s" --timeout 30s --latency \
    -s bench/decision-post.lua "$BASE/v1/decisions" >"$DATA.wrk" &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do sleep 5; kill -0 "$wrk_pid" 2>/dev/null && echo "during: $(memory)"; done
  wait "$wrk_pid" || true
  grep -vE '^ +(75|90)%|^Running|threads and|Thread Stats|Latency Distribution' "$DATA.wrk"
  echo "answers by status: $(statuses)"
  echo "after: $(memory)"
  rm -f "$DATA.log" "$DATA.wrk"
  stop
}

phase limited
phase unlimited COUNTERSIGN_RATE_LIMIT_PER_SECOND=0
