package io.countersign.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Per-caller request limits: {@code countersign.rate-limit.*}. Each caller (the token's subject) has a
 * bucket of {@link #burst()} requests that refills at {@link #perSecond()}; a request that finds it empty
 * gets {@code 429 rate_limited} with {@code Retry-After}, before any of its work is done.
 */
@ConfigMapping(prefix = "countersign.rate-limit")
public interface RateLimitConfig {
    /** Requests per second each caller may sustain; 0 turns the limit off. */
    @WithDefault("200")
    double perSecond();

    /** Requests a caller may send at once after a quiet spell. */
    @WithDefault("400")
    int burst();

    /**
     * Callers tracked at once. Idle callers' buckets are dropped first; when every tracked caller is
     * active, a new one is refused (429) rather than letting the table grow without bound.
     */
    @WithDefault("100000")
    int maxCallers();
}
