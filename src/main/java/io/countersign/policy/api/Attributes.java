package io.countersign.policy.api;

import java.math.BigInteger;

/** How rules read one attribute value as text. */
final class Attributes {
    private Attributes() {
    }

    static String text(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof BigInteger) {
            return value.toString();
        }
        return null;
    }
}
