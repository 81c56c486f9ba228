package io.countersign.policyservice;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.countersign.http.Problem;
import io.countersign.identity.CurrentCaller;
import io.countersign.policy.Policy;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;

/** {@code GET /v1/policies} and {@code POST /v1/policies/reload}. */
@Path("/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class PolicyResource {
    public record RuleView(String id, String file, int line, List<String> controls) {
    }

    public record PolicyView(String version, String loadedAt, String defaultOutcome, int ruleCount, List<RuleView> rules) {
    }

    private final PolicyService policies;
    private final CurrentCaller caller;

    PolicyResource(PolicyService policies, CurrentCaller caller) {
        this.policies = policies;
        this.caller = caller;
    }

    @GET
    public PolicyView get() {
        return view(policies.current().orElseThrow(() -> Problem.of(503, "policy_unavailable", "No policy in force",
                "the policy did not load; see problems").withProblems(policies.startupProblems()).exception()));
    }

    @POST
    @Path("/reload")
    @RolesAllowed("policy-admin")
    @Blocking
    public PolicyView reload() {
        return view(policies.reload(caller.get()));
    }

    private static PolicyView view(PolicyService.Loaded loaded) {
        Policy policy = loaded.policy();
        List<RuleView> rules = policy.rules().stream()
                .map(r -> new RuleView(r.id(), r.file(), r.line(), r.controls())).toList();
        return new PolicyView(policy.version(), loaded.since().toString(), policy.settings().defaultOutcome().name(),
                rules.size(), rules);
    }
}
