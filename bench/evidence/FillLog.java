import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Appends N valid chained entries to a Countersign H2 database the service has migrated (and is not
 * running on): a mix shaped like real traffic (allows, denies, approval requests, two votes each, the use
 * of the approval), bodies in RFC 8785 canonical form (keys written in sorted order), hash =
 * SHA-256(prev || body), one per millisecond ending now. Run with the H2 driver on the class path:
 * java -cp h2.jar FillLog.java JDBC_URL N POLICY_VERSION
 */
public class FillLog {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        long n = Long.parseLong(args[1]);
        String policy = args[2];
        HexFormat hex = HexFormat.of();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Connection c = DriverManager.getConnection(url, "", "")) {
            c.setAutoCommit(false);
            long head;
            byte[] prev;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sequence, hash FROM chain_head WHERE id = 1")) {
                rs.next();
                head = rs.getLong(1);
                prev = hex.parseHex(rs.getString(2));
            }
            Instant start = Instant.now().minus(n + 1000, ChronoUnit.MILLIS).truncatedTo(ChronoUnit.MILLIS);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO log_entry (sequence, recorded_at, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (long i = 1; i <= n; i++) {
                    long seq = head + i;
                    Instant at = start.plusMillis(i);
                    String kind;
                    String entry;
                    int phase = (int) (i % 5);
                    String req = "r" + (i / 5);
                    String approval = "a-" + (i / 5);
                    String caller = "{\"groups\":[\"agent\"],\"id\":\"bench-bot-" + (i % 7) + "\",\"type\":\"agent\"}";
                    String request = "{\"action\":\"iam.role.assign\",\"context\":{\"reason\":\"rotation\",\"ticket\":\"SEC-" + i
                            + "\"},\"onBehalfOf\":\"olivia@example.com\",\"resource\":{\"attributes\":{\"principal\":\"dana@example.com\"},"
                            + "\"environment\":\"production\",\"id\":\"admin-" + req + "\",\"type\":\"iam-role\"}}";
                    String reason = "{\"controls\":[\"SOC2:CC6.2\",\"SOC2:CC6.3\",\"ISO27001:A.5.18\",\"FEDRAMP:AC-6\"],"
                            + "\"message\":\"Grants privileges to dana@example.com (iam.role.assign): security must approve.\","
                            + "\"outcome\":\"REQUIRE_APPROVAL\",\"rule\":\"iam.escalation.for-other\"}";
                    switch (phase) {
                        case 0 -> {
                            kind = "decision";
                            String outcome = i % 2 == 0 ? "ALLOW" : "DENY";
                            entry = "{\"actionDigest\":\"sha256:" + "0".repeat(64) + "\",\"caller\":" + caller + ",\"decidedAt\":\"" + at
                                    + "\",\"decisionId\":\"d-" + i + "\",\"matched\":[\"readonly.actions\"],\"outcome\":\"" + outcome
                                    + "\",\"policyVersion\":\"" + policy + "\",\"reasons\":[{\"controls\":[\"SOC2:CC6.1\"],\"message\":\"m\","
                                    + "\"outcome\":\"" + outcome + "\",\"rule\":\"readonly.actions\"}],\"request\":" + request + "}";
                        }
                        case 1 -> {
                            kind = "decision";
                            entry = "{\"actionDigest\":\"sha256:" + "1".repeat(64) + "\",\"approval\":{\"approverGroups\":[\"security\"],"
                                    + "\"expiresAt\":\"" + at.plusSeconds(3600) + "\",\"groupMode\":\"ANY\",\"id\":\"" + approval
                                    + "\",\"quorum\":2,\"status\":\"PENDING\"},\"caller\":" + caller + ",\"decidedAt\":\"" + at
                                    + "\",\"decisionId\":\"d-" + i + "\",\"matched\":[\"iam.escalation.for-other\"],\"outcome\":\"REQUIRE_APPROVAL\","
                                    + "\"policyVersion\":\"" + policy + "\",\"reasons\":[" + reason + "],\"request\":" + request + "}";
                        }
                        case 2, 3 -> {
                            kind = "approval";
                            boolean second = phase == 3;
                            entry = "{\"actionDigest\":\"sha256:" + "1".repeat(64) + "\",\"approvalId\":\"" + approval + "\",\"approvals\":"
                                    + (second ? 2 : 1) + ",\"at\":\"" + at + "\",\"breakGlass\":false,\"channel\":\"api\",\"comment\":\"ok\","
                                    + "\"decisionId\":\"d-" + (i - phase + 1) + "\",\"event\":\"" + (second ? "approved" : "voted")
                                    + "\",\"requester\":\"bench-bot-" + ((i - phase + 1) % 7) + "\",\"status\":\"" + (second ? "APPROVED" : "PENDING")
                                    + "\",\"vote\":\"APPROVE\",\"voter\":{\"groups\":[\"security\"],\"id\":\"sec-" + phase
                                    + "@example.com\",\"type\":\"human\"}}";
                        }
                        default -> {
                            kind = "decision";
                            entry = "{\"actionDigest\":\"sha256:" + "1".repeat(64) + "\",\"approvalUse\":{\"approvalId\":\"" + approval
                                    + "\",\"result\":\"consumed\"},\"caller\":" + caller + ",\"decidedAt\":\"" + at + "\",\"decisionId\":\"d-" + i
                                    + "\",\"matched\":[\"iam.escalation.for-other\"],\"outcome\":\"ALLOW\",\"policyOutcome\":\"REQUIRE_APPROVAL\","
                                    + "\"policyVersion\":\"" + policy + "\",\"reasons\":[{\"controls\":[\"SOC2:CC6.2\"],\"message\":\"Approved\","
                                    + "\"outcome\":\"ALLOW\",\"rule\":\"approval.granted\"}],\"request\":" + request + "}";
                        }
                    }
                    String body = "{\"entry\":" + entry + ",\"kind\":\"" + kind + "\",\"recordedAt\":\"" + at + "\",\"sequence\":" + seq + "}";
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    sha.update(prev);
                    byte[] hash = sha.digest(bytes);
                    insert.setLong(1, seq);
                    insert.setTimestamp(2, Timestamp.from(at));
                    insert.setString(3, kind);
                    insert.setBytes(4, bytes);
                    insert.setString(5, hex.formatHex(prev));
                    insert.setString(6, hex.formatHex(hash));
                    insert.addBatch();
                    prev = hash;
                    if (i % 2_000 == 0 || i == n) {
                        insert.executeBatch();
                        c.commit();
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE chain_head SET sequence = ?, hash = ? WHERE id = 1")) {
                s.setLong(1, head + n);
                s.setString(2, hex.formatHex(prev));
                s.executeUpdate();
            }
            c.commit();
            System.out.println("appended " + n + " entries after " + head + "; from " + start + " to " + start.plusMillis(n));
        }
    }
}
