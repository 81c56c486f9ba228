package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import jakarta.inject.Inject;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.countersign.decision.TestRequests;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * On PostgreSQL the writer commits batches without waiting for the disk and {@link WalFlusher} confirms them
 * durable: no caller is answered before a flush that began after its batch committed, and a flush that fails
 * answers 503, like a failed commit. On H2 every commit is written at once and no flush is made.
 */
@QuarkusTest
class WalFlusherTest {
    @Inject
    DataSource dataSource;

    @Inject
    LogReader reader;

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    @Test
    void answersWaitForAFlushOnPostgresqlAndH2MakesNone() throws SQLException {
        long flushesBefore = flushes();
        String token = TestTokens.agent("flush-bot");
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(token).body(TestRequests.EXPORT).when().post("/v1/decisions").then().statusCode(200);
        }
        if ("postgresql".equals(dbKind)) {
            assertTrue(flushes() >= flushesBefore + 1, "each answer waited for a flush of this instance");
        } else {
            assertEquals(0, flushesBefore, "H2 makes no flush");
            assertEquals(0, flushes(), "H2 makes no flush");
        }
    }

    @Test
    void aFailedFlushAnswers503AndTheNextOneRecovers() throws SQLException {
        assumeTrue("postgresql".equals(dbKind), "PostgreSQL only: H2 commits are written at once");
        String token = TestTokens.agent("flush-failure-bot");
        long headBefore = reader.head().sequence();
        sql("ALTER TABLE log_flush RENAME TO log_flush_away");
        try {
            given().auth().oauth2(token).body(TestRequests.EXPORT).when().post("/v1/decisions").then()
                    .statusCode(503).body("code", equalTo("log_unavailable"));
        } finally {
            sql("ALTER TABLE log_flush_away RENAME TO log_flush");
        }
        // The batch had committed: its entry stays, a decision no one was told of, as after a commit that
        // outlasted its caller's wait.
        assertTrue(reader.head().sequence() > headBefore, "the unconfirmed entry is in the chain");
        given().auth().oauth2(token).body(TestRequests.EXPORT).when().post("/v1/decisions").then().statusCode(200);
        given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/verify").then().statusCode(200)
                .body("valid", equalTo(true));
    }

    private long flushes() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(flushes), 0) FROM log_flush")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
