package io.countersign.policy;

/** How the approver groups of a request count when a rule names more than one. */
public enum GroupMode {
    /** Votes from members of any of the groups count towards the quorum. */
    ANY,
    /** Each group must reach the quorum with its own members. */
    EACH
}
