package io.countersign.siem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The SIEM pull feed over HTTP: an ALLOW, a DENY and a REQUIRE_APPROVAL decision and a vote made here, read back
 * as OCSF and as ECS with their fields checked against the raw log entries; who may read; bad input; paging.
 */
@QuarkusTest
class SiemFeedTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static String agentId;
    static long before;
    static String allowId;
    static String denyId;
    static String approvalDecisionId;
    static String approvalId;
    static String policyVersion;

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType("application/json");
    }

    /** The head before the decisions, then an allow, a deny, a request for approval and one vote on it. */
    @BeforeEach
    void decide() {
        decideOnce();
    }

    static synchronized void decideOnce() {
        if (agentId != null) {
            return;
        }
        before = Long.parseLong(as(TestTokens.auditor()).queryParam("limit", 1).get("/v1/log/events").then()
                .statusCode(200).extract().header(SiemResource.HEAD));
        String id = "siem-bot-" + UUID.randomUUID();
        String agent = TestTokens.agent(id);
        Response allow = as(agent).body("""
                {"action": "aws.ec2.describe", "resource": {"type": "instance", "id": "i-0abc", "environment": "production"}}""")
                .post("/v1/decisions");
        allow.then().statusCode(200).body("outcome", equalTo("ALLOW"));
        allowId = allow.path("decisionId");
        policyVersion = allow.path("policyVersion");
        denyId = as(agent).body("""
                {"action": "aws.s3.export", "resource": {"type": "s3-bucket", "id": "customer-data", "environment": "production",
                 "classification": "confidential", "attributes": {"destination": "s3://elsewhere"}}}""")
                .post("/v1/decisions").then().statusCode(200).body("outcome", equalTo("DENY")).extract().path("decisionId");
        Response asked = as(agent).body("""
                {"action": "iam.role.assign",
                 "resource": {"type": "iam-role", "id": "admin-%s", "environment": "production",
                              "attributes": {"principal": "dana@example.com"}},
                 "onBehalfOf": "olivia@example.com", "context": {"reason": "on-call", "ticket": "SEC-9"}}"""
                .formatted(UUID.randomUUID())).post("/v1/decisions");
        asked.then().statusCode(200).body("outcome", equalTo("REQUIRE_APPROVAL"));
        approvalDecisionId = asked.path("decisionId");
        approvalId = asked.path("approval.id");
        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{\"comment\": \"ticket checked\"}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(200).body("status", equalTo("PENDING"));
        agentId = id;
    }

    static List<JsonNode> events(String format, long after, int limit) {
        String body = as(TestTokens.auditor()).queryParam("format", format).queryParam("afterSequence", after)
                .queryParam("limit", limit).get("/v1/log/events").then().statusCode(200)
                .contentType(startsWith(SiemResource.NDJSON)).extract().asString();
        List<JsonNode> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty()) {
                events.add(read(line));
            }
        }
        return events;
    }

    /** The raw log entries after {@code before}, by sequence: what the events must say. */
    static Map<Long, JsonNode> raw() {
        JsonNode page = read(as(TestTokens.auditor()).queryParam("afterSequence", before).queryParam("limit", 1000)
                .get("/v1/log").then().statusCode(200).extract().asString());
        Map<Long, JsonNode> bySequence = new java.util.HashMap<>();
        page.path("entries").forEach(e -> bySequence.put(e.path("sequence").asLong(), e));
        return bySequence;
    }

    static JsonNode ocsf(String decisionId) {
        return events("ocsf", before, 1000).stream().filter(e -> decisionId.equals(e.at("/api/request/uid").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no OCSF event for decision " + decisionId));
    }

    static JsonNode ecs(String decisionId) {
        return events("ecs", before, 1000).stream().filter(e -> decisionId.equals(e.at("/event/id").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no ECS document for decision " + decisionId));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "ALLOW, 1, Success, 1, aws.ec2.describe, instance, success, allowed",
            "DENY, 2, Failure, 3, aws.s3.export, s3-bucket, failure, denied",
            "REQUIRE_APPROVAL, 99, Other, 2, iam.role.assign, iam-role, unknown, info" })
    void aDecisionIsAnOcsfApiActivityWithTheDecisionRulesAndPolicyVersion(String outcome, int statusId, String status,
            int severity, String action, String resourceType, String ecsOutcome, String ecsType) {
        String id = switch (outcome) {
            case "ALLOW" -> allowId;
            case "DENY" -> denyId;
            default -> approvalDecisionId;
        };
        JsonNode e = ocsf(id);
        long sequence = e.at("/metadata/sequence").asLong();
        JsonNode stored = raw().get(sequence);
        JsonNode entry = stored.path("body");
        assertEquals(id, entry.at("/entry/decisionId").asText(), "metadata.sequence names the entry");
        assertEquals(6003, e.path("class_uid").asInt());
        assertEquals(6, e.path("category_uid").asInt());
        assertEquals(99, e.path("activity_id").asInt());
        assertEquals("Decision", e.path("activity_name").asText());
        assertEquals(600399, e.path("type_uid").asInt());
        assertEquals(Instant.parse(entry.path("recordedAt").asText()).toEpochMilli(), e.path("time").asLong());
        assertEquals(severity, e.path("severity_id").asInt());
        assertEquals(statusId, e.path("status_id").asInt());
        assertEquals(status, e.path("status").asText());
        assertEquals(outcome, e.path("status_detail").asText());
        assertEquals(agentId, e.at("/actor/user/uid").asText());
        assertEquals("Agent", e.at("/actor/user/type").asText());
        assertEquals(action, e.at("/api/operation").asText());
        assertEquals(resourceType, e.at("/resources/0/type").asText());
        assertEquals(entry.at("/entry/request/resource/id").asText(), e.at("/resources/0/uid").asText());
        assertEquals("1.3.0", e.at("/metadata/version").asText());
        assertEquals("Countersign", e.at("/metadata/product/name").asText());
        assertEquals("Countersign", e.at("/metadata/product/vendor_name").asText());
        assertEquals(stored.path("hash").asText(), e.at("/metadata/uid").asText());
        assertEquals("decision-log", e.at("/metadata/log_name").asText());
        JsonNode reasons = entry.at("/entry/reasons");
        JsonNode authorizations = e.at("/actor/authorizations");
        assertEquals(reasons.size(), authorizations.size());
        assertTrue(reasons.size() > 0);
        for (int i = 0; i < reasons.size(); i++) {
            assertEquals(reasons.get(i).path("outcome").asText(), authorizations.get(i).path("decision").asText());
            assertEquals(reasons.get(i).path("rule").asText(), authorizations.get(i).at("/policy/uid").asText());
            assertEquals(reasons.get(i).path("rule").asText(), authorizations.get(i).at("/policy/name").asText());
            assertEquals(policyVersion, authorizations.get(i).at("/policy/version").asText());
        }
        assertEquals(outcome, e.at("/unmapped/outcome").asText());
        assertEquals(stored.path("prevHash").asText(), e.at("/unmapped/prev_hash").asText());

        JsonNode d = ecs(id);
        assertEquals(entry.path("recordedAt").asText(), d.path("@timestamp").asText());
        assertEquals("event", d.at("/event/kind").asText());
        assertEquals("iam", d.at("/event/category/0").asText());
        assertEquals(ecsType, d.at("/event/type/0").asText());
        assertEquals(action, d.at("/event/action").asText());
        assertEquals(ecsOutcome, d.at("/event/outcome").asText());
        assertEquals(sequence, d.at("/event/sequence").asLong());
        assertEquals(stored.path("hash").asText(), d.at("/event/hash").asText());
        assertEquals(agentId, d.at("/user/id").asText());
        assertEquals(agentId, d.at("/user/name").asText());
        assertEquals(reasons.get(0).path("rule").asText(), d.at("/rule/id/0").asText());
        assertEquals(reasons.get(0).path("rule").asText(), d.at("/rule/name/0").asText());
        assertEquals(policyVersion, d.at("/rule/ruleset").asText());
        assertEquals("countersign", d.at("/service/name").asText());
        assertEquals(outcome, d.at("/countersign/outcome").asText());
        assertEquals(stored.path("hash").asText(), d.at("/countersign/chain_hash").asText());
        assertEquals(reasons.get(0).at("/controls/0").asText(), d.at("/countersign/controls/0").asText());
        assertTrue(d.at("/countersign/controls").size() > 0, "a rule mapped to controls lists them");
        if ("REQUIRE_APPROVAL".equals(outcome)) {
            assertEquals(approvalId, d.at("/countersign/approval_id").asText());
            assertEquals("PENDING", d.at("/countersign/approval_status").asText());
            assertEquals(approvalId, e.at("/metadata/correlation_uid").asText());
            assertEquals("approval_request", e.at("/resources/1/type").asText());
            assertEquals(approvalId, e.at("/resources/1/uid").asText());
            assertEquals("olivia@example.com", d.at("/countersign/on_behalf_of").asText());
            assertEquals("SEC-9", d.at("/countersign/ticket").asText());
        }
    }

    @Test
    void aVoteIsAnUpdateOfTheApprovalRequestByTheVoter() {
        JsonNode e = events("ocsf", before, 1000).stream()
                .filter(x -> "approval.vote".equals(x.at("/api/operation").asText())
                        && approvalId.equals(x.at("/metadata/correlation_uid").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no OCSF event for the vote"));
        JsonNode stored = raw().get(e.at("/metadata/sequence").asLong());
        assertEquals("approval", stored.at("/body/kind").asText());
        assertEquals(6003, e.path("class_uid").asInt());
        assertEquals(3, e.path("activity_id").asInt());
        assertEquals(600303, e.path("type_uid").asInt());
        assertEquals(1, e.path("status_id").asInt());
        assertEquals("PENDING", e.path("status_detail").asText());
        assertEquals("sec-1@example.com", e.at("/actor/user/uid").asText());
        assertEquals("User", e.at("/actor/user/type").asText());
        assertEquals("security", e.at("/actor/user/groups/0/name").asText());
        assertEquals("approval_request", e.at("/resources/0/type").asText());
        assertEquals(approvalId, e.at("/resources/0/uid").asText());
        assertEquals("APPROVE", e.at("/unmapped/vote").asText());
        assertEquals("ticket checked", e.at("/unmapped/comment").asText());
        assertEquals("api", e.at("/unmapped/channel").asText());
        assertEquals(approvalDecisionId, e.at("/unmapped/decision_id").asText());
        assertEquals(stored.path("hash").asText(), e.at("/metadata/uid").asText());

        JsonNode d = events("ecs", before, 1000).stream()
                .filter(x -> stored.path("hash").asText().equals(x.at("/event/hash").asText())).findFirst().orElseThrow();
        assertEquals("approval.vote", d.at("/event/action").asText());
        assertEquals("change", d.at("/event/type/0").asText());
        assertEquals("success", d.at("/event/outcome").asText());
        assertEquals("sec-1@example.com", d.at("/user/id").asText());
        assertEquals(approvalId, d.at("/countersign/approval_id").asText());
        assertEquals("PENDING", d.at("/countersign/approval_status").asText());
        assertEquals("APPROVE", d.at("/countersign/vote").asText());
        assertEquals("api", d.at("/countersign/channel").asText());
    }

    @Test
    void auditorsAndTheSiemRoleReadOthersDoNot() {
        given().get("/v1/log/events").then().statusCode(401);
        as(TestTokens.agent("siem-agent")).get("/v1/log/events").then().statusCode(403);
        as(TestTokens.token("sam@example.com", "human", "security")).get("/v1/log/events").then().statusCode(403);
        as(TestTokens.auditor()).queryParam("limit", 1).get("/v1/log/events").then().statusCode(200);
        as(TestTokens.token("splunk-forwarder", "agent", "siem")).queryParam("limit", 1).queryParam("format", "ecs")
                .get("/v1/log/events").then().statusCode(200).contentType(startsWith(SiemResource.NDJSON));
        as(TestTokens.token("splunk-forwarder", "agent", "siem")).get("/v1/log").then().statusCode(403);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({ "format, xml", "format, ocsf2", "afterSequence, -1", "afterSequence, abc", "limit, 0", "limit, 10001",
            "limit, -5" })
    void badInputIsA400NamingTheField(String field, String value) {
        as(TestTokens.auditor()).queryParam(field, value).get("/v1/log/events").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("field", equalTo(field));
    }

    @Test
    void pagesFollowTheNextSequenceHeaderWithoutGapsOrRepeats() {
        Response first = as(TestTokens.auditor()).queryParam("afterSequence", before).queryParam("limit", 2)
                .get("/v1/log/events");
        first.then().statusCode(200);
        List<Long> seen = new ArrayList<>();
        for (String line : first.asString().split("\n")) {
            seen.add(read(line).at("/metadata/sequence").asLong());
        }
        assertEquals(List.of(before + 1, before + 2), seen);
        long next = Long.parseLong(first.header(SiemResource.NEXT));
        assertEquals(before + 2, next);
        long head = Long.parseLong(first.header(SiemResource.HEAD));
        assertTrue(head >= before + 4, "four entries were written after " + before);

        List<JsonNode> rest = events("ecs", next, 10_000);
        assertEquals(next + 1, rest.get(0).at("/event/sequence").asLong());
        for (int i = 1; i < rest.size(); i++) {
            assertEquals(rest.get(i - 1).at("/event/sequence").asLong() + 1, rest.get(i).at("/event/sequence").asLong());
        }
        long end = rest.get(rest.size() - 1).at("/event/sequence").asLong();
        Response caughtUp = as(TestTokens.auditor()).queryParam("afterSequence", end).get("/v1/log/events");
        caughtUp.then().statusCode(200);
        if (Long.parseLong(caughtUp.header(SiemResource.HEAD)) == end) {
            assertEquals("", caughtUp.asString(), "nothing after the head");
            assertEquals(String.valueOf(end), caughtUp.header(SiemResource.NEXT), "caught up: ask again from the same place");
        }
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
