package io.countersign.audit;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.countersign.http.Problems;
import io.countersign.http.QueryParams;
import io.smallrye.common.annotation.Blocking;

/** The decision log for auditors and SIEM pull: paging, verification, checkpoints. */
@Path("/v1/log")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("auditor")
@Blocking
public class LogResource {
    static final int MAX_LIMIT = 1_000;

    public record CheckpointView(long sequence, String headHash, String signedAt, String signature, String publicKey) {
        static CheckpointView of(CheckpointRecord r) {
            return new CheckpointView(r.sequence, r.headHash, r.signedAt, r.signature, r.publicKey);
        }
    }

    public record Checkpoints(String publicKey, List<CheckpointView> checkpoints) {
    }

    private final LogReader reader;
    private final LogVerification verification;
    private final CheckpointService checkpoints;

    LogResource(LogReader reader, LogVerification verification, CheckpointService checkpoints) {
        this.reader = reader;
        this.verification = verification;
        this.checkpoints = checkpoints;
    }

    /**
     * Entries after {@code afterSequence}, oldest first. Each carries its stored canonical JSON as
     * {@code body}, so {@code SHA-256(prevHash || body)} can be recomputed by the reader.
     * {@code next} is the {@code afterSequence} for the next page.
     */
    @GET
    public String page(@QueryParam("afterSequence") @DefaultValue("0") String afterSequence,
            @QueryParam("limit") @DefaultValue("100") String limit) {
        long after = QueryParams.number("afterSequence", afterSequence, 0, Long.MAX_VALUE);
        int max = (int) QueryParams.number("limit", limit, 1, MAX_LIMIT);
        LogReader.Head head = reader.head();
        List<LogReader.StoredEntry> entries = reader.page(after, head.sequence(), max);
        StringBuilder out = new StringBuilder(256 + entries.size() * 800);
        out.append("{\"entries\":[");
        for (int i = 0; i < entries.size(); i++) {
            LogReader.StoredEntry e = entries.get(i);
            out.append(i == 0 ? "" : ",").append("{\"sequence\":").append(e.sequence())
                    .append(",\"prevHash\":\"sha256:").append(e.prevHash())
                    .append("\",\"hash\":\"sha256:").append(e.hash())
                    .append("\",\"body\":").append(e.text()).append('}');
        }
        long next = entries.isEmpty() ? after : entries.get(entries.size() - 1).sequence();
        out.append("],\"next\":").append(next).append(",\"headSequence\":").append(head.sequence()).append('}');
        return out.toString();
    }

    @GET
    @Path("/verify")
    public LogVerification.Report verify() {
        return verification.verify();
    }

    @GET
    @Path("/checkpoints")
    public Checkpoints checkpoints() {
        return new Checkpoints(checkpoints.publicKey(), checkpoints.all().stream().map(CheckpointView::of).toList());
    }

    @POST
    @Path("/checkpoints")
    public CheckpointView checkpointNow() {
        return checkpoints.checkpoint().map(CheckpointView::of)
                .orElseThrow(() -> Problems.notFound("the log is empty; there is nothing to sign").exception());
    }
}
