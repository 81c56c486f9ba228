package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.countersign.decision.TestRequests;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Several writer threads in one instance, each committing its own batches (as on PostgreSQL, where two is
 * the default), and several verification readers: concurrent decisions still make one gap-free chain in
 * which every answered decision has its entry once, and verification over parallel readers finds it valid.
 */
@QuarkusTest
@TestProfile(LogWritersTest.ThreeWriters.class)
class LogWritersTest {
    public static class ThreeWriters implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.log.writers", "3", "countersign.log.readers", "3");
        }
    }

    private static final int CALLERS = 12;
    private static final int EACH = 25;

    @Inject
    LogReader reader;

    @Test
    void concurrentDecisionsOverSeveralWritersMakeOneChain() throws Exception {
        long before = reader.head().sequence();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        List<Future<List<String>>> asked = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            String token = TestTokens.agent("writers-bot-" + c);
            asked.add(callers.submit(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < EACH; i++) {
                    ids.add(given().auth().oauth2(token).body(TestRequests.EXPORT).when().post("/v1/decisions")
                            .then().statusCode(200).extract().<String> path("decisionId"));
                }
                return ids;
            }));
        }
        Set<String> answered = new HashSet<>();
        for (Future<List<String>> f : asked) {
            answered.addAll(f.get());
        }
        callers.shutdown();
        assertEquals(CALLERS * EACH, answered.size());

        long head = reader.head().sequence();
        Set<String> logged = new HashSet<>();
        long expected = before + 1;
        for (LogReader.StoredEntry e : reader.page(before, head, CALLERS * EACH + 100)) {
            assertEquals(expected++, e.sequence(), "sequences are gap-free across writers");
            String id = e.text().replaceAll(".*\"decisionId\":\"([^\"]+)\".*", "$1");
            if (answered.contains(id)) {
                assertTrue(logged.add(id), "decision " + id + " is logged once");
            }
        }
        assertEquals(answered, logged, "every answered decision is in the log");

        // Entries may have been added since (an approval of another test expiring): the whole log is checked.
        io.restassured.path.json.JsonPath report = given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/verify")
                .then().statusCode(200).body("valid", equalTo(true)).extract().jsonPath();
        assertTrue(report.getLong("headSequence") >= head);
        assertEquals(report.getLong("headSequence"), report.getLong("entriesChecked"));
    }
}
