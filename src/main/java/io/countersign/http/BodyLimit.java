package io.countersign.http;

import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses bodies over 64 KiB with a problem+json 413 before reading them: by their declared length up
 * front, and, for chunked bodies, when the HTTP layer's own limit ({@code quarkus.http.limits.max-body-size})
 * stops the read.
 */
public class BodyLimit {
    private static final ObjectMapper JSON = new ObjectMapper();

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(BodyLimit::checkDeclaredLength);
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                reject(ctx);
            } else {
                ctx.next();
            }
        });
    }

    private static void checkDeclaredLength(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > Problems.MAX_BODY_BYTES) {
                    reject(ctx);
                    return;
                }
            } catch (NumberFormatException e) {
                // the HTTP layer refuses a malformed length itself
            }
        }
        ctx.next();
    }

    private static void reject(RoutingContext ctx) {
        try {
            ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(JSON.writeValueAsString(Problems.tooLarge()));
        } catch (JsonProcessingException e) {
            ctx.fail(413);
        }
    }
}
