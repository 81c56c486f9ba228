# Shared by the bench scripts: build the project and the JMH module, run benchmarks, print medians.
# Source it after setting ROOT (the repository root).
OUT="$ROOT/bench/jmh/target"

jmh_build() {
  (cd "$ROOT" && ./mvnw -B -q install -DskipTests \
    && ./mvnw -B -q -f bench/jmh/pom.xml package dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt")
}

# jmh_run RESULT_NAME BENCHMARK_REGEX [JMH ARGS...]: runs, keeps JMH's summary lines, then prints
# the median, min and max of the measurement iterations of each benchmark.
jmh_run() {
  local name="$1" pattern="$2"
  shift 2
  java -cp "$OUT/classes:$(cat "$OUT/cp.txt")" org.openjdk.jmh.Main "$pattern" "$@" \
    -rf json -rff "$OUT/$name.json" 2>&1 | grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)'
  echo "-- medians of the measurement iterations (ops/s)"
  python3 - "$OUT/$name.json" <<'PY'
import json, statistics, sys
for run in json.load(open(sys.argv[1])):
    scores = [s for fork in run["primaryMetric"]["rawData"] for s in fork]
    params = ",".join(f"{k}={v}" for k, v in sorted(run.get("params", {}).items()) if k != "root")
    print(f"{run['benchmark'].rsplit('.', 1)[1]:18} {params:12} median {statistics.median(scores):>12,.0f}  "
          f"min {min(scores):>12,.0f}  max {max(scores):>12,.0f}")
PY
}
