package io.countersign.operations;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.countersign.decision.TestRequests;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OperationsTest {
    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    @Test
    void readyWhenThePolicyAndTheLogAre() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("countersign"))
                .body("checks.find { it.name == 'countersign' }.data.policyVersion", notNullValue());
    }

    @Test
    void metricsCountDecisionsByOutcomeAndLogBatches() {
        double waitsBefore = sample(metrics(), "countersign_log_wait_seconds_count");
        given().auth().oauth2(TestTokens.agent("metrics-bot")).body(TestRequests.EXPORT).when().post("/v1/decisions")
                .then().statusCode(200);
        String metrics = metrics();
        assertThat(metrics, containsString("countersign_decisions_total{outcome=\"REQUIRE_APPROVAL\"}"));
        assertThat(metrics, containsString("countersign_log_batch_size_count"));
        assertThat(metrics, containsString("countersign_log_commit_seconds_count"));
        // Each committed entry records its caller's wait; other tests may log meanwhile, hence "at least".
        assertTrue(sample(metrics, "countersign_log_wait_seconds_count") >= waitsBefore + 1, "the decision's wait is counted");
        assertTrue(sample(metrics, "countersign_log_wait_seconds_max") > 0, "a wait is measured");
    }

    @Test
    void onEmbeddedH2EveryBatchIsFlushedToTheDiskBeforeItsCallersAreAnswered() {
        double flushesBefore = sample(metrics(), "countersign_log_flush_seconds_count");
        given().auth().oauth2(TestTokens.agent("flush-bot")).body(TestRequests.EXPORT).when().post("/v1/decisions")
                .then().statusCode(200);
        double flushes = sample(metrics(), "countersign_log_flush_seconds_count");
        if ("h2".equals(dbKind)) {
            // Recorded before the batch's callers are completed, so the answer above implies its flush.
            assertTrue(flushes >= flushesBefore + 1, "no flush was recorded before the decision was answered");
        } else {
            // PostgreSQL's commit itself waits for its WAL to reach the disk: nothing is flushed on top.
            assertEquals(flushesBefore, flushes, "a flush was recorded on " + dbKind);
        }
    }

    private static String metrics() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** A sample without labels from a Prometheus scrape; 0 when the metric has not been registered or recorded yet. */
    private static double sample(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1))).findFirst().orElse(0);
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/decisions"))
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/log/verify"))
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/policies/reload"));
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
