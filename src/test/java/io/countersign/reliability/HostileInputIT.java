package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.countersign.cli.CountersignCli;
import io.countersign.decision.ActionDigest;
import io.countersign.evidence.BundleVerifier;
import io.countersign.policy.Decision;
import io.countersign.policy.Outcome;
import io.countersign.policy.Policy;
import io.countersign.policy.PolicyLoader;
import io.countersign.policy.Reason;
import io.countersign.policy.RequestYaml;
import io.countersign.policy.api.Caller;
import io.countersign.testing.Properties;
import io.countersign.yaml.JsonDocument;
import io.countersign.yaml.YamlException;

/**
 * Hostile input against one real service (the packaged jar, on H2 or the PostgreSQL the build names):
 * decision requests, broken bodies, votes and reads at hostile ids, evidence queries. The only answers
 * allowed are a decision that the policy, evaluated here in process on the same rules, makes for that
 * input, or a 4xx problem with a code: never a 5xx, never a wait over {@link #LIMIT}, never an outcome
 * (least of all an ALLOW) the rules did not produce, never a vote or a read at an id other than the one
 * the path names. Afterwards every decision answered is in the log once, and the chain verifies.
 */
class HostileInputIT {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Set<String> OUTCOMES = Set.of("ALLOW", "REQUIRE_APPROVAL", "DENY");

    private static TestDatabase database;
    private static ServiceProcess service;
    private static Policy policy;
    private static Caller caller;
    private static String agent;
    private static String approver;
    private static String auditor;
    /** The decisions answered 200, by id, with their outcomes: the log must hold each once. */
    private static final Map<String, String> answered = new ConcurrentHashMap<>();
    private static final AtomicInteger opened = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        if (TestDatabase.postgresql()) {
            database = TestDatabase.create();
        }
        service = ServiceProcess.start("hostile", ServiceProcess.newDataDir("hostile"),
                database == null ? Map.of() : database.settings());
        CountersignCli.quietLibraryLogging();
        policy = PolicyLoader.forRulesDir(Path.of("rules")).load();
        caller = new Caller(service.agent(), Caller.AGENT, List.of("agent"));
        agent = service.token(service.agent(), Caller.AGENT, "agent");
        approver = service.token("dana@example.com", Caller.HUMAN, "data-governance");
        auditor = service.token("audrey@example.com", Caller.HUMAN, "auditor");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (service != null) {
                List<ServiceProcess.LogEntry> log = service.log();
                LogAssertions.assertWholeChain(service.verify(), log);
                LogAssertions.assertHoldsExactlyOnce(log, answered);
            }
        } finally {
            if (service != null) {
                service.close();
            }
            if (database != null) {
                database.close();
            }
        }
    }

    @Test
    void aDecisionIsThePolicysOrAProblem() {
        Properties.check(400, HostileInput.decisionBodies(service.agent()),
                body -> assertDecidedAsThePolicyDecides(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBrokenBodyGetsAProblem() {
        Properties.check(200, HostileInput.brokenBodies(service.agent()), body -> assertDecidedAsThePolicyDecides(body.bytes()));
    }

    @Test
    void aVoteCountsOnlyOnTheRequestItsIdNames() {
        Properties.check(150, HostileInput.votes(), HostileInputIT::assertCountedOnlyOnItsOwn);
    }

    @Test
    void aReadFindsOnlyWhatItsIdNames() {
        Properties.check(100, HostileInput.pathIds(), id -> {
            Opened request = openApproval();
            String approval = assertFindsOnlyItsOwn("/v1/approvals/", id.segmentFor(request.approvalId()), request.approvalId(),
                    approver);
            String decision = assertFindsOnlyItsOwn("/v1/decisions/", id.segmentFor(request.decisionId()), request.decisionId(),
                    agent);
            return "approval " + approval + ", decision " + decision;
        });
    }

    @Test
    void anEvidenceQueryGetsAVerifiedBundleOrAProblem() {
        Properties.check(150, HostileInput.evidenceQueries(LocalDate.now(ZoneOffset.UTC)), HostileInputIT::assertBundleOrProblem);
    }

    /** A vote on a new request: counted only if its path names that request and its token may cast it; else a problem. */
    private static String assertCountedOnlyOnItsOwn(HostileInput.Vote vote) throws IOException {
        Opened request = openApproval();
        String segment = vote.id().segmentFor(request.approvalId());
        String asked = "POST /v1/approvals/" + segment + "/" + vote.verb();
        ServiceProcess.Reply reply = send("POST", "/v1/approvals/" + segment + "/" + vote.verb(),
                vote.approver() ? approver : agent, vote.body().bytes());
        if (reply.status() != 200) {
            return assertProblem(asked, reply);
        }
        assertEquals(request.approvalId(), HostileInput.decode(segment), asked + " counted on " + request.approvalId());
        assertEquals(!vote.verb().equals("cancel"), vote.approver(), asked + ": approve and deny are the approver's, cancel the requester's");
        JsonNode view = reply.json();
        assertEquals(request.approvalId(), view.path("id").asText(), asked + ": " + view);
        String status = switch (vote.verb()) {
            case "approve" -> "APPROVED";
            case "deny" -> "DENIED";
            default -> "CANCELLED";
        };
        assertEquals(status, view.path("status").asText(), asked + ": " + view);
        return "counted";
    }

    /** {@code GET /v1/evidence?query}: a bundle that verifies, or a problem. */
    private static String assertBundleOrProblem(String query) throws IOException {
        ServiceProcess.Reply reply = send("GET", "/v1/evidence?" + query, auditor, null);
        if (reply.status() != 200) {
            return assertProblem("GET /v1/evidence?" + query, reply);
        }
        assertTrue(reply.contentType().startsWith("application/zip"), "a bundle is a ZIP: " + reply.contentType());
        Path bundle = Files.createTempFile("hostile-evidence-", ".zip");
        try {
            Files.write(bundle, reply.body());
            BundleVerifier.Outcome verified = BundleVerifier.verify(bundle, null);
            assertEquals(BundleVerifier.VALID, verified.exitCode(), query + ": the bundle does not verify: " + verified.problem());
        } finally {
            Files.delete(bundle);
        }
        return "bundle";
    }

    /**
     * Asks for a decision: a 200 must be the decision the policy makes here for the same body, well-formed
     * and bound to the same action; anything else a 4xx problem. Says which ("ALLOW", "refused", ...).
     */
    private static String assertDecidedAsThePolicyDecides(byte[] body) throws IOException {
        ServiceProcess.Reply reply = send("POST", "/v1/decisions", agent, body);
        if (reply.status() != 200) {
            return assertProblem("POST /v1/decisions", reply);
        }
        RequestYaml.Body asked;
        try {
            asked = RequestYaml.readBody(JsonDocument.parse(body, "body"), caller);
        } catch (YamlException e) {
            return fail("decided a body the request reader refuses (" + e.located() + "): " + reply.text());
        }
        Decision expected = policy.evaluate(asked.request());
        JsonNode answer = reply.json();
        String outcome = answer.path("outcome").asText();
        assertFalse(answer.path("decisionId").asText("").isBlank(), "a decision has an id: " + answer);
        assertTrue(OUTCOMES.contains(outcome), "an outcome: " + answer);
        List<String> rules = StreamSupport.stream(answer.path("reasons").spliterator(), false)
                .map(r -> r.path("rule").asText()).sorted().toList();
        assertFalse(rules.isEmpty(), "a decision carries its reasons: " + answer);
        // An approval presented for the rules' REQUIRE_APPROVAL is settled: none of these exist, so DENY.
        boolean settled = asked.approvalId() != null && expected.outcome() == Outcome.REQUIRE_APPROVAL;
        assertEquals(settled ? "DENY" : expected.outcome().name(), outcome, "the outcome the rules produce: " + answer);
        assertEquals(settled ? List.of("approval.invalid") : expected.reasons().stream().map(Reason::rule).sorted().toList(),
                rules, "the rules that decided: " + answer);
        assertEquals(policy.version(), answer.path("policyVersion").asText(), "the same rules");
        assertEquals(ActionDigest.of(asked.request()), answer.path("actionDigest").asText(), "bound to the action asked for");
        if (outcome.equals("REQUIRE_APPROVAL")) {
            JsonNode approval = answer.path("approval");
            assertEquals("PENDING", approval.path("status").asText(), "a pending request: " + answer);
            assertEquals(expected.approval().approverGroups(), StreamSupport.stream(approval.path("approverGroups").spliterator(), false)
                    .map(JsonNode::asText).toList(), "for the groups the rules name: " + answer);
        }
        answered.put(answer.path("decisionId").asText(), outcome);
        return outcome;
    }

    /** {@code GET prefix + segment}: the record {@code realId} only if the segment names exactly it, else a 4xx problem. */
    private static String assertFindsOnlyItsOwn(String prefix, String segment, String realId, String token) throws IOException {
        ServiceProcess.Reply reply = send("GET", prefix + segment, token, null);
        if (reply.status() != 200) {
            return assertProblem("GET " + prefix + segment, reply);
        }
        assertEquals(realId, HostileInput.decode(segment), "GET " + prefix + segment + " found " + realId);
        String id = prefix.equals("/v1/decisions/") ? "decisionId" : "id";
        assertEquals(realId, reply.json().path(id).asText(), "GET " + prefix + segment);
        return "found";
    }

    /** A 4xx problem with a code: "refused"; or, for a target Quarkus refuses before routing, its bare 400. */
    private static String assertProblem(String asked, ServiceProcess.Reply reply) {
        if (!ServiceProcess.wellFormed(asked.substring(asked.indexOf(' ') + 1))) {
            // Quarkus checks the request target with java.net.URI before any of Countersign's code runs, and
            // answers a malformed one (a bad percent escape) with an empty 400 that no handler can reach.
            assertEquals(400, reply.status(), asked + ": a malformed request target is a 400");
            return "malformed target";
        }
        assertTrue(reply.status() >= 400 && reply.status() < 500,
                asked + " answered " + reply.status() + ", not a 4xx: " + Properties.shown(reply.text(), 500));
        assertTrue(reply.contentType().startsWith("application/problem+json"),
                asked + " answered " + reply.status() + " as " + reply.contentType() + ": " + Properties.shown(reply.text(), 500));
        assertFalse(reply.json().path("code").asText("").isBlank(), asked + ": a problem has a code: " + reply.text());
        return "refused";
    }

    /** A request and the pending approval it opened. */
    private record Opened(String decisionId, String approvalId) {
    }

    /** A new pending request for data-governance, opened by this service's agent for a resource of its own. */
    private static Opened openApproval() throws IOException {
        String body = """
                {"action": "aws.s3.export",
                 "resource": {"type": "s3-bucket", "id": "vote-%d", "environment": "production",
                              "classification": "confidential", "attributes": {"destination": "s3://corp-analytics-exports"}},
                 "onBehalfOf": "alice@example.com"}""".formatted(opened.incrementAndGet());
        ServiceProcess.Reply reply = send("POST", "/v1/decisions", agent, body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, reply.status(), reply.text());
        JsonNode answer = reply.json();
        assertEquals("REQUIRE_APPROVAL", answer.path("outcome").asText(), answer.toString());
        answered.put(answer.path("decisionId").asText(), "REQUIRE_APPROVAL");
        return new Opened(answer.path("decisionId").asText(), answer.path("approval").path("id").asText());
    }

    private static ServiceProcess.Reply send(String method, String path, String token, byte[] body) throws IOException {
        try {
            return service.exchange(method, path, token, body, LIMIT);
        } catch (HttpTimeoutException e) {
            return fail(method + " " + Properties.shown(path, 300) + ": no answer within " + LIMIT);
        }
    }
}
