package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/** What the reliability tests require of the log once the dust has settled. */
final class LogAssertions {
    private LogAssertions() {
    }

    /**
     * The chain verifies end to end, checkpoints included, and the entries paged out are exactly
     * sequences 1 to the head, with no gap.
     */
    static void assertWholeChain(ServiceProcess.Verification verification, List<ServiceProcess.LogEntry> log) {
        assertTrue(verification.valid(), "the chain does not verify: " + verification);
        assertTrue(verification.checkpointProblems().isEmpty(), "checkpoint problems: " + verification);
        assertEquals(verification.headSequence(), verification.entriesChecked(),
                "verification checked every entry up to the head: " + verification);
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).sequence() != i + 1) {
                fail("the log skips from " + i + " to " + log.get(i).sequence());
            }
        }
        assertEquals(verification.headSequence(), log.size(), "entries paged out of the log");
    }

    /** Every decision in {@code acked} is in the log exactly once, with the outcome that was answered. */
    static void assertHoldsExactlyOnce(List<ServiceProcess.LogEntry> log, Map<String, String> acked) {
        Map<String, ServiceProcess.LogEntry> logged = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ServiceProcess.LogEntry entry : log) {
            if (entry.decisionId() != null && logged.put(entry.decisionId(), entry) != null) {
                duplicates.add(entry.decisionId() + " (again at " + entry.sequence() + ")");
            }
        }
        assertTrue(duplicates.isEmpty(), "decisions logged more than once: " + duplicates);
        List<String> missing = acked.keySet().stream().filter(id -> !logged.containsKey(id)).sorted().toList();
        assertTrue(missing.isEmpty(), missing.size() + " of " + acked.size()
                + " decisions answered 200 are not in the log, e.g. " + missing.subList(0, Math.min(5, missing.size())));
        List<String> changed = acked.entrySet().stream()
                .filter(a -> !a.getValue().equals(logged.get(a.getKey()).outcome()))
                .map(a -> a.getKey() + " answered " + a.getValue() + ", logged " + logged.get(a.getKey()).outcome())
                .toList();
        assertTrue(changed.isEmpty(), "decisions logged with another outcome than answered: " + changed);
    }

    /**
     * No approval is half-applied: for every approval request the log names, the state the service holds
     * (status and votes, {@code GET /v1/approvals/{id}}) is the state its log entries add up to, and every
     * vote answered 200 is in the log.
     */
    static void assertApprovalsWhole(ServiceProcess service, List<ServiceProcess.LogEntry> log, Set<String> ackedVotes)
            throws IOException {
        Map<String, String> status = new TreeMap<>();
        Map<String, Integer> votes = new HashMap<>();
        for (ServiceProcess.LogEntry e : log) {
            JsonNode entry = e.entry();
            if ("decision".equals(e.kind())) {
                if (entry.path("approval").hasNonNull("id")) {
                    status.putIfAbsent(entry.path("approval").path("id").asText(), entry.path("approval").path("status").asText());
                }
                JsonNode use = entry.path("approvalUse");
                if ("consumed".equals(use.path("result").asText())) {
                    status.put(use.path("approvalId").asText(), "CONSUMED");
                } else if (use.has("expired")) {
                    status.put(use.path("approvalId").asText(), "EXPIRED");
                }
            } else if ("approval".equals(e.kind()) && entry.hasNonNull("approvalId")) {
                String id = entry.path("approvalId").asText();
                status.put(id, entry.path("status").asText());
                if (entry.has("vote")) {
                    votes.merge(id, 1, Integer::sum);
                }
            }
        }
        List<String> unlogged = ackedVotes.stream().filter(id -> !votes.containsKey(id)).sorted().toList();
        assertTrue(unlogged.isEmpty(), "votes answered 200 but not in the log, on " + unlogged);
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> logged : status.entrySet()) {
            ServiceProcess.Answer held = service.approval(logged.getKey());
            String heldStatus = held.body().path("status").asText();
            int heldVotes = held.body().path("votes").size();
            boolean sameStatus = heldStatus.equals(logged.getValue()) || heldStatus.equals("EXPIRED")
                    && Instant.parse(held.body().path("expiresAt").asText()).isBefore(Instant.now());
            if (held.status() != 200 || !sameStatus || heldVotes != votes.getOrDefault(logged.getKey(), 0)) {
                differ.add(logged.getKey() + ": log says " + logged.getValue() + " with " + votes.getOrDefault(logged.getKey(), 0)
                        + " votes, service holds " + held.status() + " " + heldStatus + " with " + heldVotes);
            }
        }
        assertTrue(differ.isEmpty(), differ.size() + " of " + status.size() + " approvals differ from their log: "
                + differ.subList(0, Math.min(5, differ.size())));
    }
}
