#!/usr/bin/env bash
# Evidence bundle speed, on the packaged service with the heap capped at 256 MB: fills a fresh H2 data
# directory with N valid chained entries (default 1,000,000) by direct JDBC inserts, exports the whole
# period with GET /v1/evidence, then checks the bundle with ./countersign verify-bundle, and prints
# entries/s for both. Targets (issue 6): export >= 50,000 entries/s, verification >= 100,000 entries/s.
# Usage: bench/evidence-bundle.sh [N]      (BENCH_PORT, default 18099; BENCH_DIR, default target/bench-evidence)
# Profile with JFR: BENCH_JAVA_OPTS is added to the service's JVM options, BENCH_VERIFY_OPTS to verify-bundle's,
# e.g. BENCH_JAVA_OPTS=-XX:StartFlightRecording=filename=export.jfr,settings=profile
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${1:-1000000}"
PORT="${BENCH_PORT:-18099}"
WORK="$(mkdir -p "${BENCH_DIR:-$ROOT/target/bench-evidence}" && cd "${BENCH_DIR:-$ROOT/target/bench-evidence}" && pwd)"
DATA="$WORK/data"
APP="$ROOT/target/quarkus-app"
export COUNTERSIGN_DATA_DIR="$DATA" COUNTERSIGN_RULES_DIR="$ROOT/rules" QUARKUS_HTTP_PORT="$PORT"
export COUNTERSIGN_LOG_CHECKPOINT_EVERY=24h

[ -f "$APP/quarkus-run.jar" ] || (cd "$ROOT" && ./mvnw -B -q -ntp package -DskipTests)
H2="$(ls "$APP"/lib/main/com.h2database.h2-*.jar | head -1)"
rm -rf "$DATA" "$WORK/bundle.zip"
mkdir -p "$DATA"

PID=
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; PID=; }
trap stop EXIT
start() {
  java -Xms256m -Xmx256m -XX:+UseG1GC ${BENCH_JAVA_OPTS:-} -jar "$APP/quarkus-run.jar" >"$WORK/service.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 120); do
    curl -sf "localhost:$PORT/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "the service did not become ready; see $WORK/service.log" >&2
  exit 1
}

echo "== migrating a fresh database in $DATA"
start
AUDIT="$("$ROOT/countersign" token --data-dir "$DATA" --sub bench-auditor@example.com --type human --groups auditor --ttl 2h)"
VERSION="$(curl -sf "localhost:$PORT/v1/policies" -H "Authorization: Bearer $AUDIT" | sed -E 's/.*"version":"([^"]+)".*/\1/')"
stop

echo "== appending $N chained entries (JDBC, H2)"
java -cp "$H2" "$ROOT/bench/evidence/FillLog.java" \
  "jdbc:h2:file:$DATA/countersign;WRITE_DELAY=0" "$N" "$VERSION"

echo "== export with -Xmx256m"
start
curl -sf -X POST "localhost:$PORT/v1/log/checkpoints" -H "Authorization: Bearer $AUDIT" >/dev/null
KEY="$(curl -sf "localhost:$PORT/v1/log/checkpoints" -H "Authorization: Bearer $AUDIT" | sed -E 's/.*"publicKey":"([^"]+)".*/\1/')"
FROM="$(date -u -d '-3 days' +%Y-%m-%d)"; TO="$(date -u -d '+1 day' +%Y-%m-%d)"
T0=$(date +%s.%N)
curl -sf -o "$WORK/bundle.zip" -H "Authorization: Bearer $AUDIT" \
  "localhost:$PORT/v1/evidence?from=$FROM&to=$TO&framework=SOC2"
T1=$(date +%s.%N)
stop
ENTRIES="$(unzip -p "$WORK/bundle.zip" manifest.json | sed -E 's/.*"entries":([0-9]+).*/\1/')"
SIZE=$(stat -c %s "$WORK/bundle.zip")
awk -v n="$ENTRIES" -v t0="$T0" -v t1="$T1" -v size="$SIZE" 'BEGIN {
  printf "export:       %d entries in %.1f s = %.0f entries/s (bundle %.1f MB; target >= 50000)\n", n, t1-t0, n/(t1-t0), size/1048576 }'

echo "== verify-bundle"
T0=$(date +%s.%N)
COUNTERSIGN_JAVA_OPTS="-Xmx256m -XX:TieredStopAtLevel=4 ${BENCH_VERIFY_OPTS:-}" "$ROOT/countersign" verify-bundle "$WORK/bundle.zip" --public-key "$KEY"
T1=$(date +%s.%N)
awk -v n="$ENTRIES" -v t0="$T0" -v t1="$T1" 'BEGIN {
  printf "verification: %d entries in %.1f s = %.0f entries/s (JVM start included; target >= 100000)\n", n, t1-t0, n/(t1-t0) }'
