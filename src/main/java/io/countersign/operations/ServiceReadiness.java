package io.countersign.operations;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.countersign.audit.DecisionLog;
import io.countersign.policyservice.PolicyService;

/**
 * Ready only when a policy is in force and the decision log writes; the database's own check is
 * Quarkus's. A load balancer then sends no agent to an instance that could only answer 503.
 */
@Readiness
@ApplicationScoped
public class ServiceReadiness implements HealthCheck {
    private final PolicyService policies;
    private final DecisionLog log;

    ServiceReadiness(PolicyService policies, DecisionLog log) {
        this.policies = policies;
        this.log = log;
    }

    @Override
    public HealthCheckResponse call() {
        var policy = policies.current();
        return HealthCheckResponse.named("countersign")
                .status(policy.isPresent() && log.healthy())
                .withData("policyVersion", policy.map(p -> p.policy().version()).orElse("none"))
                .withData("logWriter", log.healthy() ? "up" : "down")
                .build();
    }
}
