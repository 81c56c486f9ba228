#!/usr/bin/env python3
"""Summarises an async-profiler profile in collapsed form, recorded with the 'threads' option.

Usage: collapsed-summary.py FILE REQUESTS INTERVAL

INTERVAL is the sampling interval as async-profiler took it: a number with ns, us, ms or s (ns without).

Prints, per thread group (the thread's name up to a trailing number, as bench/decision-profile.sh groups
/proc's CPU ticks), its samples as CPU microseconds per request (samples x interval / requests), and for
the log threads and the event loops the same split into parts: each sample goes to the first part in
PARTS that any frame of its stack matches, so a part holds what runs under it (the kernel's work in a
pwrite is the chunk write's); the rest goes to the framework of its innermost frame (FRAMEWORKS).
The groups' sums are comparable with the /proc figures of the same run.
"""
import collections
import re
import sys


# (label, frame patterns), in the order a stack is matched against them.
PARTS = [
    ("H2 chunk write (pwrite, the kernel copying it into the page cache)", ["FileDispatcherImpl.pwrite"]),
    ("fsync", ["FileDispatcherImpl.force"]),
    ("answering the callers", ["CompletableFuture.complete"]),
    ("H2 page serialization", ["FileStore.serializeToBuffer"]),
    ("H2 insert", ["org/h2/command/dml/Insert"]),
    ("H2 SQL parsing", ["org/h2/command/Parser"]),
    ("H2 MVStore, other", ["org/h2/mvstore"]),
    ("H2, other", ["org/h2/"]),
    ("token check (JWT parse, RS256)", ["org/jose4j", "RSACore"]),
    ("caller and roles from the token", ["CallerAugmentor"]),
    ("policy evaluation (Drools)", ["org/drools"]),
    ("canonical JSON", ["CanonicalJson"]),
    ("Jackson", ["com/fasterxml/jackson"]),
    ("SHA-256", ["HashChain", "MessageDigest", "sha256"]),
    ("thread hand-offs (park, unpark)", ["Unsafe.park", "Unsafe.unpark", "futex"]),
    ("socket reads and writes", ["SocketDispatcher", "writev", "readv"]),
    ("metrics (Micrometer)", ["io/micrometer"]),
]
# Frameworks every stack of a thread passes through: a sample that matched no part above goes to the one
# of its innermost frame, not to the event loop it runs on.
FRAMEWORKS = [
    ("Hibernate", ["org/hibernate"]),
    ("JTA transaction", ["arjuna", "narayana"]),
    ("CDI and context propagation (Arc, SmallRye, Mutiny)", ["io/quarkus/arc", "io/smallrye"]),
    ("security and OIDC, other", ["io/quarkus/security", "io/quarkus/oidc", "io/quarkus/vertx/http/runtime/security"]),
    ("RESTEasy Reactive, other", ["org/jboss/resteasy", "io/quarkus/resteasy"]),
    ("Netty and Vert.x, other", ["io/netty", "io/vertx", "io/quarkus/vertx"]),
    ("Countersign, other", ["io/countersign"]),
]
DETAILED = ("cs-log-writer", "cs-log-flusher", "vert.x-eventloop-thread")


def part_of(frames):
    for label, patterns in PARTS:
        if any(p in f for f in frames for p in patterns):
            return label
    for frame in reversed(frames):
        for label, patterns in FRAMEWORKS:
            if any(p in frame for p in patterns):
                return label
    return "other (JVM, kernel, libraries)"


def group_of(frame):
    name = re.sub(r" tid=\d+\]$", "", frame.lstrip("["))
    return re.sub(r"[-_#]*\d+$", "", name)


def microseconds(interval):
    m = re.fullmatch(r"(\d+)(ns|us|ms|s)?", interval)
    if not m:
        sys.exit(f"the interval {interval!r} is not a number with ns, us, ms or s")
    return int(m.group(1)) * {"ns": 0.001, "us": 1, "ms": 1000, "s": 1000000, None: 0.001}[m.group(2)]


def main():
    path, requests, interval = sys.argv[1], int(sys.argv[2]), microseconds(sys.argv[3])
    groups = collections.Counter()
    parts = collections.defaultdict(collections.Counter)
    with open(path) as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack.startswith("["):
                sys.exit(f"{path}: stacks carry no thread names: record with the 'threads' option")
            frames = stack.split(";")
            group, n = group_of(frames[0]), int(count)
            groups[group] += n
            if group in DETAILED:
                parts[group][part_of(frames[1:])] += n
    total = sum(groups.values())
    print(f"  {total} samples, {interval:.0f} us each, {requests} requests")
    for group, n in groups.most_common():
        if n * interval / requests < 1:
            break
        print(f"  {group:28} {n * interval / requests:7.1f} us/request ({100 * n / total:.0f} % of the samples)")
    for group in DETAILED:
        if group in groups:
            print(f"  -- {group}, by part (us/request)")
            for label, n in parts[group].most_common():
                if n * interval / requests >= 0.5:
                    print(f"     {n * interval / requests:6.1f}  {label}")


if __name__ == "__main__":
    main()
