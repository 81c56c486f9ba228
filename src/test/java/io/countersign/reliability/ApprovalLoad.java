package io.countersign.reliability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Approvals flowing while other load runs: each cycle an agent asks for a confidential production export
 * (REQUIRE_APPROVAL, a new request), a data-governance approver approves it, and the agent asks again with
 * the approval (ALLOW, the approval used once). Remembers every decision and vote that was answered 200.
 */
final class ApprovalLoad {
    private final Map<String, String> ackedDecisions = new ConcurrentHashMap<>();
    private final Set<String> ackedVotes = ConcurrentHashMap.newKeySet();
    private final AtomicInteger cycles = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicLong counter = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * What the cycles saw: requests sent, decisions and votes answered 200, whole cycles, other answers,
     * and requests nothing answered.
     */
    record Result(int sent, Map<String, String> ackedDecisions, Set<String> ackedVotes, int cycles, int refused,
            int unanswered) {
    }

    private ApprovalLoad() {
    }

    /** Starts {@code flows} threads of ask → approve → use against {@code service}. */
    static ApprovalLoad start(ServiceProcess service, int flows) {
        ApprovalLoad load = new ApprovalLoad();
        String approver = service.token("gov-approver@example.com", "human", "data-governance");
        for (int i = 0; i < flows; i++) {
            Thread thread = new Thread(() -> load.flow(service, approver), "approvals-" + service + "-" + i);
            thread.setDaemon(true);
            load.threads.add(thread);
        }
        load.threads.forEach(Thread::start);
        return load;
    }

    Result stop() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        return new Result(sent.get(), Map.copyOf(ackedDecisions), Set.copyOf(ackedVotes), cycles.get(), refused.get(),
                unanswered.get());
    }

    private void flow(ServiceProcess service, String approver) {
        try {
            while (!stopping) {
                cycle(service, approver, counter.incrementAndGet());
            }
        } catch (IOException e) {
            // The service went away: this flow has nothing more to say to it.
            unanswered.incrementAndGet();
        }
    }

    private void cycle(ServiceProcess service, String approver, long n) throws IOException {
        String body = """
                {"action": "aws.s3.export",
                 "resource": {"type": "s3-bucket", "id": "approved-export-%d", "environment": "production",
                              "classification": "confidential", "attributes": {"destination": "s3://corp-analytics-exports"}},
                 "onBehalfOf": "alice@example.com", "context": {"reason": "approval flow %d"}""".formatted(n, n);
        sent.incrementAndGet();
        ServiceProcess.Answer asked = service.decide(body + "}");
        if (!acked(asked)) {
            return;
        }
        String approvalId = asked.body().path("approval").path("id").asText();
        sent.incrementAndGet();
        ServiceProcess.Answer vote = service.post("/v1/approvals/" + approvalId + "/approve", approver,
                "{\"comment\": \"load test\"}");
        if (vote.status() != 200) {
            refused.incrementAndGet();
            return;
        }
        ackedVotes.add(approvalId);
        sent.incrementAndGet();
        if (acked(service.decide(body + ", \"approvalId\": \"" + approvalId + "\"}"))) {
            cycles.incrementAndGet();
        }
    }

    private boolean acked(ServiceProcess.Answer answer) {
        if (answer.status() != 200) {
            refused.incrementAndGet();
            return false;
        }
        ackedDecisions.put(answer.body().path("decisionId").asText(), answer.body().path("outcome").asText());
        return true;
    }
}
