package io.countersign.policyservice;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.countersign.audit.DecisionLog;
import io.countersign.audit.LogWrite;
import io.countersign.audit.PolicyEntryRow;
import io.countersign.http.Problem;
import io.countersign.http.Problems;
import io.countersign.policy.Policy;
import io.countersign.policy.PolicyLoadException;
import io.countersign.policy.PolicyLoader;
import io.countersign.policy.PolicyProblem;
import io.countersign.policy.api.Caller;
import io.quarkus.runtime.StartupEvent;

/**
 * The policy in force. Loaded at start from {@code countersign.rules-dir}; a reload compiles and
 * validates everything first and swaps only a policy that loaded whole, so a broken edit never
 * replaces a working policy. Each load is a log entry naming the version that took effect.
 */
@ApplicationScoped
public class PolicyService {
    private static final Logger LOG = Logger.getLogger(PolicyService.class);

    /** The policy in force and when it took effect. */
    public record Loaded(Policy policy, Instant since) {
    }

    private final PolicyLoader loader;
    private final DecisionLog log;
    private volatile Loaded current;
    private volatile List<String> startupProblems = List.of();

    PolicyService(@ConfigProperty(name = "countersign.rules-dir") Path rulesDir,
            @ConfigProperty(name = "countersign.mappings-dir") Optional<Path> mappingsDir, DecisionLog log) {
        this.loader = mappingsDir.map(m -> new PolicyLoader(rulesDir, m)).orElseGet(() -> PolicyLoader.forRulesDir(rulesDir));
        this.log = log;
    }

    void loadAtStart(@Observes StartupEvent event) {
        try {
            Policy policy = loader.load();
            current = new Loaded(policy, Instant.now());
            record("loaded", null, null, policy);
            LOG.infof("Policy %s loaded from %s: %d rules", policy.version(), loader.rulesDir(), policy.rules().size());
        } catch (PolicyLoadException e) {
            startupProblems = e.problems().stream().map(PolicyProblem::toString).toList();
            LOG.errorf("The policy in %s does not load; no decisions until it is fixed and reloaded:%n%s",
                    loader.rulesDir(), e.getMessage());
        }
    }

    /** The policy in force, or empty when none has loaded yet (decisions are then refused with 503). */
    public Optional<Loaded> current() {
        return Optional.ofNullable(current);
    }

    public List<String> startupProblems() {
        return startupProblems;
    }

    /**
     * Compiles and validates the rules directory and swaps the result in. On any problem throws a
     * {@code 422} problem listing every {@code file:line} message and keeps the policy in force.
     */
    public synchronized Loaded reload(Caller by) {
        Policy policy;
        try {
            policy = loader.load();
        } catch (PolicyLoadException e) {
            LOG.warnf("Policy reload by %s refused:%n%s", by.getId(), e.getMessage());
            throw Problem.of(422, "policy_invalid", "Policy does not load",
                    e.problems().size() + " problem(s); the policy in force is unchanged")
                    .withProblems(e.problems().stream().map(PolicyProblem::toString).toList()).exception();
        }
        Loaded previous = current;
        // The change is on record before it takes effect: no decision names a version the log has not seen.
        try {
            record("reloaded", by, previous == null ? null : previous.policy().version(), policy).join();
        } catch (RuntimeException e) {
            throw Problems.logUnavailable("the reload could not be recorded; the policy in force is unchanged").exception();
        }
        current = new Loaded(policy, Instant.now());
        startupProblems = List.of();
        LOG.infof("Policy %s reloaded by %s (was %s)", policy.version(), by.getId(),
                previous == null ? "none" : previous.policy().version());
        return current;
    }

    private java.util.concurrent.CompletableFuture<?> record(String event, Caller by, String previousVersion, Policy policy) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("event", event);
        entry.put("policyVersion", policy.version());
        entry.put("previousVersion", previousVersion);
        entry.put("by", by == null ? null : by.getId());
        entry.put("rules", policy.rules().size());
        return log.append(LogWrite.of("policy", entry, null, List.of(new PolicyEntryRow()), null)).whenComplete((r, e) -> {
            if (e != null) {
                LOG.warnf("could not record the policy %s in the decision log: %s", event, e.getMessage());
            }
        });
    }
}
