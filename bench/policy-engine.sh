#!/usr/bin/env bash
# Policy engine benchmarks, all in one run so the figures share the machine's conditions:
#   1. JMH, one thread, in-process decisions/s: the shipped pack, and the Cedar peer's rule set at
#      N = 10, 100, 1000 approval rules (same request mix, checked against the same oracle);
#   2. the Cedar peer (shared/peers/cedar): cedar-java (JNI) and cedar-wasm on the same rule sets;
#   3. wall time of `./countersign test` on the shipped suites, JVM start included (10 runs).
# Usage: bench/policy-engine.sh [--skip-cedar]   (SHARED=path/to/shared if not ../shared)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
cd "$ROOT"
. "$ROOT/bench/jmh-lib.sh"
jmh_build

echo "== JMH (decisions/s, one thread)"
jmh_run policy-engine PolicyEngineBenchmark -p root="$ROOT"

if [ "${1:-}" != "--skip-cedar" ]; then
  echo "== Cedar peer: cedar-java 4.10.0, PolicySet.cache()"
  "$SHARED/peers/cedar/java/run.sh" 10,100,1000 3 true | grep -E '^\|'
  echo "== Cedar peer: cedar-wasm 4.13.0, pre-parsed"
  "$SHARED/peers/cedar/run.sh" --n 10,100,1000 --seconds 3 | grep -E '^\|'
fi

echo "== ./countersign test, wall seconds over 10 runs"
./countersign test >/dev/null
times=()
for _ in $(seq 10); do
  start=$(date +%s%N)
  ./countersign test >/dev/null
  times+=("$(( ($(date +%s%N) - start) / 1000000 ))")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "min %.2f s, median %.2f s, max %.2f s\n", a[1]/1000, (a[5]+a[6])/2000, a[NR]/1000}'
