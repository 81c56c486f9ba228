package io.countersign.decision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.countersign.canonical.CanonicalJson;
import io.countersign.cli.CountersignCli;
import io.countersign.policy.Decision;
import io.countersign.policy.Policy;
import io.countersign.policy.PolicyLoader;
import io.countersign.policy.RequestYaml;
import io.countersign.policy.api.Caller;
import io.countersign.reliability.HostileInput;
import io.countersign.testing.Gen;
import io.countersign.testing.Properties;
import io.countersign.yaml.JsonDocument;
import io.countersign.yaml.YamlException;
import io.countersign.yaml.YamlNode;

/**
 * The decision request reader over hostile bodies, in process: each body is either read into a request or
 * refused with a {@link YamlException} at a line (which the API answers as {@code invalid_request}); a
 * request it reads has a digest, a canonical form that canonicalizes to itself, no whole number beyond
 * ±2^53 and a decision with reasons.
 */
class HostileBodiesTest {
    private static final Caller CALLER = new Caller("hostile-bot", Caller.AGENT, List.of("agent"));
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private static Policy policy;

    @BeforeAll
    static void load() throws Exception {
        CountersignCli.quietLibraryLogging();
        policy = PolicyLoader.forRulesDir(Path.of("rules")).load();
    }

    @Test
    void everyBodyIsReadOrRefusedAtALine() {
        Gen<HostileInput.Body> bodies = Gen.oneOf(HostileInput.decisionBodies(CALLER.getId()).map(HostileInput.Body::of),
                HostileInput.brokenBodies(CALLER.getId()));
        // The generators are worth something only if both answers come up often.
        Properties.check(1_000, bodies, HostileBodiesTest::readOrRefuse).assertShare("read", 10).assertShare("refused", 30);
    }

    /** Reads {@code body} as the API does: "read" or "refused" at a line, or an assertion fails. */
    private static String readOrRefuse(HostileInput.Body body) {
        YamlNode node;
        RequestYaml.Body request;
        try {
            node = JsonDocument.parse(body.bytes(), "body");
            request = RequestYaml.readBody(node, CALLER);
        } catch (YamlException e) {
            assertTrue(e.line() >= 1 && !e.getMessage().isBlank(), "a line and a message: " + e.located());
            return "refused";
        }
        assertNotNull(ActionDigest.of(request.request()));
        byte[] canonical = CanonicalJson.bytes(node.plainValue());
        assertArrayEquals(canonical, CanonicalJson.canonicalize(new String(canonical, StandardCharsets.UTF_8)),
                "the canonical form is its own canonical form");
        assertSafeNumbers(request.request().getResource().getAttributes());
        assertSafeNumbers(request.request().getContext().getAttributes());
        Decision decision = policy.evaluate(request.request());
        assertFalse(decision.reasons().isEmpty(), "a decision carries its reasons: " + decision);
        return "read";
    }

    /** Whole numbers within ±(2^53 - 1), finite doubles: what canonical JSON can tell apart. */
    private static void assertSafeNumbers(Object value) {
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(HostileBodiesTest::assertSafeNumbers);
        } else if (value instanceof List<?> list) {
            list.forEach(HostileBodiesTest::assertSafeNumbers);
        } else if (value instanceof Long n) {
            assertTrue(n >= -MAX_SAFE_INTEGER && n <= MAX_SAFE_INTEGER, "a whole number beyond ±2^53 was read: " + n);
        } else if (value instanceof Double d) {
            assertTrue(Double.isFinite(d), "a number that is not finite was read: " + d);
        } else {
            assertFalse(value instanceof BigInteger, "a whole number beyond 64 bits was read: " + value);
        }
    }
}
