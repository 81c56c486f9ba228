package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RowIdsTest {
    @Test
    void version7WithTheTimeInFrontAndRandomBitsBehind() {
        long now = 1_763_700_000_123L;
        UUID id = RowIds.next(now);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(now, id.getMostSignificantBits() >>> 16, "the first 48 bits are the milliseconds");
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(RowIds.next(now)), "the random part makes ids of one millisecond distinct");
        }
    }

    @Test
    void laterIdsSortAfterEarlierOnesAsText() {
        String earlier = RowIds.next(1_763_700_000_123L).toString();
        String later = RowIds.next(1_763_700_000_124L).toString();
        assertTrue(earlier.compareTo(later) < 0, earlier + " < " + later);
        assertEquals(36, later.length());
    }
}
