package io.countersign.identity;

/** What a caller may do; granted by groups through {@code countersign.identity.roles.*}. */
public enum Role {
    /** Asks for decisions. */
    AGENT("agent"),
    /** Lists and decides approval requests (a human, in a group the rule names). */
    APPROVER("approver"),
    /** Reads the decision log and exports evidence. */
    AUDITOR("auditor"),
    /** Reloads the policy. */
    POLICY_ADMIN("policy-admin"),
    /** Reads the decision log as SIEM events ({@code GET /v1/log/events}), and nothing else. */
    SIEM("siem");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    /** The role's name in {@code @RolesAllowed} and in the security identity. */
    public String id() {
        return id;
    }
}
