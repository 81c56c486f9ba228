package io.countersign.evidence;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Evidence bundles: {@code countersign.evidence.*}. */
@ConfigMapping(prefix = "countersign.evidence")
public interface EvidenceConfig {
    /** The longest period one bundle may cover; a longer {@code from}–{@code to} is refused (400, field {@code to}). */
    @WithDefault("366d")
    Duration maxRange();

    /**
     * How far the stored {@code recorded_at} column (not covered by the hash) may lie from the entry's own
     * {@code recordedAt} (clocks of several instances): the scan starts this much before {@code from} and
     * selects entries by the time inside their hashed body.
     */
    @WithDefault("5m")
    Duration clockSkew();
}
