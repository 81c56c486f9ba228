package io.countersign.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The API rules state their outcome through, as the one global {@code verdict} every rule file declares:
 *
 * <pre>
 * verdict.deny("Exports go only to approved destinations.");
 * verdict.requireApproval("Production change: an SRE must look at the plan.")
 *        .approvers("sre").quorum(2).expiresIn("4h");
 * </pre>
 *
 * The engine records which rule is speaking, so a rule never names itself. A firing must state exactly
 * one outcome; a rule that states none, or two, makes the evaluation fail closed.
 */
public final class Verdict {
    static final Pattern GROUP = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final int MAX_QUORUM = 20;
    static final Duration MIN_TTL = Duration.ofMinutes(1);
    static final Duration MAX_TTL = Duration.ofDays(30);
    private static final int MAX_MESSAGE = 2_000;

    private final List<Statement> statements = new ArrayList<>();
    private String currentRule;
    private int statementsBeforeFiring;

    public void allow(String message) {
        state(Outcome.ALLOW, message);
    }

    public void deny(String message) {
        state(Outcome.DENY, message);
    }

    /** Requires a human approval; the returned statement sets groups, quorum and expiry (policy defaults otherwise). */
    public ApprovalStatement requireApproval(String message) {
        return state(Outcome.REQUIRE_APPROVAL, message);
    }

    private Statement state(Outcome outcome, String message) {
        if (currentRule == null) {
            throw new IllegalStateException("verdict used outside a rule consequence");
        }
        if (statements.size() > statementsBeforeFiring) {
            throw new IllegalStateException("rule " + currentRule + " stated more than one outcome in one firing");
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("rule " + currentRule + " stated " + outcome + " without a message");
        }
        String trimmed = message.strip();
        Statement statement = new Statement(currentRule, outcome,
                trimmed.length() > MAX_MESSAGE ? trimmed.substring(0, MAX_MESSAGE) + "…" : trimmed);
        statements.add(statement);
        return statement;
    }

    void begin() {
        statements.clear();
        currentRule = null;
    }

    void enterRule(String ruleId) {
        currentRule = ruleId;
        statementsBeforeFiring = statements.size();
    }

    void leaveRule() {
        if (statements.size() == statementsBeforeFiring) {
            String rule = currentRule;
            currentRule = null;
            throw new IllegalStateException("rule " + rule + " fired but stated no outcome");
        }
        currentRule = null;
    }

    List<Statement> statements() {
        return statements;
    }

    /** The fluent part of {@code requireApproval}: who approves, how many, for how long. */
    public interface ApprovalStatement {
        /** The groups whose members may approve; one vote from any of them counts unless {@link #fromEachGroup()}. */
        ApprovalStatement approvers(String... groups);

        /** Each named group must reach the quorum with its own members. */
        ApprovalStatement fromEachGroup();

        /** How many distinct people must approve (per group with {@link #fromEachGroup()}). */
        ApprovalStatement quorum(int quorum);

        /** How long the request stays open: {@code 30m}, {@code 4h}, {@code 2d}. */
        ApprovalStatement expiresIn(String ttl);
    }

    static final class Statement implements ApprovalStatement {
        final String rule;
        final Outcome outcome;
        final String message;
        List<String> groups = List.of();
        GroupMode groupMode = GroupMode.ANY;
        Integer quorum;
        Duration ttl;

        Statement(String rule, Outcome outcome, String message) {
            this.rule = rule;
            this.outcome = outcome;
            this.message = message;
        }

        @Override
        public ApprovalStatement approvers(String... names) {
            if (names == null || names.length == 0) {
                throw new IllegalArgumentException("rule " + rule + ": approvers() needs at least one group");
            }
            List<String> checked = new ArrayList<>();
            for (String name : names) {
                if (name == null || !GROUP.matcher(name).matches()) {
                    throw new IllegalArgumentException("rule " + rule + ": '" + name
                            + "' is not a group name (lower-case letters, digits, '.', '_', '-')");
                }
                if (!checked.contains(name)) {
                    checked.add(name);
                }
            }
            groups = List.copyOf(checked);
            return this;
        }

        @Override
        public ApprovalStatement fromEachGroup() {
            groupMode = GroupMode.EACH;
            return this;
        }

        @Override
        public ApprovalStatement quorum(int value) {
            if (value < 1 || value > MAX_QUORUM) {
                throw new IllegalArgumentException("rule " + rule + ": quorum " + value + " is outside 1.." + MAX_QUORUM);
            }
            quorum = value;
            return this;
        }

        @Override
        public ApprovalStatement expiresIn(String text) {
            Duration value = DurationText.parse(text);
            if (value.compareTo(MIN_TTL) < 0 || value.compareTo(MAX_TTL) > 0) {
                throw new IllegalArgumentException("rule " + rule + ": expiry " + text + " is outside 1m..30d");
            }
            ttl = value;
            return this;
        }
    }
}
