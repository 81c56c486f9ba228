package io.countersign.policy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a well-formed request looks like, shared by every way a request comes in (policy tests, the CLI,
 * the HTTP API). Each check returns null when the value is fine, or a message naming what is wrong.
 *
 * Actions, environments and classifications are lower-case words so that {@code AWS.S3.Export} or
 * {@code Production} cannot slip past a rule written for {@code aws.s3.export} or {@code production}.
 * Identifiers and texts may not carry control, format (zero-width) or bidirectional-override characters,
 * which could make a reviewer read something other than what the rules saw, and ids may not carry
 * surrounding white space.
 */
public final class RequestRules {
    public static final int MAX_ACTION = 128;
    public static final int MAX_ID = 256;
    public static final int MAX_WORD = 64;
    public static final int MAX_TEXT = 4_000;
    public static final int MAX_GROUPS = 256;
    public static final int MAX_ATTRIBUTES = 64;
    public static final int MAX_ATTRIBUTE_DEPTH = 4;
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private static final Pattern ACTION = Pattern.compile("[a-z0-9][a-z0-9_-]*(?:\\.[a-z0-9][a-z0-9_-]*)*");
    private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private RequestRules() {
    }

    public static String action(String value) {
        if (value.length() > MAX_ACTION) {
            return "longer than " + MAX_ACTION + " characters";
        }
        return ACTION.matcher(value).matches() ? null
                : "'" + printable(value) + "' is not an action: dotted lower-case words, e.g. aws.s3.export";
    }

    public static String callerType(String value) {
        return value.equals("agent") || value.equals("human") ? null : "must be agent or human";
    }

    /** Environments and classifications: one lower-case word. */
    public static String word(String value) {
        if (value.length() > MAX_WORD) {
            return "longer than " + MAX_WORD + " characters";
        }
        return WORD.matcher(value).matches() ? null
                : "'" + printable(value) + "' must be one lower-case word (letters, digits, '-', '_')";
    }

    /** Ids and names: one line, no control or bidirectional-override characters. */
    public static String id(String value) {
        if (value.isBlank()) {
            return "must not be blank";
        }
        if (value.length() > MAX_ID) {
            return "longer than " + MAX_ID + " characters";
        }
        if (!value.equals(value.strip())) {
            return "must not start or end with white space";
        }
        return unsafeCharacter(value, false);
    }

    /** Free text shown to reviewers: line breaks allowed, other control characters not. */
    public static String text(String value) {
        if (value.length() > MAX_TEXT) {
            return "longer than " + MAX_TEXT + " characters";
        }
        return unsafeCharacter(value, true);
    }

    public static String groups(List<String> groups) {
        if (groups.size() > MAX_GROUPS) {
            return "more than " + MAX_GROUPS + " groups";
        }
        for (String group : groups) {
            String problem = id(group);
            if (problem != null) {
                return "group '" + printable(group) + "': " + problem;
            }
        }
        return null;
    }

    /** Attributes: bounded in size and depth, keys plain, every string value checked as text. */
    public static String attributes(Map<String, Object> attributes) {
        if (attributes.size() > MAX_ATTRIBUTES) {
            return "more than " + MAX_ATTRIBUTES + " attributes";
        }
        return attributeValue(attributes, 1);
    }

    private static String attributeValue(Object value, int depth) {
        if (value instanceof Map<?, ?> map) {
            if (depth > MAX_ATTRIBUTE_DEPTH) {
                return "nested deeper than " + MAX_ATTRIBUTE_DEPTH + " levels";
            }
            if (map.size() > MAX_ATTRIBUTES) {
                return "a mapping with more than " + MAX_ATTRIBUTES + " entries";
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                if (!ATTRIBUTE_KEY.matcher(key).matches()) {
                    return "'" + printable(key) + "' is not an attribute name (letters, digits, '.', '_', '-')";
                }
                String problem = attributeValue(entry.getValue(), depth + 1);
                if (problem != null) {
                    return key + ": " + problem;
                }
            }
            return null;
        }
        if (value instanceof List<?> list) {
            if (depth > MAX_ATTRIBUTE_DEPTH) {
                return "nested deeper than " + MAX_ATTRIBUTE_DEPTH + " levels";
            }
            if (list.size() > MAX_ATTRIBUTES) {
                return "a list with more than " + MAX_ATTRIBUTES + " items";
            }
            for (Object item : list) {
                String problem = attributeValue(item, depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        if (value instanceof Double d && !Double.isFinite(d)) {
            return "a number too large to represent";
        }
        // Digests and canonical JSON hold numbers as IEEE doubles: larger whole numbers would collapse
        // into one another, and two different requests would share a digest.
        // Not Math.abs: the absolute value of -2^63 is -2^63, which would pass.
        if ((value instanceof Long n && (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER)) || value instanceof java.math.BigInteger) {
            return "a whole number beyond ±2^53; send it as a string";
        }
        return value instanceof String text ? text(text) : null;
    }

    private static String unsafeCharacter(String value, boolean multiline) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (multiline && (c == '\n' || c == '\t' || c == '\r')) {
                continue;
            }
            // Format characters (zero-width spaces and joiners, bidi controls, BOM) are invisible to a reviewer
            // and make equal-looking ids compare unequal; only the joiner inside emoji is allowed in free text.
            if (Character.isISOControl(c) || isBidiControl(c)
                    || (Character.getType(c) == Character.FORMAT && !(multiline && c == '\u200D'))) {
                return String.format("contains the control character U+%04X at position %d", (int) c, i + 1);
            }
            if (Character.isSurrogate(c) && !validSurrogate(value, i)) {
                return String.format("contains an unpaired surrogate U+%04X at position %d", (int) c, i + 1);
            }
        }
        return null;
    }

    private static boolean validSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }

    private static boolean isBidiControl(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E'
                || c == '\u200F' || c == '\u061C';
    }

    /** The value with anything unsafe escaped, for putting it in an error message. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
