package io.countersign.channel.teams;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Bot Connector REST API, as the bot: a client-credentials token from Entra ID (kept until shortly
 * before it expires), then activities sent to, replied in and updated in a conversation.
 */
@ApplicationScoped
public class BotConnector {
    static final String SCOPE = "https://api.botframework.com/.default";
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    private record Token(String value, Instant renewAt) {
    }

    private final TeamsConfig config;
    private final TeamsHttp http;
    private Token token;

    BotConnector(TeamsConfig config, TeamsHttp http) {
        this.config = config;
        this.http = http;
    }

    /** Sends {@code activity} to the conversation; answers the new activity's id. */
    public String send(String conversationId, Map<String, Object> activity) throws TeamsHttp.CallFailed {
        return id(http.json("POST", activities(conversationId, null), activity, token()), "send");
    }

    /** Replies to activity {@code activityId} in the conversation. */
    public void reply(String conversationId, String activityId, Map<String, Object> activity) throws TeamsHttp.CallFailed {
        Map<String, Object> reply = new LinkedHashMap<>(activity);
        reply.put("replyToId", activityId);
        http.json("POST", activities(conversationId, activityId), reply, token());
    }

    /** Replaces activity {@code activityId} (the card posted earlier) with {@code activity}. */
    public void update(String conversationId, String activityId, Map<String, Object> activity) throws TeamsHttp.CallFailed {
        Map<String, Object> update = new LinkedHashMap<>(activity);
        update.put("id", activityId);
        http.json("PUT", activities(conversationId, activityId), update, token());
    }

    private URI activities(String conversationId, String activityId) {
        String base = config.bot().serviceUrl().orElseThrow().toString();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return URI.create(base + "/v3/conversations/" + TeamsHttp.segment(conversationId) + "/activities"
                + (activityId == null ? "" : "/" + TeamsHttp.segment(activityId)));
    }

    private synchronized String token() throws TeamsHttp.CallFailed {
        Instant now = Instant.now();
        if (token != null && now.isBefore(token.renewAt())) {
            return token.value();
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", config.bot().appId().orElseThrow());
        form.put("client_secret", config.bot().appPassword().orElseThrow());
        form.put("scope", SCOPE);
        JsonNode answer = http.form(config.bot().tokenUrl(), form);
        String value = answer.path("access_token").asText(null);
        long expiresIn = answer.path("expires_in").asLong(0);
        if (value == null || value.isBlank() || expiresIn <= 0) {
            throw new TeamsHttp.CallFailed("the token endpoint answered no access_token with expires_in", null);
        }
        Duration life = Duration.ofSeconds(expiresIn);
        Duration keep = life.compareTo(RENEW_BEFORE.multipliedBy(2)) > 0 ? life.minus(RENEW_BEFORE) : life.dividedBy(2);
        token = new Token(value, now.plus(keep));
        return value;
    }

    private static String id(JsonNode answer, String what) throws TeamsHttp.CallFailed {
        String id = answer.path("id").asText(null);
        if (id == null || id.isBlank()) {
            throw new TeamsHttp.CallFailed(what + ": the connector answered no activity id", null);
        }
        return id;
    }
}
