package io.countersign.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test of one packaged service on the database the jar was built for: H2 in its data directory, or a
 * fresh PostgreSQL database made for the test and dropped after it. The service is killed afterwards.
 */
abstract class ServiceIT {
    protected TestDatabase database;
    protected ServiceProcess service;

    @BeforeEach
    void database() throws Exception {
        if (TestDatabase.postgresql()) {
            database = TestDatabase.create();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** The service's settings for the test database, to add to. */
    protected Map<String, String> settings() {
        return new HashMap<>(database == null ? Map.of() : database.settings());
    }

    protected String databaseName() {
        return database == null ? "H2" : "PostgreSQL";
    }

    /** The whole log holds every decision of {@code acked} exactly once, and the chain verifies. */
    protected void assertAllLogged(Map<String, String> acked) throws Exception {
        assertAllLogged(service.log(), acked);
    }

    private void assertAllLogged(List<ServiceProcess.LogEntry> log, Map<String, String> acked) throws Exception {
        LogAssertions.assertWholeChain(service.verify(), log);
        LogAssertions.assertHoldsExactlyOnce(log, acked);
    }

    /**
     * Checks what a fault left behind and writes down its counts: the chain verifies, every decision and
     * vote answered 200 is in the log once, and no approval is half-applied. One row per scenario goes to
     * {@code target/reliability-it/fault-counts.tsv} (scenario, database, requests sent, answered, answered
     * 200, logged of those, lost).
     */
    protected void assertNothingLost(String scenario, LoadRun.Result run, ApprovalLoad.Result approvals) throws Exception {
        List<ServiceProcess.LogEntry> log = service.log();
        Map<String, String> acked = new HashMap<>(run.acked());
        acked.putAll(approvals.ackedDecisions());
        Set<String> logged = new HashSet<>();
        for (ServiceProcess.LogEntry e : log) {
            if (e.decisionId() != null) {
                logged.add(e.decisionId());
            } else if ("approval".equals(e.kind()) && e.entry().has("vote")) {
                logged.add("vote on " + e.entry().path("approvalId").asText());
            }
        }
        Set<String> ok = new HashSet<>(acked.keySet());
        approvals.ackedVotes().forEach(id -> ok.add("vote on " + id));
        long loggedOk = ok.stream().filter(logged::contains).count();
        int sent = run.attempts() + approvals.sent();
        int answered = sent - run.unanswered() - approvals.unanswered();
        String row = String.join("\t", scenario, databaseName(), Integer.toString(sent), Integer.toString(answered),
                Integer.toString(ok.size()), Long.toString(loggedOk), Long.toString(ok.size() - loggedOk));
        System.out.println("fault counts: scenario, database, sent, answered, answered 200, logged, lost: " + row);
        try {
            Path counts = Path.of("target/reliability-it/fault-counts.tsv");
            Files.createDirectories(counts.getParent());
            Files.writeString(counts, row + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertAllLogged(log, acked);
        LogAssertions.assertApprovalsWhole(service, log, approvals.ackedVotes());
    }
}
