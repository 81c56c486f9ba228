package io.countersign.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.context.ManagedExecutor;

import io.countersign.http.Problems;
import io.countersign.http.QueryParams;
import io.countersign.identity.CurrentCaller;
import io.countersign.identity.Role;
import io.countersign.policy.api.Caller;
import io.countersign.yaml.JsonDocument;
import io.countersign.yaml.YamlException;
import io.countersign.yaml.YamlNode;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;

/** The approval API of DESIGN.md: list, read (and wait), approve, deny, cancel. */
@Path("/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Blocking
public class ApprovalResource {
    static final int MAX_LIST = 500;

    public record ApprovalList(List<ApprovalView> approvals) {
    }

    private record VoteBody(String comment, boolean breakGlass) {
    }

    private final ApprovalService approvals;
    private final ApprovalEvents events;
    private final ApprovalConfig config;
    private final CurrentCaller caller;
    private final ManagedExecutor executor;

    ApprovalResource(ApprovalService approvals, ApprovalEvents events, ApprovalConfig config, CurrentCaller caller,
            ManagedExecutor executor) {
        this.approvals = approvals;
        this.events = events;
        this.config = config;
        this.caller = caller;
        this.executor = executor;
    }

    @GET
    public ApprovalList list(@QueryParam("status") @DefaultValue("PENDING") String status,
            @QueryParam("limit") @DefaultValue("100") String limit) {
        ApprovalStatus wanted;
        try {
            wanted = ApprovalStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw Problems.badParameter("status", "one of " + List.of(ApprovalStatus.values())).exception();
        }
        return new ApprovalList(approvals.decidable(caller.get(), wanted, (int) QueryParams.number("limit", limit, 1, MAX_LIST)));
    }

    /**
     * The request; with {@code waitSeconds}, a pending request is answered as soon as it changes (or the
     * wait ends). The wait holds a future, not a thread.
     */
    @GET
    @Path("/{id}")
    public CompletionStage<ApprovalView> get(@PathParam("id") String id, @QueryParam("waitSeconds") @DefaultValue("0") String waitSeconds) {
        int wait = (int) QueryParams.number("waitSeconds", waitSeconds, 0, config.maxWaitSeconds());
        Caller who = caller.get();
        boolean auditor = caller.has(Role.AUDITOR);
        ApprovalView now = read(id, who, auditor);
        if (wait == 0 || now.status() != ApprovalStatus.PENDING) {
            return CompletableFuture.completedFuture(now);
        }
        Duration untilDeadline = Duration.between(Instant.now(), Instant.parse(now.expiresAt())).plusMillis(50);
        Duration timeout = untilDeadline.compareTo(Duration.ofSeconds(wait)) < 0 ? untilDeadline : Duration.ofSeconds(wait);
        return events.next(id, version(id), timeout.isNegative() ? Duration.ZERO : timeout)
                .thenApplyAsync(changed -> read(id, who, auditor), executor);
    }

    @POST
    @Path("/{id}/approve")
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<ApprovalView> approve(@PathParam("id") String id, byte[] body) {
        VoteBody vote = body(body, Set.of("comment", "breakGlass"));
        return approvals.approve(id, caller.get(), vote.comment(), vote.breakGlass(), ApprovalService.CHANNEL_API);
    }

    @POST
    @Path("/{id}/deny")
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<ApprovalView> deny(@PathParam("id") String id, byte[] body) {
        return approvals.deny(id, caller.get(), body(body, Set.of("comment")).comment(), ApprovalService.CHANNEL_API);
    }

    @POST
    @Path("/{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<ApprovalView> cancel(@PathParam("id") String id, byte[] body) {
        body(body, Set.of());
        return approvals.cancel(id, caller.get());
    }

    private ApprovalView read(String id, Caller who, boolean auditor) {
        return approvals.view(id, who, auditor)
                .orElseThrow(() -> Problems.notFound("no approval request " + id + " that this caller may see").exception());
    }

    private static long version(String id) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> ApprovalRecord.<ApprovalRecord> findById(id).version);
    }

    private static VoteBody body(byte[] body, Set<String> keys) {
        if (body == null || body.length == 0) {
            return new VoteBody(null, false);
        }
        try {
            YamlNode.Mapping m = JsonDocument.parse(body, "body").mapping(keys);
            String comment = m.getUnlessNull("comment").map(YamlNode::string).orElse(null);
            boolean breakGlass = m.getUnlessNull("breakGlass").map(YamlNode::bool).orElse(false);
            return new VoteBody(comment, breakGlass);
        } catch (YamlException e) {
            throw Problems.badRequest(e).exception();
        }
    }
}
