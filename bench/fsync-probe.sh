#!/usr/bin/env bash
# How long the disk takes to make a small write durable: writes 8 KB and calls fdatasync, over and over, for
# SECONDS (15), into a scratch file in DIR (default /var/lib/postgresql, where PostgreSQL keeps its WAL on
# the development and CI machines), and prints the latency percentiles. A commit of the decision log waits
# for one such flush (PostgreSQL's WAL, or H2's file), so this is the floor under the commit time that
# bench/decision-endpoint.sh reports; run it on an idle machine.
# Usage: bench/fsync-probe.sh [DIR] [SECONDS]
set -euo pipefail
DIR="${1:-/var/lib/postgresql}"
SECS="${2:-15}"
python3 - "$DIR" "$SECS" <<'PY'
import os, sys, tempfile, time
directory, seconds = sys.argv[1], float(sys.argv[2])
fd, path = tempfile.mkstemp(prefix="fsync-probe-", dir=directory)
try:
    block = b"x" * 8192
    took = []
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        os.pwrite(fd, block, (i % 2048) * 8192)
        i += 1
        started = time.perf_counter()
        os.fdatasync(fd)
        took.append((time.perf_counter() - started) * 1000)
finally:
    os.close(fd)
    os.unlink(path)
took.sort()
n = len(took)
at = lambda q: took[min(n - 1, int(n * q))]
print(f"{directory}: {n} fdatasync calls of 8 KB writes in {seconds:.0f} s: "
      f"p50 {at(0.5):.2f} ms, p90 {at(0.9):.2f} ms, p99 {at(0.99):.2f} ms, p99.9 {at(0.999):.2f} ms, max {took[-1]:.1f} ms")
PY
