package io.countersign.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.countersign.policy.api.Artifact;
import io.countersign.policy.api.Caller;
import io.countersign.policy.api.Request;
import io.countersign.policy.api.RequestContext;
import io.countersign.policy.api.Resource;

class ActionDigestTest {
    record Fields(String action, String callerId, String callerType, List<String> groups, String onBehalfOf,
            String environment, Map<String, Object> attributes, String artifactDigest, String reason) {
        Request request() {
            return new Request(action, new Caller(callerId, callerType, groups), onBehalfOf,
                    new Resource("s3-bucket", "customer-data", environment, "confidential", attributes),
                    new RequestContext(reason, "OPS-1", new Artifact("terraform-plan", artifactDigest, "2 to change", null), Map.of()));
        }
    }

    private static final Fields BASE = new Fields("aws.s3.export", "agent:bot", "agent", List.of("agents"),
            "alice@example.com", "production", Map.of("destination", "s3://a", "region", "eu-west-1"), "sha256:aa", "why");

    static Stream<Arguments> boundFields() {
        return Stream.<Arguments>of(
                change("action", f -> new Fields("aws.s3.copy", f.callerId(), f.callerType(), f.groups(), f.onBehalfOf(), f.environment(), f.attributes(), f.artifactDigest(), f.reason())),
                change("caller id", f -> new Fields(f.action(), "agent:other", f.callerType(), f.groups(), f.onBehalfOf(), f.environment(), f.attributes(), f.artifactDigest(), f.reason())),
                change("caller type", f -> new Fields(f.action(), f.callerId(), "human", f.groups(), f.onBehalfOf(), f.environment(), f.attributes(), f.artifactDigest(), f.reason())),
                change("on behalf of", f -> new Fields(f.action(), f.callerId(), f.callerType(), f.groups(), "bob@example.com", f.environment(), f.attributes(), f.artifactDigest(), f.reason())),
                change("no on behalf of", f -> new Fields(f.action(), f.callerId(), f.callerType(), f.groups(), null, f.environment(), f.attributes(), f.artifactDigest(), f.reason())),
                change("environment", f -> new Fields(f.action(), f.callerId(), f.callerType(), f.groups(), f.onBehalfOf(), "staging", f.attributes(), f.artifactDigest(), f.reason())),
                change("an attribute value", f -> new Fields(f.action(), f.callerId(), f.callerType(), f.groups(), f.onBehalfOf(), f.environment(), Map.of("destination", "s3://b", "region", "eu-west-1"), f.artifactDigest(), f.reason())),
                change("an attribute's type", f -> new Fields(f.action(), f.callerId(), f.callerType(), f.groups(), f.onBehalfOf(), f.environment(), Map.of("destination", "s3://a", "region", List.of("eu-west-1")), f.artifactDigest(), f.reason())),
                change("the artifact digest", f -> new Fields(f.action(), f.callerId(), f.callerType(), f.groups(), f.onBehalfOf(), f.environment(), f.attributes(), "sha256:bb", f.reason())));
    }

    @ParameterizedTest(name = "changing {0} changes the digest")
    @MethodSource("boundFields")
    void everyBoundFieldIsInTheDigest(String note, UnaryOperator<Fields> change) {
        assertNotEquals(ActionDigest.of(BASE.request()), ActionDigest.of(change.apply(BASE).request()));
    }

    @Test
    void theDigestIgnoresOrderGroupsAndReason() {
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("region", "eu-west-1");
        reordered.put("destination", "s3://a");
        Fields same = new Fields(BASE.action(), BASE.callerId(), BASE.callerType(), List.of("agents", "more"),
                BASE.onBehalfOf(), BASE.environment(), reordered, BASE.artifactDigest(), "another reason");
        assertEquals(ActionDigest.of(BASE.request()), ActionDigest.of(same.request()));
        assertTrue(ActionDigest.of(BASE.request()).matches("sha256:[0-9a-f]{64}"));
    }

    private static Arguments change(String note, UnaryOperator<Fields> change) {
        return Arguments.of(note, change);
    }
}
