package io.countersign.identity;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.countersign.http.Problem;
import io.countersign.http.ProblemMappers;
import io.countersign.policy.api.Caller;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Limits each caller's API requests ({@link RateLimits}), so that one runaway agent cannot crowd out the
 * others or fill the decision log's queue. Runs after authentication and before the resource method: a
 * refused request costs a token check and nothing else. Requests without a caller (anonymous, or a token
 * that is refused anyway) are left to the endpoint's own checks.
 */
public class CallerRateLimit {
    private final RateLimits limits;
    private final CurrentIdentityAssociation identities;

    CallerRateLimit(RateLimits limits, CurrentIdentityAssociation identities) {
        this.limits = limits;
        this.identities = identities;
    }

    @ServerRequestFilter
    Uni<Response> limit() {
        if (!limits.enabled()) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                .map(this::admit)
                // A token that does not verify is the endpoint's to refuse (401), not the limiter's.
                .onFailure().recoverWithNull();
    }

    private Response admit(SecurityIdentity identity) {
        Caller caller = identity.isAnonymous() ? null : identity.getAttribute(CallerAugmentor.CALLER_ATTRIBUTE);
        if (caller == null) {
            return null;
        }
        long retryAfter = limits.take(caller.getId());
        if (retryAfter == 0) {
            return null;
        }
        Response problem = ProblemMappers.response(Problem.of(429, "rate_limited", "Too many requests",
                "caller " + caller.getId() + " is over its limit of " + limits.perSecond()
                        + " requests per second; retry after " + retryAfter + " s"));
        return Response.fromResponse(problem).header("Retry-After", retryAfter).build();
    }
}
