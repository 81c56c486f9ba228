package io.countersign.decision;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.countersign.audit.LogReader;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

/** Every malformed request gets a problem+json 400 naming the field, never a 500 and never an outcome. */
@QuarkusTest
class BadInputTest {
    @Inject
    LogReader log;

    static Stream<Arguments> badBodies() {
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        String deepAttributes = "{\"action\":\"aws.s3.export\",\"resource\":{\"attributes\":"
                + "{\"a\":".repeat(6) + "1" + "}".repeat(6) + "}}";
        return Stream.of(
                Arguments.of("malformed JSON", "{\"action\": \"aws.s3.export\"", null, "invalid JSON"),
                Arguments.of("not JSON at all", "action=aws.s3.export", null, "invalid JSON"),
                Arguments.of("an empty body", "", null, "empty"),
                Arguments.of("a list instead of an object", "[\"aws.s3.export\"]", null, "expected a mapping"),
                Arguments.of("trailing content", "{\"action\":\"aws.s3.export\"} {}", null, "after the end"),
                Arguments.of("missing action", "{\"resource\": {\"id\": \"x\"}}", "action", "missing required key"),
                Arguments.of("null action", "{\"action\": null}", "action", "missing required key"),
                Arguments.of("action of the wrong type", "{\"action\": 42}", "action", "expected a string"),
                Arguments.of("action in upper case", "{\"action\": \"AWS.S3.Export\"}", "action", "not an action"),
                Arguments.of("unknown top-level field", "{\"action\": \"aws.s3.export\", \"priority\": 1}", "priority", "unknown key"),
                Arguments.of("caller in the body", "{\"action\": \"aws.s3.export\", \"caller\": {\"id\": \"root\"}}", "caller", "unknown key"),
                Arguments.of("resource of the wrong type", "{\"action\": \"aws.s3.export\", \"resource\": \"bucket\"}", "resource", "expected a mapping"),
                Arguments.of("unknown resource field", "{\"action\": \"aws.s3.export\", \"resource\": {\"owner\": \"x\"}}", "resource.owner", "unknown key"),
                Arguments.of("environment not a word", "{\"action\": \"aws.s3.export\", \"resource\": {\"environment\": \"Prod uction\"}}", "resource.environment", "lower-case word"),
                Arguments.of("an id over 256 characters", "{\"action\": \"aws.s3.export\", \"resource\": {\"id\": \"" + "x".repeat(300) + "\"}}", "resource.id", "longer than 256"),
                Arguments.of("a reason over 4000 characters", "{\"action\": \"aws.s3.export\", \"context\": {\"reason\": \"" + "x".repeat(4100) + "\"}}", "context.reason", "longer than 4000"),
                Arguments.of("a bidi override in onBehalfOf", "{\"action\": \"aws.s3.export\", \"onBehalfOf\": \"alice\\u202e@example.com\"}", "onBehalfOf", "control character"),
                Arguments.of("a duplicate key", "{\"action\": \"aws.s3.export\", \"action\": \"github.repo.read\"}", null, "Duplicate field"),
                Arguments.of("nesting 40 levels deep", deep, null, "nested deeper than 32"),
                Arguments.of("attributes nested too deep", deepAttributes, "resource.attributes", "nested deeper than 4"),
                Arguments.of("a number beyond double range", "{\"action\": \"aws.s3.export\", \"resource\": {\"attributes\": {\"n\": 1e400}}}", "resource.attributes", "too large"),
                Arguments.of("a whole number beyond 2^53", "{\"action\": \"aws.s3.export\", \"resource\": {\"attributes\": {\"n\": 123456789012345678901234567890}}}", "resource.attributes", "2^53"),
                Arguments.of("a whole number at -2^63", "{\"action\": \"aws.s3.export\", \"resource\": {\"attributes\": {\"n\": -9223372036854775808}}}", "resource.attributes", "2^53"),
                Arguments.of("approvalId of the wrong type", "{\"action\": \"aws.s3.export\", \"approvalId\": [1]}", "approvalId", "expected a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBodiesGet400(String note, String body, String field, String detail) {
        long before = log.head().sequence();
        given().auth().oauth2(TestTokens.agent("sloppy-bot")).contentType("application/json").body(body)
                .when().post("/v1/decisions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid_request"))
                .body("field", equalTo(field))
                .body("detail", containsString(detail))
                .body("outcome", nullValue());
        assertEquals(before, log.head().sequence(), "nothing is logged for a request that was never decided");
    }

    @Test
    void theLineOfTheProblemIsGiven() {
        String body = "{\n  \"action\": \"aws.s3.export\",\n  \"resource\": {\n    \"environment\": 7\n  }\n}";
        given().auth().oauth2(TestTokens.agent("sloppy-bot")).contentType("application/json").body(body)
                .when().post("/v1/decisions")
                .then().statusCode(400).body("field", equalTo("resource.environment")).body("line", equalTo(4));
    }

    @Test
    void aBodyOver64KiBGets413() {
        String big = "{\"action\": \"aws.s3.export\", \"context\": {\"reason\": \"" + "x".repeat(70 * 1024) + "\"}}";
        given().auth().oauth2(TestTokens.agent("big-bot")).contentType("application/json").body(big)
                .when().post("/v1/decisions")
                .then().statusCode(413).contentType("application/problem+json").body("code", equalTo("body_too_large"));
    }

    @Test
    void aBadIdempotencyKeyIsNamed() {
        given().auth().oauth2(TestTokens.agent("bot")).header("Idempotency-Key", "k".repeat(300))
                .body("{\"action\": \"github.repo.read\"}").when().post("/v1/decisions")
                .then().statusCode(400).body("code", equalTo("invalid_parameter")).body("field", equalTo("Idempotency-Key"));
    }

    @Test
    void anUnknownPathIsAProblemToo() {
        given().auth().oauth2(TestTokens.agent("bot")).when().get("/v1/nothing-here")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
    }
}
