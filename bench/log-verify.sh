#!/usr/bin/env bash
# Chain verification (GET /v1/log/verify) of a log on disk, on embedded H2, for comparing two builds on the
# same log: a service fills a fresh data directory with decisions (the decision load of
# bench/decision-endpoint.sh: wrk -t2 -c32, the same body), then each build is started on its own copy of
# that directory (a newer build migrates it at start) and verifies it VERIFY_TIMES times; the builds take
# turns, VERIFY_ROUNDS times, so a slow spell of the shared machine falls on both.
#
# Usage: bench/log-verify.sh [OTHER_APP]
#   OTHER_APP  another build's application directory (…/target/quarkus-app), e.g. of an older commit from
#              `git worktree add /tmp/old <commit> && (cd /tmp/old && ./mvnw -q package -DskipTests)`; it
#              fills the log (so a migration of this tree's build is measured too) and is verified beside it.
# Environment: VERIFY_FILL (seconds of decisions, 60), VERIFY_ROUNDS (3), VERIFY_TIMES (3 per start),
#   VERIFY_PORT (18082). Builds no jar: run ./mvnw package first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

FILL="${VERIFY_FILL:-60}"
ROUNDS="${VERIFY_ROUNDS:-3}"
TIMES="${VERIFY_TIMES:-3}"
PORT="${VERIFY_PORT:-18082}"
BASE="http://127.0.0.1:$PORT"
APPS=("$ROOT/target/quarkus-app")
[ $# -ge 1 ] && APPS=("$1" "$ROOT/target/quarkus-app")
for app in "${APPS[@]}"; do
  [ -f "$app/quarkus-run.jar" ] || { echo "no jar in $app: build it first" >&2; exit 1; }
done
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null

WORK="$(mktemp -d /tmp/countersign-verify.XXXXXX)"
SERVICE_PID=""
stop() {
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null || true
  SERVICE_PID=""
}
trap 'stop; rm -rf "$WORK"' EXIT

start() { # start APP DATA: the service on DATA, ready
  env QUARKUS_HTTP_PORT="$PORT" COUNTERSIGN_DATA_DIR="$2" COUNTERSIGN_RULES_DIR="$ROOT/rules" \
    COUNTERSIGN_RATE_LIMIT_PER_SECOND=1000000000 COUNTERSIGN_RATE_LIMIT_BURST=1000000000 \
    java -Xms512m -Xmx512m -jar "$1/quarkus-run.jar" >"$WORK/service.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/q/health/ready" || true)" = 200 ] && return
    kill -0 "$SERVICE_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "the service did not become ready:" >&2
  tail -n 30 "$WORK/service.log" >&2
  exit 1
}

token() { # token DATA SUB TYPE GROUP
  COUNTERSIGN_DATA_DIR="$1" ./countersign token --sub "$2" --type "$3" --groups "$4" --ttl 2h
}

echo "== fill: ${APPS[0]} on a fresh data directory, $FILL s of decisions"
start "${APPS[0]}" "$WORK/filled"
BENCH_TOKEN="$(token "$WORK/filled" bench-bot agent agent)" BENCH_UNIQUE=0 \
  wrk -t2 -c32 -d"${FILL}s" -s bench/decision-post.lua "$BASE/v1/decisions" | grep -E 'requests in|Requests/sec'
stop
echo "  H2 file: $(du -m "$WORK/filled/countersign.mv.db" | cut -f1) MB"

for round in $(seq "$ROUNDS"); do
  for i in "${!APPS[@]}"; do
    data="$WORK/copy-$i"
    [ -d "$data" ] || cp -r "$WORK/filled" "$data"
    start "${APPS[$i]}" "$data"
    migrated="$(grep -o 'Successfully applied [0-9]* migrations\?.*execution time [0-9:.]*s' "$WORK/service.log" || true)"
    auditor="$(token "$data" bench-auditor human auditor)"
    for run in $(seq "$TIMES"); do
      begin=$(date +%s%N)
      report="$(curl -s -H "Authorization: Bearer $auditor" "$BASE/v1/log/verify")"
      end=$(date +%s%N)
      python3 - "$report" "$(( (end - begin) / 1000000 ))" "${APPS[$i]}" "$round" "$run" "$migrated" <<'PY'
import json, sys
report, ms, app, rnd, run, migrated = json.loads(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:7]
n = report.get("entriesChecked") or 0
print(f"  round {rnd} {app}: verification {run}: valid {str(report.get('valid')).lower()}, {n:,} entries in "
      f"{ms / 1000:.2f} s, {n / max(ms, 1) * 1000:,.0f} entries/s" + (f" ({migrated})" if migrated and run == "1" else ""))
if not report.get("valid"):
    print("  VERIFICATION FAILED: " + json.dumps(report))
PY
    done
    stop
  done
done
