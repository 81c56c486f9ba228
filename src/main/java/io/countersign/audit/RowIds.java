package io.countersign.audit;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Identifiers for rows written with log entries (decisions, approval requests, votes): UUID version 7
 * (RFC 9562), a millisecond timestamp followed by 74 random bits. Ids made one after another sort one
 * after another, so each commit appends to the end of the primary key index instead of touching random
 * pages of it; the random part keeps them unguessable.
 */
public final class RowIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RowIds() {
    }

    /**
     * Whether {@code id} has the shape a row id can have: 1 to 36 letters, digits and '-'. An id from a URL
     * that does not is never looked up: a NUL in a query parameter makes PostgreSQL fail the statement,
     * and when that statement runs in a guard of the log writer, the whole batch of other callers' entries.
     */
    public static boolean wellFormed(String id) {
        return id != null && !id.isEmpty() && id.length() <= 36 && id.chars()
                .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-');
    }

    public static String next() {
        return next(System.currentTimeMillis()).toString();
    }

    static UUID next(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long low = 0x8000_0000_0000_0000L | (random[2] & 0x3FL) << 56;
        for (int i = 3; i < 10; i++) {
            low |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(high, low);
    }
}
