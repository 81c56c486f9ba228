package io.countersign.http;

/** Query parameters, checked the same way everywhere: a bad one is a 400 naming it. */
public final class QueryParams {
    private QueryParams() {
    }

    public static long number(String name, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problems.badParameter(name, "must be a whole number from " + min + " to " + max).exception();
    }
}
