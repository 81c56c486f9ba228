package io.countersign.channel.slack;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.app_backend.interactive_components.ActionResponseSender;
import com.slack.api.app_backend.interactive_components.response.ActionResponse;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.model.User;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import com.slack.api.webhook.WebhookResponse;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Slack Web API calls this channel makes, through the SDK's {@link MethodsClient}. A failed call
 * (no answer, an HTTP error, or {@code "ok": false}) is logged, counted in
 * {@code countersign_slack_errors_total{method}} and answered as absent: talking to Slack never fails a
 * vote or a decision.
 */
@ApplicationScoped
public class SlackApi {
    private static final Logger LOG = Logger.getLogger(SlackApi.class);

    private final Slack slack;
    private final MethodsClient methods;
    private final MeterRegistry metrics;

    SlackApi(SlackChannelConfig config, MeterRegistry metrics) {
        SlackConfig sdk = new SlackConfig();
        sdk.setMethodsEndpointUrlPrefix(config.apiUrl().endsWith("/") ? config.apiUrl() : config.apiUrl() + "/");
        sdk.setStatsEnabled(false);
        sdk.setHttpClientCallTimeoutMillis(10_000);
        this.slack = Slack.getInstance(sdk);
        this.methods = slack.methods(config.botToken().orElse(""));
        this.metrics = metrics;
    }

    /** Posts a message (into the thread of {@code threadTs} when given); its {@code ts}, or empty if it failed. */
    public Optional<String> post(String channel, String text, List<LayoutBlock> blocks, String threadTs) {
        return call("chat.postMessage", () -> methods.chatPostMessage(r -> r.channel(channel).text(text).blocks(blocks)
                .threadTs(threadTs).unfurlLinks(false).unfurlMedia(false).linkNames(false)))
                .map(r -> r.getTs());
    }

    /** Replaces message {@code ts} in {@code channel}; whether Slack took it. */
    public boolean update(String channel, String ts, String text, List<LayoutBlock> blocks) {
        return call("chat.update", () -> methods.chatUpdate(r -> r.channel(channel).ts(ts).text(text).blocks(blocks)
                .linkNames(false))).isPresent();
    }

    /** The user {@code userId} as {@code users.info} gives it (email only with {@code users:read.email}). */
    public Optional<User> user(String userId) {
        return call("users.info", () -> methods.usersInfo(r -> r.user(userId))).map(r -> r.getUser());
    }

    /** Opens a modal for the click that gave {@code triggerId} (valid for 3 s). */
    public boolean openView(String triggerId, View view) {
        return call("views.open", () -> methods.viewsOpen(r -> r.triggerId(triggerId).view(view))).isPresent();
    }

    /** A message only the clicking user sees, through the interaction's {@code response_url}. */
    public void tellUser(String responseUrl, String text) {
        ActionResponse message = ActionResponse.builder().responseType("ephemeral").replaceOriginal(false).text(text).build();
        try {
            WebhookResponse response = new ActionResponseSender(slack).send(responseUrl, message);
            if (response.getCode() / 100 != 2) {
                failed("response_url", "HTTP " + response.getCode());
            }
        } catch (IOException | RuntimeException e) {
            failed("response_url", e.toString());
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws IOException, SlackApiException;
    }

    private <T extends SlackApiTextResponse> Optional<T> call(String method, Call<T> call) {
        try {
            T response = call.call();
            if (!response.isOk()) {
                failed(method, response.getError());
                return Optional.empty();
            }
            return Optional.of(response);
        } catch (IOException | SlackApiException | RuntimeException e) {
            failed(method, e.toString());
            return Optional.empty();
        }
    }

    private void failed(String method, String why) {
        LOG.warnf("Slack %s failed: %s", method, why);
        metrics.counter("countersign.slack.errors", "method", method).increment();
    }
}
