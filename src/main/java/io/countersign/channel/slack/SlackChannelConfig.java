package io.countersign.channel.slack;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Slack channel, {@code countersign.slack.*}: approval requests posted to the channels of their
 * approver groups, decided with the message's buttons.
 */
@ConfigMapping(prefix = "countersign.slack")
public interface SlackChannelConfig {
    /** Off by default: nothing is posted and the interactions endpoint answers 404. */
    @WithDefault("false")
    boolean enabled();

    /** The app's bot token ({@code xoxb-…}); scopes {@code chat:write}, {@code users:read}, {@code users:read.email}. */
    Optional<String> botToken();

    /** The app's signing secret, which every interaction request is verified against. */
    Optional<String> signingSecret();

    /** Where the Web API is; a test points it at a local fake. */
    @WithDefault("https://slack.com/api/")
    String apiUrl();

    /** Channel id by approver group: {@code countersign.slack.channels."security"=C0123456}. */
    Map<String, String> channels();

    /** Where requests go whose groups map to no channel; without it they are not posted (a warning is logged). */
    Optional<String> defaultChannel();

    /**
     * How far a request's {@code X-Slack-Request-Timestamp} may be from now, either way; a signature seen
     * once is refused for this long, so a captured request cannot be replayed.
     */
    @WithDefault("5m")
    Duration maxClockSkew();
}
