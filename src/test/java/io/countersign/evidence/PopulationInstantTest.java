package io.countersign.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The direct reading of the log's timestamps agrees with Instant.parse, and leaves every other shape to it. */
class PopulationInstantTest {
    @ParameterizedTest
    @ValueSource(strings = { "2026-11-21T21:12:54.137200Z", "2026-11-21T21:12:54Z", "2024-02-29T23:59:59.999999999Z",
            "1970-01-01T00:00:00.1Z", "2026-01-31T00:00:00.000Z", "1969-12-31T23:59:59.5Z" })
    void readsTheLogsShapeAsInstantParseDoes(String text) {
        assertEquals(Instant.parse(text), Population.utc(text));
        assertEquals(Instant.parse(text), Population.instant(text));
    }

    @ParameterizedTest
    @ValueSource(strings = { "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21 21:12:54Z",
            "2026-11-21T21:12:54.Z", "2026-11-21T21:12:54.1234567890Z", "2026-11-21T21:12:54+01:00", "+12026-11-21T21:12:54Z",
            "2026-11-2lT21:12:54Z" })
    void leavesOtherShapesToInstantParse(String text) {
        assertNull(Population.utc(text));
    }

    @ParameterizedTest
    @ValueSource(strings = { "2026-11-21T21:12:54+01:00", "2026-11-21T23:59:60Z" })
    void otherValidShapesStillParse(String text) {
        assertEquals(Instant.parse(text), Population.instant(text));
    }
}
