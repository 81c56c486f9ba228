package io.countersign.policy;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.kie.api.KieBase;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

import io.countersign.compliance.ControlCatalogue;
import io.countersign.policy.api.DataSet;
import io.countersign.policy.api.Request;

/**
 * A compiled, validated policy: one version of the rules, data and mappings. Immutable and safe to share
 * between threads; {@link #evaluate} never throws and never returns an unexplained decision.
 */
public final class Policy {
    static final String VERDICT_GLOBAL = "verdict";
    /** More firings than this for one request means rules are looping; the evaluation fails closed. */
    static final int MAX_FIRINGS = 10_000;
    private static final int MAX_IDLE_SESSIONS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final String version;
    private final KieBase kieBase;
    private final Map<String, PolicyRule> rules;
    private final Map<String, List<String>> controls;
    private final PolicySettings settings;
    private final List<DataSet> data;
    private final ControlCatalogue catalogue;
    private final Map<String, byte[]> files;
    private final boolean usesVerdict;
    private final ConcurrentLinkedQueue<Evaluator> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    Policy(String version, KieBase kieBase, Map<String, PolicyRule> rules, Map<String, List<String>> controls,
            PolicySettings settings, List<DataSet> data, ControlCatalogue catalogue, Map<String, byte[]> files) {
        this.version = version;
        this.kieBase = kieBase;
        this.rules = Map.copyOf(rules);
        this.controls = Map.copyOf(controls);
        this.settings = settings;
        this.data = List.copyOf(data);
        this.catalogue = catalogue;
        this.files = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(files));
        this.usesVerdict = kieBase.getKiePackages().stream()
                .anyMatch(p -> p.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(VERDICT_GLOBAL)));
    }

    /** {@code sha256:…} over every rule, data and mapping file: one version names one policy. */
    public String version() {
        return version;
    }

    /** The rules by id, in id order. */
    public Collection<PolicyRule> rules() {
        return rules.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    public PolicyRule rule(String id) {
        return rules.get(id);
    }

    public PolicySettings settings() {
        return settings;
    }

    public List<DataSet> data() {
        return data;
    }

    /**
     * The files this version was read from, by path ({@code rules/…}, {@code compliance-mappings/…}), as
     * hashed into {@link #version()} ({@link PolicyLoader#versionOf}); callers must not change the arrays.
     */
    public Map<String, byte[]> files() {
        return files;
    }

    public ControlCatalogue catalogue() {
        return catalogue;
    }

    /** Classifies one request. Any failure inside the engine becomes DENY with the error as the reason. */
    public Decision evaluate(Request request) {
        Evaluator evaluator = idle.poll();
        if (evaluator != null) {
            idleCount.decrementAndGet();
        }
        try {
            if (evaluator == null) {
                evaluator = new Evaluator();
            }
            Decision decision = evaluator.evaluate(request);
            release(evaluator);
            return decision;
        } catch (Throwable e) {
            // Fail closed on anything, a linkage error in generated code included; only a JVM that is
            // out of memory or broken is let through, and it answers no one.
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw (VirtualMachineError) e;
            }
            if (evaluator != null) {
                evaluator.dispose();
            }
            return Combination.failClosed(e, version);
        }
    }

    private void release(Evaluator evaluator) {
        if (evaluator.reusable() && idleCount.incrementAndGet() <= MAX_IDLE_SESSIONS) {
            idle.offer(evaluator);
        } else {
            if (evaluator.reusable()) {
                idleCount.decrementAndGet();
            }
            evaluator.dispose();
        }
    }

    /**
     * One reusable rule session holding the data facts; a request is inserted, the rules fire, and the
     * request is removed again, which is cheaper than a fresh stateless session per decision.
     */
    private final class Evaluator {
        private final KieSession session;
        private final Verdict verdict = new Verdict();
        private final long baseFacts;

        Evaluator() {
            session = kieBase.newKieSession();
            if (usesVerdict) {
                session.setGlobal(VERDICT_GLOBAL, verdict);
            }
            session.addEventListener(new DefaultAgendaEventListener() {
                @Override
                public void beforeMatchFired(BeforeMatchFiredEvent event) {
                    verdict.enterRule(event.getMatch().getRule().getName());
                }

                @Override
                public void afterMatchFired(AfterMatchFiredEvent event) {
                    verdict.leaveRule();
                }
            });
            data.forEach(session::insert);
            baseFacts = session.getFactCount();
        }

        Decision evaluate(Request request) {
            verdict.begin();
            FactHandle handle = session.insert(request);
            int fired = session.fireAllRules(MAX_FIRINGS);
            boolean stillThere = session.getObject(handle) != null;
            if (stillThere) {
                session.delete(handle);
            }
            if (fired >= MAX_FIRINGS) {
                throw new IllegalStateException("rules fired " + fired + " times for one request; they are looping");
            }
            if (!stillThere) {
                throw new IllegalStateException("a rule removed the request while rules were firing, so other rules"
                        + " may not have fired");
            }
            return Combination.combine(verdict.statements(), settings, controls, version);
        }

        /** A rule that inserted facts of its own leaves them behind; such a session is not reused. */
        boolean reusable() {
            return session.getFactCount() == baseFacts;
        }

        void dispose() {
            session.dispose();
        }
    }
}
