package io.countersign.approval;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Outbound webhooks, {@code countersign.webhooks.<name>.*}. Destinations come from configuration only,
 * never from a request, so no caller can make the service call an address of its choosing.
 */
@ConfigMapping(prefix = "countersign.webhooks")
public interface WebhookConfig {
    /** Destinations by name. */
    Map<String, Destination> destinations();

    /** Attempts per delivery, the first included. */
    @WithDefault("6")
    int attempts();

    /** The wait before the first retry; each retry waits twice as long as the one before. */
    @WithDefault("1s")
    Duration firstRetryAfter();

    interface Destination {
        URI url();

        /** Standard Webhooks secret: {@code whsec_} and base64 bytes. */
        String secret();

        /** Event types sent here; default all. */
        @WithDefault("approval.requested,approval.decided,approval.break_glass")
        List<String> events();
    }
}
