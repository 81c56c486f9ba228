#!/usr/bin/env bash
# The long fault runs of docs/RELIABILITY.md: the reliability ITs with kill -9 repeated 20 times, on H2
# and then on PostgreSQL (127.0.0.1:5432, user postgres; a fresh database countersign_faults), and a
# table of their counts per scenario: requests sent, answered, answered 200, of those in the log, lost.
# Usage: bench/faults.sh [ROUNDS]      (default 20; .ci/run runs the same tests with 3)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ROUNDS="${1:-20}"
COUNTS="$ROOT/target/reliability-it/fault-counts.tsv"
ITS='KillNineIT,FaultsIT,FloodIT,DatabaseOutageIT,TwoInstancesIT'
say() { echo "+ $*" >&2; }
rm -f "$COUNTS"
status=0

say ./mvnw -B -ntp verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$ITS" -Dcountersign.it.kill-rounds="$ROUNDS"
./mvnw -B -ntp verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$ITS" \
  -Dcountersign.it.kill-rounds="$ROUNDS" | grep -E 'Tests run:|FAIL|fault counts|runaway|polite|queue of' || status=1

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qc 'DROP DATABASE IF EXISTS countersign_faults' -c 'CREATE DATABASE countersign_faults'
say ./mvnw -B -ntp verify -Dquarkus.datasource.db-kind=postgresql ... -Dit.test="$ITS" -Dcountersign.it.kill-rounds="$ROUNDS"
./mvnw -B -ntp verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$ITS" \
  -Dcountersign.it.kill-rounds="$ROUNDS" -Dquarkus.datasource.db-kind=postgresql \
  -Dcountersign.test.jdbc-url=jdbc:postgresql://127.0.0.1:5432/countersign_faults \
  | grep -E 'Tests run:|FAIL|fault counts|runaway|polite|queue of' || status=1

echo
echo "-- counts per scenario ($COUNTS): kill -9 rounds summed"
awk -F'\t' '{ s = $1; sub(/ round [0-9]+ of [0-9]+/, " x" '"$ROUNDS"', s); k = s "\t" $2;
  if (!(k in sent)) order[++n] = k; sent[k] += $3; ans[k] += $4; ok[k] += $5; logged[k] += $6; lost[k] += $7 }
  END { printf "%-34s %-10s %8s %9s %8s %8s %5s\n", "scenario", "database", "sent", "answered", "200", "logged", "lost";
        for (i = 1; i <= n; i++) { split(order[i], p, "\t");
          printf "%-34s %-10s %8d %9d %8d %8d %5d\n", p[1], p[2], sent[order[i]], ans[order[i]], ok[order[i]], logged[order[i]], lost[order[i]] } }' "$COUNTS"
exit "$status"
