package io.countersign.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.countersign.audit.ChainEntry;
import io.countersign.audit.ChainVerifier;
import io.countersign.audit.HashChain;
import io.countersign.canonical.CanonicalJson;

/** Decision-log chain verification: entries per second (one operation = one entry), one thread. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class ChainVerifyBenchmark {
    static final int ENTRIES = 100_000;
    List<ChainEntry> chain;

    /** Entries shaped like decision log entries (about 700 bytes of canonical JSON each). */
    @Setup(Level.Trial)
    public void build() {
        chain = new ArrayList<>(ENTRIES);
        byte[] previous = HashChain.GENESIS;
        for (int i = 1; i <= ENTRIES; i++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("sequence", i);
            entry.put("time", "2026-11-21T10:00:00." + (100_000 + i % 900_000) + "Z");
            entry.put("type", "decision");
            entry.put("caller", Map.of("id", "agent:analytics-bot-" + i % 50, "type", "agent", "groups", List.of("agents")));
            entry.put("request", Map.of("action", "aws.s3.export", "onBehalfOf", "alice@example.com",
                    "resource", Map.of("type", "s3-bucket", "id", "customer-data-" + i, "environment", "production",
                            "classification", "confidential", "attributes", Map.of("destination", "s3://corp-analytics-exports")),
                    "context", Map.of("reason", "churn analysis", "ticket", "OPS-" + i)));
            entry.put("outcome", "REQUIRE_APPROVAL");
            entry.put("reasons", List.of(Map.of("rule", "data.export.confidential-production",
                    "controls", List.of("SOC2:CC6.7", "ISO27001:A.8.12", "FEDRAMP:AC-6(9)"))));
            entry.put("policyVersion", "sha256:42d7bc706c060a3139571712e4323491b39817d16a762f2a904de68e3f1b3c1c");
            ChainEntry link = HashChain.append(i, previous, CanonicalJson.bytes(entry));
            chain.add(link);
            previous = link.hash();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public ChainVerifier.Result verify() {
        ChainVerifier.Result result = ChainVerifier.verify(chain.iterator(), 1, HashChain.GENESIS, Map.of());
        if (!result.valid()) {
            throw new IllegalStateException(result.problem());
        }
        return result;
    }
}
