package io.countersign.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.junit.jupiter.api.Test;

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
}
