package io.countersign.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** The property harness: failures say how to repeat them, a seed repeats the samples, generators reach their edges. */
class PropertiesTest {
    @Test
    void aFailureNamesTheSeedTheTryAndTheSample() {
        AssertionError failure = assertThrows(AssertionError.class, () -> Properties.check(100, Gen.ints(0, 1_000), n -> {
            assertTrue(n < 500, "too big");
            return "small";
        }));
        String message = failure.getMessage();
        assertTrue(message.contains("-Dcountersign.seed=" + Properties.SEED), message);
        assertTrue(message.matches("(?s).* failed at try \\d+ of 100 .*"), message);
        assertTrue(message.matches("(?s).*sample: \\d+\\n.*too big.*"), message);
    }

    @Test
    void theSameSeedGivesTheSameSamples() {
        assertEquals(samples(), samples());
    }

    @Test
    void kindsAreCountedAndTheirShareChecked() {
        Properties.Run run = Properties.check(200, Gen.elements("a", "b"), s -> s);
        assertEquals(200, run.kinds().values().stream().mapToInt(Integer::intValue).sum());
        run.assertShare("a", 30);
        assertThrows(AssertionError.class, () -> run.assertShare("c", 1));
    }

    @Test
    void numbersReachTheEndsOfTheirRange() {
        Set<Long> seen = new TreeSet<>();
        SplittableRandom random = new SplittableRandom(Properties.SEED);
        Gen<Long> longs = Gen.longs(Long.MIN_VALUE, Long.MAX_VALUE);
        for (int i = 0; i < 1_000; i++) {
            seen.add(longs.next(random));
        }
        assertTrue(seen.containsAll(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L)), "edges missing from " + seen.size() + " values");
        Gen<Integer> ints = Gen.ints(-3, 7);
        for (int i = 0; i < 1_000; i++) {
            int n = ints.next(random);
            assertTrue(n >= -3 && n <= 7, "out of range: " + n);
        }
    }

    @Test
    void mapsHaveDistinctKeysAndStringsTheirLengths() {
        SplittableRandom random = new SplittableRandom(Properties.SEED);
        for (int i = 0; i < 200; i++) {
            Map<String, Integer> map = Gen.maps(Gen.elements("a", "b", "c", "d"), Gen.ints(0, 9), 2, 4).next(random);
            assertTrue(map.size() >= 2 && map.size() <= 4, "size " + map.size());
            String text = Gen.strings("xy", 3, 5).next(random);
            assertTrue(text.matches("[xy]{3,5}"), text);
        }
    }

    private static List<String> samples() {
        List<String> samples = new ArrayList<>();
        Properties.check(50, Gen.strings(Gen.ALPHA, 0, 20).list(0, 3).map(Object::toString), s -> {
            samples.add(s);
            return "seen";
        });
        return samples;
    }
}
