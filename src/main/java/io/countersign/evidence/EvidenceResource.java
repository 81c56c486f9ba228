package io.countersign.evidence;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import io.smallrye.common.annotation.Blocking;

/** Evidence bundles for auditors: one signed ZIP per period and framework, streamed as it is written. */
@Path("/v1/evidence")
@RolesAllowed("auditor")
@Blocking
public class EvidenceResource {
    static final String ZIP = "application/zip";

    private final EvidenceService evidence;

    EvidenceResource(EvidenceService evidence) {
        this.evidence = evidence;
    }

    /**
     * The bundle for entries recorded in {@code [from, to)} (a date alone is a whole UTC day), reported
     * against {@code framework} or one of its controls. Bad parameters are 400 naming the field, before
     * anything is sent.
     */
    @GET
    @Produces({ ZIP, "application/problem+json" })
    public Response bundle(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("framework") String framework, @QueryParam("control") String control) {
        EvidenceService.Plan plan = evidence.plan(from, to, framework, control);
        StreamingOutput body = out -> {
            // the ZIP writes in small pieces; the response goes out in large chunks
            java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
            evidence.write(plan, buffered);
            buffered.flush();
        };
        String name = "countersign-evidence-" + plan.query().framework().name().toLowerCase(java.util.Locale.ROOT) + "-"
                + plan.query().from().toString().substring(0, 10) + "-" + plan.query().to().toString().substring(0, 10) + ".zip";
        return Response.ok(body, ZIP).header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
    }
}
