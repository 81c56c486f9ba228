package io.countersign.identity;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.countersign.policy.api.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.NonBlocking;

/**
 * {@code GET /v1/whoami}: the caller and roles a token gives, for checking an identity provider's claim
 * mapping. It does nothing else, which also makes it the baseline the decision endpoint is benchmarked
 * against (the same token check, no work).
 */
@Path("/v1/whoami")
@Authenticated
public class WhoAmIResource {
    public record WhoAmI(String id, String type, Set<String> groups, List<String> roles) {
    }

    private final CurrentCaller caller;

    WhoAmIResource(CurrentCaller caller) {
        this.caller = caller;
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public WhoAmI get() {
        Caller c = caller.get();
        return new WhoAmI(c.getId(), c.getType(), c.getGroups(),
                Arrays.stream(Role.values()).filter(caller::has).map(Role::id).toList());
    }
}
