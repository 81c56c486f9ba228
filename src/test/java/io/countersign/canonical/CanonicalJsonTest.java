package io.countersign.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.countersign.testing.Properties;

class CanonicalJsonTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "keys are sorted by UTF-16 code units | {\"b\":1,\"a\":2,\"\\u20ac\":3,\"A\":4} | {\"A\":4,\"a\":2,\"b\":1,\"€\":3}",
        "numbers in ECMAScript form (RFC 8785 3.2.2.3) | [333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001] | [333333333.3333333,1e+30,4.5,0.002,1e-27]",
        "literals untouched | [null,true,false] | [null,true,false]",
        "white space removed | { \"a\" : [ 1 , 2 ] } | {\"a\":[1,2]}",
        "escapes minimal | [\"\\u0041\\u000f\\n\\\"\\/\"] | [\"A\\u000f\\n\\\"/\"]" })
    void canonicalizesAsRfc8785Says(String note, String input, String canonical) {
        assertEquals(canonical, new String(CanonicalJson.canonicalize(input), StandardCharsets.UTF_8));
    }

    @Test
    void javaValuesAreWrittenCanonicallyWithNullsOmitted() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", List.of(3, "x"));
        value.put("a", null);
        value.put("m", Map.of("k", 1.0));
        assertEquals("{\"m\":{\"k\":1},\"z\":[3,\"x\"]}", new String(CanonicalJson.bytes(value), StandardCharsets.UTF_8));
    }

    private enum Colour {
        RED, GREEN
    }

    private record Pair(String name, Object value, Colour colour) {
    }

    /** Records and an enum that Jackson writes other than the plain way, so the one-pass writer must leave them to it. */
    private record Renamed(@JsonProperty("zz") String name, Object value) {
    }

    private record WithGetter(String name) {
        public String getExtra() {
            return "extra " + name;
        }
    }

    @JsonPropertyOrder({ "b", "a" })
    private interface Tagged {
        @JsonProperty("renamedA")
        String a();
    }

    private record Inherits(String a, Object b) implements Tagged {
    }

    private enum Shade {
        @JsonProperty("light")
        LIGHT, DARK
    }

    /**
     * The one-pass writer and the general way (Jackson's text, canonicalized) give the same bytes for any
     * value: maps with nulls, lists, every kind of number, strings with control characters, escapes,
     * surrogates (lone ones too) and characters beyond the BMP, records, enums, and values neither knows.
     */
    @Test
    void onePassAndGeneralWayAgree() {
        Properties.check(3_000, CanonicalJsonTest::value, value -> {
            String expected = new String(CanonicalJson.viaText(value), StandardCharsets.UTF_8);
            assertEquals(expected, new String(CanonicalJson.bytes(value), StandardCharsets.UTF_8), () -> "value " + value);
            return value instanceof Map ? "map" : "list";
        }).assertShare("map", 30).assertShare("list", 30);
    }

    /** A map or a list at the top, as every caller passes (the general way reads no other JSON text). */
    private static Object value(SplittableRandom random) {
        Object value = value(random, 0);
        return value instanceof Map || value instanceof List ? value : random.nextBoolean() ? java.util.Collections.singletonList(value)
                : java.util.Collections.singletonMap("v", value);
    }

    private static Object value(SplittableRandom random, int depth) {
        int kind = random.nextInt(depth > 3 ? 6 : 9);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return random.nextBoolean();
            case 2:
                return string(random);
            case 3:
                return number(random);
            case 4:
                return random.nextBoolean() ? Colour.RED : Colour.GREEN;
            case 5:
                // Now and then something only the general way writes, so that both ways stay in the runs.
                return switch (random.nextInt(20)) {
                    case 0 -> new java.util.HashSet<>(List.of("a", "b"));
                    case 1 -> new java.math.BigDecimal("1.25e3");
                    default -> string(random);
                };
            case 6:
                return switch (random.nextInt(6)) {
                    case 0 -> new Renamed(string(random), value(random, depth + 1));
                    case 1 -> new WithGetter(string(random));
                    case 2 -> new Inherits(string(random), value(random, depth + 1));
                    case 3 -> random.nextBoolean() ? Shade.LIGHT : Shade.DARK;
                    default -> new Pair(string(random), value(random, depth + 1), random.nextBoolean() ? null : Colour.GREEN);
                };
            case 7: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    list.add(value(random, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    map.put(string(random), value(random, depth + 1));
                }
                return map;
            }
        }
    }

    private static final String CHARS = "aZ09 \"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f\u0080\u00e9\u2028\u20ac\ud83d\ude00\ud800\udfff\uffff";

    private static String string(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            out.append(CHARS.charAt(random.nextInt(CHARS.length())));
        }
        return out.toString();
    }

    private static Object number(SplittableRandom random) {
        return switch (random.nextInt(9)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextLong();
            case 2 -> random.nextLong(-(1L << 53), 1L << 53);
            case 3 -> Double.longBitsToDouble(random.nextLong());
            case 4 -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
            case 5 -> (float) random.nextDouble(-1e6, 1e6);
            case 6 -> new java.math.BigInteger(random.nextInt(1, 90), new java.util.Random(random.nextLong()));
            case 7 -> (short) random.nextInt();
            default -> random.nextBoolean() ? -0.0 : 0.0;
        };
    }
}
