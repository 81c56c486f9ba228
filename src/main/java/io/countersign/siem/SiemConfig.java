package io.countersign.siem;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** SIEM feeds: {@code countersign.siem.*}. Pull ({@code GET /v1/log/events}) needs no settings; push is off without a URL. */
@ConfigMapping(prefix = "countersign.siem")
public interface SiemConfig {
    /** Pushing the log's events to an HTTP endpoint that accepts Splunk HTTP Event Collector requests. */
    Push push();

    interface Push {
        /** The collector's event endpoint, e.g. {@code https://splunk:8088/services/collector/event}; no URL, no push. */
        Optional<URI> url();

        /** The HEC token, sent as {@code Authorization: Splunk <token>}; required with a URL. */
        Optional<String> token();

        /** {@code ocsf} or {@code ecs}. */
        @WithDefault("ocsf")
        SiemFormat format();

        /** Entries per request, 1 to 10,000. */
        @WithDefault("500")
        int batchSize();

        /**
         * How often to look for new entries (also {@code @Scheduled} reads it); a pass sends batches until it
         * has caught up with the head or a request fails.
         */
        @WithDefault("5s")
        Duration every();

        /**
         * The name of this destination's row in {@code siem_destination}, where the last acknowledged sequence
         * is kept. A new name starts again from the first entry.
         */
        @WithDefault("default")
        String destination();

        /** HEC {@code sourcetype}; empty means {@code countersign:ocsf} or {@code countersign:ecs}. */
        Optional<String> sourcetype();

        /** HEC {@code index}; empty means the token's default index. */
        Optional<String> index();

        /** How long one request may take. */
        @WithDefault("10s")
        Duration timeout();

        /** The first wait after a failed request; each further failure doubles it, up to {@code max-backoff}. */
        @WithDefault("1s")
        Duration backoff();

        @WithDefault("5m")
        Duration maxBackoff();

        /**
         * How long an instance holds the destination after its last batch. Several instances may run; only
         * the holder pushes, and another takes over once the hold has lapsed.
         */
        @WithDefault("1m")
        Duration hold();
    }
}
