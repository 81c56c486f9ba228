package io.countersign.policy;

import java.time.Duration;
import java.util.List;

/** Who must approve an action, how many of them, and how long the request stays open. */
public record ApprovalRequirement(List<String> approverGroups, GroupMode groupMode, int quorum, Duration ttl) {
    public ApprovalRequirement {
        approverGroups = List.copyOf(approverGroups);
    }
}
