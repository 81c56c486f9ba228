package io.countersign.canonical;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON Canonicalization Scheme (RFC 8785): one byte sequence for one JSON value, whatever the key
 * order or number spelling it arrived with. What is hashed or signed is always this form.
 */
public final class CanonicalJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));

    private CanonicalJson() {
    }

    /**
     * The canonical UTF-8 bytes of {@code value} (maps, lists, strings, numbers, booleans; nulls in maps
     * omitted). Plain values are written canonically in one pass, and so are records and enums that Jackson
     * would write by their components and names alone ({@link PlainTypes}); other records and enums are
     * first turned into plain values as Jackson writes them, and a value holding anything else is written
     * by Jackson and canonicalized from that text. Both ways give the same bytes (CanonicalJsonTest compares them).
     */
    public static byte[] bytes(Object value) {
        StringBuilder out = new StringBuilder(512);
        try {
            write(value, out);
        } catch (NotPlain e) {
            return viaText(value);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical bytes by the general way: Jackson's text of {@code value}, parsed and written canonically. */
    static byte[] viaText(Object value) {
        try {
            return canonicalize(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A value the one-pass writer leaves to the general way. */
    private static final class NotPlain extends RuntimeException {
        private static final NotPlain INSTANCE = new NotPlain();

        private NotPlain() {
            super(null, null, false, false);
        }
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String string) {
            writeString(string, out);
        } else if (value instanceof Map<?, ?> map) {
            writeObject(map, out);
        } else if (value instanceof List<?> list) {
            out.append('[');
            boolean first = true;
            for (Object element : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(element, out);
            }
            out.append(']');
        } else if (value instanceof Boolean bool) {
            out.append(bool.booleanValue());
        } else if (value instanceof Number number) {
            writeNumber(number, out);
        } else if (value instanceof Enum<?> constant) {
            if (PlainTypes.plainEnum(constant.getDeclaringClass())) {
                writeString(constant.name(), out);
            } else {
                writeConverted(value, out);
            }
        } else if (value instanceof Record record) {
            PlainTypes.RecordShape shape = PlainTypes.recordShape(record.getClass());
            if (shape != null) {
                writeRecord(record, shape, out);
            } else {
                writeConverted(value, out);
            }
        } else {
            throw NotPlain.INSTANCE;
        }
    }

    /** A record or enum turned into a plain value as Jackson writes it. */
    private static void writeConverted(Object value, StringBuilder out) {
        Object plain = MAPPER.convertValue(value, Object.class);
        if (plain instanceof Record || plain instanceof Enum<?>) {
            throw NotPlain.INSTANCE;
        }
        write(plain, out);
    }

    /** Members in RFC 8785 order: keys compared as UTF-16 code units, which is {@link String#compareTo}. */
    private static void writeObject(Map<?, ?> map, StringBuilder out) {
        @SuppressWarnings("unchecked")
        Map.Entry<String, Object>[] members = new Map.Entry[map.size()];
        int count = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw NotPlain.INSTANCE;
            }
            if (e.getValue() != null) {
                @SuppressWarnings("unchecked")
                Map.Entry<String, Object> member = (Map.Entry<String, Object>) e;
                members[count++] = member;
            }
        }
        Arrays.sort(members, 0, count, Map.Entry.comparingByKey());
        out.append('{');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(',');
            }
            writeString(members[i].getKey(), out);
            out.append(':');
            write(members[i].getValue(), out);
        }
        out.append('}');
    }

    /** A record Jackson would write by its components alone, its components in canonical order. */
    private static void writeRecord(Record record, PlainTypes.RecordShape shape, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (int i = 0; i < shape.names().length; i++) {
            Object value = shape.value(record, i);
            if (value == null) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(shape.names()[i], out);
            out.append(':');
            write(value, out);
        }
        out.append('}');
    }

    /** As RFC 8785 (ECMAScript's JSON.stringify): the shortest escapes, everything else as it is. */
    private static void writeString(String value, StringBuilder out) {
        out.append('"');
        int plain = 0;
        while (plain < value.length() && needsNoEscape(value.charAt(plain))) {
            plain++;
        }
        out.append(value, 0, plain);
        for (int i = plain; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsNoEscape(char c) {
        return c >= 0x20 && c != '"' && c != '\\';
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Every number is an IEEE double in RFC 8785, written as ECMAScript writes it. */
    private static void writeNumber(Number number, StringBuilder out) {
        double d;
        if (number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte) {
            d = number.longValue();
        } else if (number instanceof Double || number instanceof Float || number instanceof BigInteger) {
            // As Jackson writes it, read back as a double.
            d = Double.parseDouble(number.toString());
        } else {
            throw NotPlain.INSTANCE;
        }
        if (!Double.isFinite(d)) {
            throw NotPlain.INSTANCE;
        }
        try {
            out.append(NumberToJSON.serializeNumber(d));
        } catch (IOException e) {
            throw NotPlain.INSTANCE;
        }
    }

    /** The canonical UTF-8 bytes of a JSON text. */
    public static byte[] canonicalize(String json) {
        try {
            return new JsonCanonicalizer(json).getEncodedUTF8();
        } catch (IOException e) {
            throw new IllegalArgumentException("not canonicalizable JSON: " + e.getMessage(), e);
        }
    }

    /** {@code sha256:} and the lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256Raw(bytes));
    }

    public static byte[] sha256Raw(byte[]... parts) {
        MessageDigest sha = sha256();
        for (byte[] part : parts) {
            sha.update(part);
        }
        return sha.digest();
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
