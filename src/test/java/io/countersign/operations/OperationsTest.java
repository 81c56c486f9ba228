package io.countersign.operations;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.countersign.decision.TestRequests;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OperationsTest {
    @Test
    void readyWhenThePolicyAndTheLogAre() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("countersign"))
                .body("checks.find { it.name == 'countersign' }.data.policyVersion", notNullValue());
    }

    @Test
    void metricsCountDecisionsByOutcomeAndLogBatches() {
        given().auth().oauth2(TestTokens.agent("metrics-bot")).body(TestRequests.EXPORT).when().post("/v1/decisions")
                .then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("countersign_decisions_total{outcome=\"REQUIRE_APPROVAL\"}"))
                .body(containsString("countersign_log_batch_size_count"))
                .body(containsString("countersign_log_commit_seconds_count"));
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
