package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;

import io.countersign.decision.TestRequests;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A disk that takes H2's writes but refuses to flush them: every commit goes through, yet no caller may
 * be answered, and the service must stay unready until a flush goes through again.
 */
@QuarkusTest
class FlushFailureTest {
    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    /** Flushes as the real one does, or refuses; {@link #hold} keeps the next flush waiting until released. */
    static class RefusingDisk extends H2Disk {
        volatile boolean refusing;
        volatile CountDownLatch entered = new CountDownLatch(0);
        volatile CountDownLatch hold = new CountDownLatch(0);

        @Override
        void flush(MVStore store) {
            entered.countDown();
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (refusing) {
                throw new UncheckedIOException(new IOException("injected: the disk refused the flush"));
            }
            super.flush(store);
        }
    }

    @Test
    void aRefusedFlushAnswers503AndKeepsTheServiceUnreadyUntilAFlushGoesThrough() throws Exception {
        assumeTrue("h2".equals(dbKind), "only embedded H2 is flushed by the log: PostgreSQL's commit waits for its WAL");
        RefusingDisk disk = new RefusingDisk();
        QuarkusMock.installMockForType(disk, H2Disk.class);
        try {
            disk.refusing = true;
            decide().then().statusCode(503).body("code", equalTo("log_unavailable"));
            ready().then().statusCode(503).body("checks.find { it.name == 'countersign' }.data.logWriter", equalTo("down"));

            // The next batch commits (which alone once made the service ready again) and its flush waits:
            // still unready, since nothing has reached the disk since the refusal.
            disk.entered = new CountDownLatch(1);
            disk.hold = new CountDownLatch(1);
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> decide().statusCode());
            assertTrue(disk.entered.await(30, TimeUnit.SECONDS), "the second decision's batch never reached the flush");
            ready().then().statusCode(503);
            disk.hold.countDown();
            assertEquals(503, second.get(30, TimeUnit.SECONDS), "a decision was answered without its flush");
            ready().then().statusCode(503);

            // The disk flushes again: with no traffic, the idle flusher notices and the service is ready.
            disk.refusing = false;
            awaitReady(Duration.ofSeconds(10));
            decide().then().statusCode(200).body("outcome", equalTo("REQUIRE_APPROVAL"));
        } finally {
            disk.refusing = false;
            disk.hold.countDown();
            awaitReady(Duration.ofSeconds(10));
        }
    }

    private static io.restassured.response.Response decide() {
        return given().auth().oauth2(TestTokens.agent("flush-failure-bot")).body(TestRequests.EXPORT)
                .when().post("/v1/decisions");
    }

    private static io.restassured.response.Response ready() {
        return given().when().get("/q/health/ready");
    }

    private static void awaitReady(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (ready().statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "the service did not become ready again within " + within);
            Thread.sleep(50);
        }
    }
}
