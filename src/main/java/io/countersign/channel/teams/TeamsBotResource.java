package io.countersign.channel.teams;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.countersign.http.Problems;
import io.smallrye.common.annotation.Blocking;

/**
 * The bot's messaging endpoint: Bot Framework activities, authenticated by the Bot Framework token they
 * carry, not by a Countersign token ({@code @PermitAll}, and authentication is not proactive, so the
 * OIDC bearer check never looks at this request). A token that does not pass is 401 and nothing happens.
 */
@Path("/v1/integrations/teams/messages")
@PermitAll
@Blocking
public class TeamsBotResource {
    private static final Logger LOG = Logger.getLogger(TeamsBotResource.class);

    private final TeamsConfig config;
    private final BotFrameworkTokens tokens;
    private final TeamsActions actions;

    TeamsBotResource(TeamsConfig config, BotFrameworkTokens tokens, TeamsActions actions) {
        this.config = config;
        this.tokens = tokens;
        this.actions = actions;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> receive(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        if (!config.bot().enabled()) {
            throw Problems.notFound("the Teams bot is not enabled (countersign.teams.bot.enabled)").exception();
        }
        if (authorization == null || authorization.isBlank()) {
            throw Problems.unauthorized("a Bot Framework token is required").exception();
        }
        JsonNode activity = activity(body);
        try {
            tokens.verify(authorization, activity.path("serviceUrl").asText(null), activity.path("channelId").asText(null));
        } catch (BotFrameworkTokens.Rejected e) {
            LOG.infof("Teams activity refused: %s", e.getMessage());
            throw Problems.unauthorized("the Bot Framework token was refused: " + e.getMessage()).exception();
        }
        if (!"invoke".equals(activity.path("type").asText())) {
            // Messages, installs, conversation updates: acknowledged, nothing to do.
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        if (!"adaptiveCard/action".equals(activity.path("name").asText())) {
            return CompletableFuture.completedFuture(Response.status(501).build());
        }
        return actions.execute(activity).thenApply(answer -> Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).build());
    }

    private static JsonNode activity(byte[] body) {
        try {
            JsonNode activity = body == null || body.length == 0 ? null : TeamsHttp.JSON.readTree(body);
            if (activity != null && activity.isObject()) {
                return activity;
            }
        } catch (IOException e) {
            // answered below
        }
        throw Problems.badParameter("body", "a Bot Framework activity (a JSON object) is required").exception();
    }
}
