package io.countersign.channel.slack;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.countersign.http.Problem;
import io.countersign.http.Problems;
import io.quarkus.scheduler.Scheduled;

/**
 * Tells Slack's requests from anyone else's. Slack signs each request with the app's signing secret:
 * {@code X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:" + X-Slack-Request-Timestamp + ":" + raw body>}.
 * The signature is the only authentication of the interactions endpoint (Slack cannot send a bearer
 * token), so a request is refused when its timestamp is further than the allowed skew from now, either
 * way, when the signature does not match, or when the same signature was accepted before (a replay).
 * Accepted signatures are kept in the database while their timestamp is within the window, so every
 * instance sharing it refuses a replay.
 */
@ApplicationScoped
public class SignedRequests {
    private static final Logger LOG = Logger.getLogger(SignedRequests.class);
    /** PostgreSQL and H2 both report a duplicate key as SQLSTATE 23505. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final SlackChannelConfig config;
    private final DataSource database;

    SignedRequests(SlackChannelConfig config, DataSource database) {
        this.config = config;
        this.database = database;
    }

    /** {@code null} when the request is Slack's and seen for the first time; otherwise why it is refused. */
    public Problem refusal(String timestamp, String signature, byte[] body) {
        String secret = config.signingSecret().orElse(null);
        if (secret == null || secret.isBlank()) {
            return unauthorized("no signing secret is configured, so no request can be verified");
        }
        if (timestamp == null || signature == null) {
            return unauthorized("X-Slack-Request-Timestamp and X-Slack-Signature are required");
        }
        if (!timestamp.matches("[0-9]{1,12}")) {
            return unauthorized("X-Slack-Request-Timestamp is not a time in seconds");
        }
        long at = Long.parseLong(timestamp);
        long now = Instant.now().getEpochSecond();
        long skew = config.maxClockSkew().toSeconds();
        if (at < now - skew) {
            return unauthorized("the request is more than " + skew + " s old");
        }
        if (at > now + skew) {
            return unauthorized("the request's timestamp is more than " + skew + " s in the future");
        }
        // Constant time: the comparison tells nothing about how much of a forged signature was right.
        if (!MessageDigest.isEqual(sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return unauthorized("the signature does not match");
        }
        try {
            if (!firstSight(signature, at)) {
                return unauthorized("this request was received already");
            }
        } catch (SQLException e) {
            LOG.warnf("Slack request not accepted: its signature could not be recorded: %s", e.getMessage());
            return Problem.of(503, "storage_unavailable", "Storage unavailable", "the request could not be checked for replay");
        }
        return null;
    }

    /** {@code v0=} and the hex HMAC-SHA256, keyed with the signing secret, of {@code v0:timestamp:body}. */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private boolean firstSight(String signature, long at) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO slack_request_seen (signature, request_ts) VALUES (?, ?)")) {
            insert.setString(1, signature);
            insert.setLong(2, at);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** Signatures whose timestamp has left the window cannot be replayed any more: their requests are stale. */
    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetStale() {
        if (!config.enabled()) {
            return;
        }
        long before = Instant.now().getEpochSecond() - config.maxClockSkew().toSeconds();
        try (Connection c = database.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM slack_request_seen WHERE request_ts < ?")) {
            delete.setLong(1, before);
            delete.executeUpdate();
        } catch (SQLException e) {
            LOG.debugf("stale Slack signatures not removed now: %s", e.getMessage());
        }
    }

    private static Problem unauthorized(String detail) {
        return Problems.unauthorized("not a valid Slack request: " + detail);
    }
}
