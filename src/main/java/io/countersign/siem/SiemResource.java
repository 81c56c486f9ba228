package io.countersign.siem;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.countersign.http.QueryParams;
import io.smallrye.common.annotation.Blocking;

/**
 * SIEM pull: log entries after a sequence as OCSF or ECS events in JSON Lines. The
 * {@code Countersign-Next-After-Sequence} header is the {@code afterSequence} of the next call; a page shorter
 * than {@code limit} means the client has caught up with {@code Countersign-Head-Sequence}.
 */
@Path("/v1/log/events")
@RolesAllowed({ "auditor", "siem" })
@Blocking
public class SiemResource {
    static final String NDJSON = "application/x-ndjson";
    static final String NEXT = "Countersign-Next-After-Sequence";
    static final String HEAD = "Countersign-Head-Sequence";

    private final SiemFeed feed;

    SiemResource(SiemFeed feed) {
        this.feed = feed;
    }

    @GET
    @Produces(NDJSON)
    public Response events(@QueryParam("afterSequence") @DefaultValue("0") String afterSequence,
            @QueryParam("limit") @DefaultValue("" + SiemFeed.DEFAULT_LIMIT) String limit,
            @QueryParam("format") @DefaultValue("ocsf") String format) {
        SiemFormat shape = SiemFormat.parse("format", format);
        long after = QueryParams.number("afterSequence", afterSequence, 0, Long.MAX_VALUE);
        int max = (int) QueryParams.number("limit", limit, 1, SiemFeed.MAX_LIMIT);
        SiemFeed.Page page = feed.page(after, max, shape);
        return Response.ok(page.lines(), NDJSON).header(NEXT, page.next()).header(HEAD, page.headSequence()).build();
    }
}
