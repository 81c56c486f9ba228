package io.countersign.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The decision log: {@code countersign.log.*}. */
@ConfigMapping(prefix = "countersign.log")
public interface LogConfig {
    /** Most entries written in one transaction. */
    @WithDefault("256")
    int maxBatch();

    /**
     * Entries that may wait for the writer, those of the batch it is gathering included; beyond that callers
     * get 503 at once. Eight full batches: a few milliseconds of work for a healthy writer, and a bound on the
     * memory waiting entries hold.
     */
    @WithDefault("2048")
    int queueCapacity();

    /**
     * Under load (entries arriving together), how long the writer waits after the first queued entry for
     * more to share its commit; a lone caller is never held. 0 turns gathering off.
     */
    @WithDefault("1ms")
    Duration gather();

    /**
     * The gather window also ends once no entry has arrived for this long (300 µs: the callers have queued
     * theirs, and a longer wait leaves the CPU idle; docs/BENCHMARKS.md, 2026-12-06, sixth session).
     * 0: only the window and a full batch end it.
     */
    @WithDefault("PT0.0003S")
    Duration gatherPause();

    /**
     * Writer threads of this instance, each committing its own batches. Every writer takes the chain head
     * lock, so there is still one chain. More than one showed no gain on PostgreSQL on a 2-core machine
     * (docs/BENCHMARKS.md), where one commits while the other waits for the lock.
     */
    @WithDefault("1")
    int writers();

    /**
     * Threads that read the log ahead of verification, each a range of sequence numbers. Default: 2 to 4
     * on PostgreSQL, whose backends read in parallel; 2 on embedded H2.
     */
    Optional<Integer> readers();

    /** How long a caller waits for its entry to be committed before it gets 503. */
    @WithDefault("10s")
    Duration appendTimeout();

    /** How often a signed checkpoint is taken over the chain head (when the head moved). */
    @WithDefault("5m")
    Duration checkpointEvery();

    /** The Ed25519 checkpoint key (PEM); default {@code keys/checkpoint-ed25519.pem} under the data directory. */
    Optional<Path> checkpointKey();

    /**
     * Base64 Ed25519 public keys, besides this instance's own, whose checkpoints verification accepts
     * (other instances' keys, or a retired key).
     */
    Optional<List<String>> trustedCheckpointKeys();

    /**
     * Request paths (dotted, {@code *} for any one key) whose values are replaced by {@code "***"} before
     * logging, e.g. {@code context.reason}, {@code resource.attributes.*}.
     */
    Optional<List<String>> mask();

    /** Request paths removed entirely before logging. */
    Optional<List<String>> erase();
}
