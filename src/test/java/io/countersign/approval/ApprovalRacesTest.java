package io.countersign.approval;

import static io.countersign.approval.ApprovalFlowTest.as;
import static io.countersign.approval.ApprovalFlowTest.grant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.countersign.decision.TestRequests;
import io.countersign.identity.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Races with real threads over real HTTP: whatever the interleaving, one final state, and every vote
 * either counted (200, a vote row, a log entry) or refused with a reason.
 */
@QuarkusTest
class ApprovalRacesTest {
    @Inject
    DataSource dataSource;

    record Answer(int status, String code, String state) {
    }

    @Test
    void approversRacingOnQuorumOne() throws Exception {
        String id = request(TestRequests.EXPORT, "race-export-" + UUID.randomUUID());
        List<Answer> answers = race(8, i -> vote(id, "gov-" + i + "@example.com", "data-governance", "approve", null));
        assertEquals(1, answers.stream().filter(a -> a.status() == 200).count(), answers.toString());
        assertEquals("APPROVED", answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow().state());
        assertTrue(answers.stream().filter(a -> a.status() != 200)
                .allMatch(a -> a.status() == 409 && a.code().equals("approval_not_pending")), answers.toString());
        assertEquals(1, votes(id));
        assertEquals(ApprovalStatus.APPROVED, status(id));
    }

    @Test
    void approveRacingDenyOnQuorumTwo() throws Exception {
        String id = request(grant("hal@example.com", "race-" + UUID.randomUUID()), "race-iam-" + UUID.randomUUID());
        List<Answer> answers = race(8, i -> vote(id, "sec-race-" + i + "@example.com", "security",
                i % 2 == 0 ? "approve" : "deny", "racing"));
        long counted = answers.stream().filter(a -> a.status() == 200).count();
        assertEquals(counted, votes(id), "every 200 is a counted vote, and only those");
        assertTrue(answers.stream().filter(a -> a.status() != 200)
                .allMatch(a -> a.status() == 409 && a.code().equals("approval_not_pending")), answers.toString());
        ApprovalStatus end = status(id);
        assertTrue(end == ApprovalStatus.APPROVED || end == ApprovalStatus.DENIED, end.name());
        String last = answers.stream().filter(a -> a.status() == 200 && !a.state().equals("PENDING"))
                .map(Answer::state).reduce((a, b) -> { throw new AssertionError("two final votes: " + answers); }).orElseThrow();
        assertEquals(end.name(), last, "the vote that ended the request says how it ended");
    }

    @Test
    void votesRacingTheDeadline() throws Exception {
        String id = request(grant("ivy@example.com", "race-" + UUID.randomUUID()), "race-exp-" + UUID.randomUUID());
        Instant deadline = Instant.now().plusMillis(300);
        setExpiry(id, deadline);
        List<Answer> answers = race(12, i -> {
            Thread.sleep(i * 50L);
            return vote(id, "sec-late-" + i + "@example.com", "security", "approve", null);
        });
        ApprovalStatus end = status(id);
        assertTrue(end == ApprovalStatus.APPROVED || end == ApprovalStatus.EXPIRED, end.name());
        List<Instant> votedAt = QuarkusTransaction.requiringNew().call(() -> VoteRecord.of(id).stream().map(v -> v.votedAt).toList());
        assertTrue(votedAt.stream().allMatch(t -> t.isBefore(deadline)), "no vote lands after the deadline: " + votedAt);
        assertEquals(answers.stream().filter(a -> a.status() == 200).count(), votedAt.size());
        assertTrue(answers.stream().filter(a -> a.status() != 200)
                .allMatch(a -> a.status() == 409 && a.code().equals("approval_not_pending")), answers.toString());
    }

    @Test
    void aLateVoteExpiresTheRequestInTheLogAndIsRefused() throws Exception {
        String id = request(grant("jo@example.com", "late-" + UUID.randomUUID()), "late-" + UUID.randomUUID());
        setExpiry(id, Instant.now().minusSeconds(1));
        Answer late = vote(id, "sec-late@example.com", "security", "approve", null);
        assertEquals(new Answer(409, "approval_not_pending", null), late);
        assertEquals(ApprovalStatus.EXPIRED, status(id));
        assertEquals(0, votes(id));
        String events = as(TestTokens.auditor()).queryParam("afterSequence", 0).queryParam("limit", 1000).get("/v1/log")
                .then().extract().jsonPath().getString("entries.body.findAll { it.kind == 'approval' && it.entry.approvalId == '" + id + "' }.entry.event");
        assertEquals("[expired]", events);
    }

    @Test
    void anApprovalUnusedPastItsWindowExpires() throws Exception {
        String agentId = "window-bot-" + UUID.randomUUID();
        String body = grant("kim@example.com", "window-" + UUID.randomUUID()).replace("\"production\"", "\"staging\"");
        String id = as(TestTokens.agent(agentId)).body(body).post("/v1/decisions").then().extract().path("approval.id");
        as(TestTokens.token("sec-w@example.com", "human", "security")).body("{}").post("/v1/approvals/" + id + "/approve")
                .then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("APPROVED"));
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE approval SET use_by = ? WHERE id = ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now().minusSeconds(1)));
            s.setString(2, id);
            assertEquals(1, s.executeUpdate());
        }
        as(TestTokens.agent(agentId)).body(body.replaceFirst("\\{", "{\"approvalId\": \"" + id + "\", "))
                .post("/v1/decisions").then().statusCode(200)
                .body("outcome", org.hamcrest.Matchers.equalTo("DENY"))
                .body("reasons[0].message", org.hamcrest.Matchers.containsString("EXPIRED"));
        assertEquals(ApprovalStatus.EXPIRED, status(id));
    }

    private String request(String body, String agentId) {
        return as(TestTokens.agent(agentId)).body(body).post("/v1/decisions").then().statusCode(200).extract().path("approval.id");
    }

    private static Answer vote(String id, String voter, String group, String how, String comment) {
        Response r = as(TestTokens.token(voter, "human", group))
                .body(comment == null ? "{}" : "{\"comment\": \"" + comment + "\"}")
                .post("/v1/approvals/" + id + "/" + how);
        return r.statusCode() == 200 ? new Answer(200, null, r.path("status")) : new Answer(r.statusCode(), r.path("code"), null);
    }

    @FunctionalInterface
    interface Voter {
        Answer vote(int i) throws Exception;
    }

    private static List<Answer> race(int n, Voter voter) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<Answer>) () -> {
                    start.await();
                    return voter.vote(index);
                }));
            }
            start.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private void setExpiry(String id, Instant at) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE approval SET expires_at = ? WHERE id = ?")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, id);
            assertEquals(1, s.executeUpdate());
        }
    }

    private static long votes(String id) {
        return QuarkusTransaction.requiringNew().call(() -> VoteRecord.count("approvalId", id));
    }

    private static ApprovalStatus status(String id) {
        return QuarkusTransaction.requiringNew().call(() -> ApprovalRecord.<ApprovalRecord> findById(id).status);
    }
}
