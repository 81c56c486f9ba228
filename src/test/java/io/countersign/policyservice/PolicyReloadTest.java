package io.countersign.policyservice;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.countersign.identity.TestTokens;
import io.countersign.policy.PolicyFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Reloads a copy of the shipped rules that the test edits, so the real ones stay untouched. */
@QuarkusTest
@TestProfile(PolicyReloadTest.CopiedRules.class)
class PolicyReloadTest {
    static final Path COPY = Path.of("target/test-data/reload");
    static final Path RULES = COPY.resolve("rules");
    static final String BAD_FILE = "rules/broken/bad.drl";

    public static class CopiedRules implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            PolicyFixture.shipped(COPY);
            return Map.of("countersign.rules-dir", RULES.toString());
        }
    }

    @AfterEach
    void removeBrokenRule() throws IOException {
        Files.deleteIfExists(COPY.resolve(BAD_FILE));
        Files.deleteIfExists(COPY.resolve(BAD_FILE).getParent());
    }

    @Test
    void thePolicyListsItsRulesWithFilesAndControls() {
        given().auth().oauth2(TestTokens.agent("bot")).when().get("/v1/policies").then().statusCode(200)
                .body("version", matchesPattern("sha256:[0-9a-f]{64}"))
                .body("defaultOutcome", equalTo("REQUIRE_APPROVAL"))
                .body("rules.id", hasItem("data.export.confidential-production"))
                .body("rules.find { it.id == 'data.export.confidential-production' }.file", endsWith("rules/dataflow/export.drl"))
                .body("rules.find { it.id == 'data.export.confidential-production' }.controls", hasItem("SOC2:CC6.7"));
    }

    @Test
    void onlyPolicyAdminsReload() {
        given().auth().oauth2(TestTokens.agent("bot")).when().post("/v1/policies/reload")
                .then().statusCode(403).body("code", equalTo("forbidden"));
    }

    @Test
    void aBrokenRuleIsRefusedWithItsLineAndThePolicyInForceKeepsServing() throws IOException {
        String before = given().auth().oauth2(TestTokens.agent("bot")).when().get("/v1/policies").then().extract().path("version");
        Files.createDirectories(COPY.resolve(BAD_FILE).getParent());
        Files.writeString(COPY.resolve(BAD_FILE), """
                package rules.broken;
                import io.countersign.policy.api.*;
                global io.countersign.policy.Verdict verdict;

                rule "broken.rule"
                when
                    Request( action == )
                then
                    verdict.deny("never");
                end
                """);
        given().auth().oauth2(TestTokens.policyAdmin()).when().post("/v1/policies/reload")
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("policy_invalid"))
                .body("problems", contains(matchesPattern(".*rules/broken/bad\\.drl:7: .*no viable alternative.*")));

        given().auth().oauth2(TestTokens.agent("bot")).when().get("/v1/policies").then().body("version", equalTo(before));
        given().auth().oauth2(TestTokens.agent("bot")).body("{\"action\": \"aws.s3.list\"}").when().post("/v1/decisions")
                .then().statusCode(200).body("outcome", equalTo("ALLOW")).body("policyVersion", equalTo(before));
    }

    @Test
    void aGoodEditTakesEffectAtOnceAndIsLogged() throws IOException {
        String before = given().auth().oauth2(TestTokens.agent("bot")).when().get("/v1/policies").then().extract().path("version");
        Path file = COPY.resolve(BAD_FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                package rules.broken;
                import io.countersign.policy.api.*;
                global io.countersign.policy.Verdict verdict;

                rule "readonly.listing-frozen"
                when
                    Request( action == "aws.s3.list" )
                then
                    verdict.deny("Listing is frozen for the audit.");
                end
                """);
        Files.writeString(COPY.resolve("compliance-mappings/rule-controls.yaml"),
                Files.readString(COPY.resolve("compliance-mappings/rule-controls.yaml"))
                        + "\n  readonly.listing-frozen:\n    - SOC2:CC6.1\n");
        try {
            String after = given().auth().oauth2(TestTokens.policyAdmin()).when().post("/v1/policies/reload")
                    .then().statusCode(200).body("version", not(equalTo(before))).extract().path("version");
            given().auth().oauth2(TestTokens.agent("bot")).body("{\"action\": \"aws.s3.list\"}").when().post("/v1/decisions")
                    .then().statusCode(200).body("outcome", equalTo("DENY")).body("policyVersion", equalTo(after));
            List<Map<String, Object>> policyEntries = given().auth().oauth2(TestTokens.auditor())
                    .queryParam("limit", 1000).when().get("/v1/log").then().extract().jsonPath()
                    .getList("entries.body.findAll { it.kind == 'policy' }.entry");
            Map<String, Object> last = policyEntries.get(policyEntries.size() - 1);
            assertEquals("reloaded", last.get("event"));
            assertEquals(after, last.get("policyVersion"));
            assertEquals(before, last.get("previousVersion"));
            assertEquals("pat@example.com", last.get("by"));
            assertNotEquals(before, after);
        } finally {
            PolicyFixture.copyTree(Path.of("compliance-mappings"), COPY.resolve("compliance-mappings"));
            Files.delete(file);
            given().auth().oauth2(TestTokens.policyAdmin()).when().post("/v1/policies/reload").then().statusCode(200)
                    .body("version", equalTo(before));
        }
    }
}
