package io.countersign.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.countersign.decision.TestRequests;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

/** The per-caller token bucket: three requests at once, then one a second; at most eight callers tracked. */
@QuarkusTest
@TestProfile(RateLimitTest.TightLimits.class)
class RateLimitTest {
    /** Long enough for an emptied bucket (3 tokens at 1 a second) to be full again. */
    private static final Duration REFILLED = Duration.ofMillis(3_200);
    private static final int MAX_CALLERS = 8;

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.rate-limit.per-second", "1", "countersign.rate-limit.burst", "3",
                    "countersign.rate-limit.max-callers", Integer.toString(MAX_CALLERS));
        }
    }

    @Test
    void aCallerOverItsLimitGets429WithRetryAfterAndOthersAreServed() throws InterruptedException {
        String token = TestTokens.agent("eager-bot");
        emptyBucket(token);
        whoAmI(token).statusCode(429).contentType("application/problem+json")
                .header("Retry-After", equalTo("1"))
                .body("code", equalTo("rate_limited"))
                .body("detail", containsString("eager-bot"));
        whoAmI(TestTokens.agent("calm-bot")).statusCode(200);

        Thread.sleep(1_100);
        whoAmI(token).statusCode(200);
    }

    @Test
    void aRefusedDecisionIsNeitherMadeNorLogged() {
        String token = TestTokens.agent("flooding-bot");
        emptyBucket(token);
        long head = head();
        given().auth().oauth2(token).contentType("application/json").body(TestRequests.EXPORT)
                .when().post("/v1/decisions")
                .then().statusCode(429).body("code", equalTo("rate_limited")).body("outcome", nullValue())
                .body("decisionId", nullValue());
        assertEquals(head, head(), "nothing was appended to the log for the refused request");
    }

    @Test
    void aTokenThatDoesNotVerifyIsRefusedAs401NotCounted() {
        for (int i = 0; i < 4; i++) {
            given().auth().oauth2("not-a-token").when().get("/v1/whoami")
                    .then().statusCode(401).body("code", equalTo("unauthorized"));
        }
    }

    @Test
    void theTableOfCallersIsBoundedAndIdleCallersMakeRoom() throws InterruptedException {
        // Every bucket other tests left behind is full again, hence idle and the first to go.
        Thread.sleep(REFILLED.toMillis());
        for (int i = 1; i <= MAX_CALLERS; i++) {
            emptyBucket(TestTokens.agent("fleet-bot-" + i));
        }
        // Every tracked caller is mid-burst: one more cannot be tracked, so it is refused rather than let in unlimited.
        String oneMore = TestTokens.agent("fleet-bot-" + (MAX_CALLERS + 1));
        whoAmI(oneMore).statusCode(429).body("code", equalTo("rate_limited"));

        Thread.sleep(REFILLED.toMillis());
        whoAmI(oneMore).statusCode(200);
    }

    private static void emptyBucket(String token) {
        for (int i = 0; i < 3; i++) {
            whoAmI(token).statusCode(200);
        }
    }

    private static ValidatableResponse whoAmI(String token) {
        return given().auth().oauth2(token).when().get("/v1/whoami").then();
    }

    private static long head() {
        return given().auth().oauth2(TestTokens.token("rate-auditor", "human", "auditor"))
                .when().get("/v1/log/verify").then().statusCode(200).extract().jsonPath().getLong("headSequence");
    }
}
