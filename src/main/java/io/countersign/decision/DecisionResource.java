package io.countersign.decision;

import java.util.concurrent.CompletionStage;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.countersign.http.Problems;
import io.countersign.identity.CurrentCaller;
import io.countersign.identity.Role;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;

/** {@code POST /v1/decisions} and {@code GET /v1/decisions/{id}}. */
@Path("/v1/decisions")
public class DecisionResource {
    private final DecisionService decisions;
    private final CurrentCaller caller;

    DecisionResource(DecisionService decisions, CurrentCaller caller) {
        this.decisions = decisions;
        this.caller = caller;
    }

    /** Runs on the event loop: parsing and evaluation take microseconds, and the log write is awaited, not blocked on. */
    @POST
    @RolesAllowed("agent")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> decide(byte[] body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return decisions.decide(caller.get(), body, idempotencyKey).thenApply(answer -> {
            Response.ResponseBuilder response = Response.ok(answer.body(), MediaType.APPLICATION_JSON);
            if (answer.replayed()) {
                response.header("Idempotent-Replayed", "true");
            }
            return response.build();
        });
    }

    @GET
    @Path("/{id}")
    @Authenticated
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public Response get(@PathParam("id") String id) {
        return decisions.find(id, caller.get(), caller.has(Role.AUDITOR))
                .map(body -> Response.ok(body, MediaType.APPLICATION_JSON).build())
                .orElseThrow(() -> Problems.notFound("no decision " + id + " that this caller may see").exception());
    }
}
