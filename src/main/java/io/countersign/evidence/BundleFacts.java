package io.countersign.evidence;

import java.util.List;

import io.countersign.compliance.Control;

/**
 * What the reports of one bundle are written from, once the population has been read.
 *
 * @param chainProblem the first break found while reading the chain, or null
 * @param controls the controls reported on, each with the rules of the policy in force mapped to it
 */
record BundleFacts(EvidenceQuery query, String generatedAt, long firstSequence, long lastSequence,
        PopulationStats stats, String chainProblem, String policyInForce, List<ControlEvidence> controls) {

    record ControlEvidence(Control control, List<String> rules, long decisions, long approvalRequests) {
    }

    boolean empty() {
        return stats.entries == 0;
    }
}
