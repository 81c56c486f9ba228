package io.countersign.channel.slack;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.countersign.http.Problem;
import io.countersign.http.Problems;
import io.smallrye.common.annotation.Blocking;

/**
 * Slack's Interactivity Request URL: button clicks and modal submissions, as a form with one
 * {@code payload} field of JSON. Slack cannot send a bearer token, so there is none: the request
 * signature, checked over the raw body before anything is read from it, is the authentication.
 */
@Path("/v1/integrations/slack/interactions")
@PermitAll
@Blocking
public class SlackInteractionResource {
    private final SlackChannelConfig config;
    private final SignedRequests signed;
    private final SlackInteractions interactions;

    SlackInteractionResource(SlackChannelConfig config, SignedRequests signed, SlackInteractions interactions) {
        this.config = config;
        this.signed = signed;
        this.interactions = interactions;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> interact(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature, byte[] body) {
        if (!config.enabled()) {
            throw Problems.notFound("the Slack channel is not enabled").exception();
        }
        byte[] raw = body == null ? new byte[0] : body;
        Problem refusal = signed.refusal(timestamp, signature, raw);
        if (refusal != null) {
            throw refusal.exception();
        }
        return interactions.handle(payload(raw))
                .thenApply(json -> json == null ? Response.ok().build() : Response.ok(json, MediaType.APPLICATION_JSON).build());
    }

    /** The {@code payload} field of the form body. */
    private static String payload(byte[] body) {
        try {
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && "payload".equals(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8))) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        } catch (IllegalArgumentException e) {
            throw Problems.badParameter("payload", "the form is not URL-encoded").exception();
        }
        throw Problems.badParameter("payload", "the form has no payload field").exception();
    }
}
