#!/usr/bin/env bash
# Decision-log chain verification speed: entries/s, one thread, over 100,000 in-memory entries shaped
# like decision log entries (695 bytes of canonical JSON each). Usage: bench/chain-verify.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/bench/jmh-lib.sh"
jmh_build
echo "== JMH ChainVerifyBenchmark (entries/s)"
jmh_run chain-verify ChainVerifyBenchmark
