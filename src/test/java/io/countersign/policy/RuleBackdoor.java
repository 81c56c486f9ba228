package io.countersign.policy;

import org.kie.api.runtime.rule.RuleContext;

import io.countersign.policy.api.Request;

/** Java a rule can call that reaches around the loader's text checks, to test the engine's own guard. */
public final class RuleBackdoor {
    private RuleBackdoor() {
    }

    public static void removeRequest(RuleContext context, Request request) {
        context.getKieRuntime().delete(context.getKieRuntime().getFactHandle(request));
    }
}
