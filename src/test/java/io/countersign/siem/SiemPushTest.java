package io.countersign.siem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The push to a Splunk HTTP Event Collector ({@link FakeHec}): it fails at first, then accepts. Every entry of
 * the log arrives, in order, exactly once among the accepted requests; refused batches are sent again; while
 * the collector refuses, the lag gauge shows the entries behind, and it returns to 0 once they are accepted.
 */
@QuarkusTest
@TestProfile(SiemPushTest.Push.class)
class SiemPushTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static class Push implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.siem.push.every", "0.2s", "countersign.siem.push.backoff", "0.2s",
                    "countersign.siem.push.max-backoff", "1s", "countersign.siem.push.batch-size", "7",
                    "countersign.siem.push.format", "ocsf");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeHec.class));
        }
    }

    @Test
    void everyEntryArrivesOnceInOrderAfterFailuresAndTheLagReturnsToZero() throws Exception {
        String agent = TestTokens.agent("push-bot-" + UUID.randomUUID());
        for (int i = 0; i < 3; i++) {
            decide(agent);
        }
        long head = head();
        JsonNode recorded = await("every entry through " + head + " accepted and no lag", () -> {
            JsonNode r = recorded();
            return sequences(r.path("accepted")).contains(head) && lag() == 0 ? r : null;
        });
        assertTrue(recorded.path("refused").size() > 0, "the collector refused the first requests");
        assertEveryEntryOnceInOrder(recorded.path("accepted"), head());
        for (long refused : sequences(recorded.path("refused"))) {
            assertTrue(sequences(recorded.path("accepted")).contains(refused), "refused entry " + refused + " was sent again");
        }

        JsonNode first = recorded.path("accepted").get(0);
        assertEquals("countersign", first.path("source").asText());
        assertEquals("countersign:ocsf", first.path("sourcetype").asText());
        assertEquals(first.at("/event/time").asLong(), Math.round(first.path("time").asDouble() * 1000));
        assertEquals(6003, first.at("/event/class_uid").asInt());
        assertEquals(1, first.at("/event/metadata/sequence").asLong());

        // A collector that keeps refusing: the new entry is behind, and the gauge says so.
        HTTP.send(HttpRequest.newBuilder(URI.create(System.getProperty(FakeHec.BASE) + "/fail?times=1000"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        int refusedBefore = recorded().path("refused").size();
        String stalled = decide(agent);
        await("the lag gauge shows the refused entry", () -> lag() >= 1
                && recorded().path("refused").size() > refusedBefore ? true : null);
        assertTrue(recorded().path("accepted").findValuesAsText("uid").stream().noneMatch(stalled::equals),
                "nothing was accepted while the collector refused");

        HTTP.send(HttpRequest.newBuilder(URI.create(System.getProperty(FakeHec.BASE) + "/fail?times=0"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        long later = head();
        JsonNode after = await("caught up again", () -> {
            JsonNode r = recorded();
            return sequences(r.path("accepted")).contains(later) && lag() == 0 ? r : null;
        });
        assertEveryEntryOnceInOrder(after.path("accepted"), later);
        assertTrue(after.path("accepted").findValuesAsText("uid").contains(stalled), "the refused decision arrived");
    }

    static void assertEveryEntryOnceInOrder(JsonNode accepted, long head) {
        List<Long> sequences = new ArrayList<>();
        accepted.forEach(e -> sequences.add(e.at("/event/metadata/sequence").asLong()));
        Set<Long> once = new HashSet<>(sequences);
        assertEquals(sequences.size(), once.size(), "no entry was accepted twice: " + sequences);
        for (int i = 0; i < sequences.size(); i++) {
            assertEquals(i + 1, sequences.get(i), "entries arrive in order with none missing");
        }
        assertTrue(sequences.size() >= head, "every entry through " + head + " arrived");
    }

    static String decide(String agent) {
        return given().auth().oauth2(agent).contentType("application/json").body("""
                {"action": "aws.ec2.describe", "resource": {"type": "instance", "id": "i-push", "environment": "production"}}""")
                .post("/v1/decisions").then().statusCode(200).body("outcome", equalTo("ALLOW")).extract().path("decisionId");
    }

    static long head() {
        return Long.parseLong(given().auth().oauth2(TestTokens.auditor()).queryParam("limit", 1).get("/v1/log/events")
                .then().statusCode(200).extract().header(SiemResource.HEAD));
    }

    static List<Long> sequences(JsonNode events) {
        List<Long> out = new ArrayList<>();
        events.forEach(e -> out.add(e.at("/event/metadata/sequence").asLong()));
        return out;
    }

    static JsonNode recorded() {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(System.getProperty(FakeHec.BASE) + "/recorded")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The gauge for this run's destination, from the Prometheus scrape. */
    static double lag() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("countersign_siem_push_lag_entries\\{destination=\""
                + Pattern.quote(System.getProperty(FakeHec.DESTINATION)) + "\"[^}]*} (\\S+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static <T> T await(String what, Supplier<T> probe) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            T found = probe.get();
            if (found != null) {
                return found;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("gave up waiting for: " + what);
    }
}
