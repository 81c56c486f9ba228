package io.countersign.identity;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A token bucket per caller ({@link RateLimitConfig}): {@code burst} requests at once, refilled at
 * {@code perSecond}. The table of callers is bounded: idle callers (full buckets) are dropped to make
 * room, and when every tracked caller is active a new one is refused rather than let in unlimited.
 */
@ApplicationScoped
public class RateLimits {
    private static final long SECOND = 1_000_000_000L;

    private final RateLimitConfig config;
    private final Counter refused;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final double perNano;

    RateLimits(RateLimitConfig config, MeterRegistry registry) {
        this.config = config;
        this.perNano = config.perSecond() / SECOND;
        this.refused = Counter.builder("countersign_rate_limited").description("Requests refused with 429 rate_limited")
                .register(registry);
        Gauge.builder("countersign_rate_limit_callers", buckets, Map::size)
                .description("Callers whose request rate is being tracked").register(registry);
    }

    boolean enabled() {
        return config.perSecond() > 0;
    }

    double perSecond() {
        return config.perSecond();
    }

    /** Takes one request from {@code caller}'s bucket: 0 when admitted, else the whole seconds to wait. */
    long take(String caller) {
        long now = System.nanoTime();
        Bucket bucket = bucket(caller, now);
        long waitNanos = bucket == null ? SECOND : bucket.take(now);
        if (waitNanos == 0) {
            return 0;
        }
        refused.increment();
        return Math.max(1, (waitNanos + SECOND - 1) / SECOND);
    }

    private Bucket bucket(String caller, long now) {
        Bucket bucket = buckets.get(caller);
        if (bucket != null) {
            return bucket;
        }
        if (buckets.size() >= config.maxCallers()) {
            dropIdle(now);
            if (buckets.size() >= config.maxCallers()) {
                return null;
            }
        }
        return buckets.computeIfAbsent(caller, c -> new Bucket(config.burst(), now));
    }

    /** Forgets callers whose bucket has refilled: a new bucket would start where theirs is. */
    private void dropIdle(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext();) {
            if (it.next().full(now)) {
                it.remove();
            }
        }
    }

    /** {@code tokens} as of {@code at}, refilled at the configured rate up to the burst. */
    private final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        /** Takes a token and answers 0, or answers the nanoseconds until one is there. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= config.burst();
        }

        private void refill(long now) {
            if (now > at) {
                tokens = Math.min(config.burst(), tokens + (now - at) * perNano);
                at = now;
            }
        }
    }
}
