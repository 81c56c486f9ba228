package io.countersign.channel.slack;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** With Slack not enabled (the default), the interactions endpoint does not exist, even for a well-signed request. */
@QuarkusTest
class SlackDisabledTest {
    @Test
    void theInteractionsEndpointIsNotFound() {
        String body = "payload=%7B%22type%22%3A%22block_actions%22%7D";
        String ts = String.valueOf(Instant.now().getEpochSecond());
        given().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", SignedRequests.sign("any-secret", ts, body.getBytes()))
                .body(body).post(SlackChannelTest.INTERACTIONS).then().statusCode(404).body("code", equalTo("not_found"));
    }
}
