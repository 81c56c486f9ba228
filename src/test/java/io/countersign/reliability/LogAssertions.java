package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
}
