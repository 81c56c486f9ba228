package io.countersign.policy;

/** What the policy says about one action, weakest first: see {@link Combination} for how they combine. */
public enum Outcome {
    ALLOW,
    REQUIRE_APPROVAL,
    DENY;

    public boolean strongerThan(Outcome other) {
        return ordinal() > other.ordinal();
    }
}
