package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.countersign.testing.Properties;

/** The log's own hex parser reads every hash as HexFormat does, and refuses what HexFormat refuses. */
class HashHexTest {
    @Test
    void parsesAsHexFormatDoes() {
        Properties.check(2_000, (SplittableRandom random) -> {
            byte[] bytes = new byte[random.nextInt(0, 40)];
            random.nextBytes(bytes);
            return bytes;
        }, bytes -> {
            String lower = HexFormat.of().formatHex(bytes);
            assertArrayEquals(bytes, HashHex.parse(lower));
            assertArrayEquals(HexFormat.of().parseHex(lower.toUpperCase()), HashHex.parse(lower.toUpperCase()));
            return bytes.length == 32 ? "hash-sized" : "other";
        });
    }

    @Test
    void refusesWhatIsNotHex() {
        for (String bad : new String[] { "0", "0g", "g0", "  ", "0\u0660", "\u00e9a", "ab:cd" }) {
            assertThrows(IllegalArgumentException.class, () -> HexFormat.of().parseHex(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> HashHex.parse(bad), bad);
        }
    }
}
