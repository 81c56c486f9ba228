package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.countersign.canonical.CanonicalJson;

class LogWriteTest {
    @Test
    void theStampedFormIsTheCanonicalFormOfTheWholeEntry() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("zeta", "last");
        fields.put("decisionId", "d-1");
        fields.put("nested", Map.of("b", 2, "a", List.of(1.5, "x\u00e9\"")));
        fields.put("unicode", "\u20ac \ud83d\ude00");
        LogWrite write = LogWrite.of("decision", fields, null, List.of(), null);

        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("sequence", 123456789012L);
        whole.put("recordedAt", "2026-11-21T17:08:16.654005Z");
        whole.put("kind", "decision");
        whole.put("entry", fields);
        assertArrayEquals(CanonicalJson.bytes(whole), write.stamped("2026-11-21T17:08:16.654005Z", 123456789012L));
    }

    @Test
    void kindsArePlainWords() {
        for (String bad : List.of("Decision\"", "", ".vote", "approval-vote", "vote\u00e9", "a b")) {
            assertThrows(IllegalArgumentException.class, () -> LogWrite.of(bad, Map.of(), null, List.of(), null), bad);
        }
        for (String good : List.of("decision", "approval.vote", "policy", "a.")) {
            assertEquals(good, LogWrite.of(good, Map.of(), null, List.of(), null).kind());
        }
    }
}
