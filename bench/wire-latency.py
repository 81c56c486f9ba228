#!/usr/bin/env python3
"""Latency of each request as the wire shows it, from `tcpdump -nn -tt` text on stdin.

Usage: tcpdump -r CAPTURE.pcap -nn -tt | bench/wire-latency.py PORT CONNECTIONS

The capture holds the data-carrying segments (PSH) between wrk and the service on PORT; each request and
each answer is one segment here (a segment without a partner on its connection is counted and reported).
A request's latency is the time from its segment to the answer's segment on the same connection.

Printed: the raw percentiles, then the same latencies with the correction wrk 4 applies before it reports
percentiles (stats_correct in wrk's stats.c: a request that took n >= 2 x I, I the mean time per request
per connection, adds samples at n - I, n - 2I, ... while above I; it stands for the requests an
open-loop client would have sent during the stall), then the longest stalls with their time in the capture.
"""
import re
import sys
from collections import Counter

SEGMENT = re.compile(r"^(\d+\.\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+):.* length (\d+)")


def percentile(counts, total, p):
    rank = p / 100 * total
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return 0


def summary(counts, total):
    return " ".join(f"p{p} {percentile(counts, total, p) / 1000:.1f}" for p in (50, 90, 99, 99.5, 99.9)) + " ms"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: tcpdump -r CAPTURE -nn -tt | wire-latency.py PORT CONNECTIONS")
    port, connections = int(sys.argv[1]), int(sys.argv[2])
    sent = {}
    latencies = []  # (microseconds, answered at)
    doubled = 0
    first = last = None
    for line in sys.stdin:
        m = SEGMENT.match(line)
        if not m or int(m.group(4)) == 0:
            continue
        at, source, target = float(m.group(1)), int(m.group(2)), int(m.group(3))
        if target == port:
            doubled += source in sent
            sent[source] = at
            first = at if first is None else first
        elif source == port:
            asked = sent.pop(target, None)
            if asked is None:
                doubled += 1
                continue
            latencies.append((round((at - asked) * 1e6), at))
            last = at
    if not latencies:
        sys.exit("no request and answer pairs in the capture")
    raw = Counter(us for us, _ in latencies)
    total = len(latencies)
    print(f"requests answered {total}; segments without a partner: {doubled} (in flight when the capture began or ended, or split)")
    print(f"raw:       {summary(raw, total)}, max {max(raw) / 1000:.1f} ms")
    interval = round((last - first) * 1e6 / (total / connections))
    corrected = Counter(raw)
    corrected_total = total
    for n, count in raw.items():
        if n < 2 * interval:
            continue
        m = n - interval
        while m > interval:
            corrected[m] += count
            corrected_total += count
            m -= interval
    print(f"as wrk:    {summary(corrected, corrected_total)} (I = {interval / 1000:.2f} ms, "
          f"{corrected_total - total} samples added)")
    stalls = sorted(((us, at) for us, at in latencies if us >= 50_000), key=lambda s: s[1])
    grouped = []
    for us, at in stalls:
        if grouped and at - grouped[-1][2] < 0.05:
            grouped[-1][0] = max(grouped[-1][0], us)
            grouped[-1][1] += 1
            grouped[-1][2] = at
        else:
            grouped.append([us, 1, at, at])
    print(f"answers taking 50 ms or more: {len(stalls)}, in {len(grouped)} stall(s)"
          + "".join(f"; at {g[3] - first:.1f} s: {g[1]} answers, longest {g[0] / 1000:.0f} ms" for g in grouped[:10]))


if __name__ == "__main__":
    main()
