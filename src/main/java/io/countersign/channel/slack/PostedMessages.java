package io.countersign.channel.slack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** Where each request's message was posted ({@code slack_message}): channel and {@code ts}, and whether its thread has the outcome. */
@ApplicationScoped
public class PostedMessages {
    record Posted(String approvalId, String channel, String ts, boolean outcomePosted) {
    }

    private final DataSource database;

    PostedMessages(DataSource database) {
        this.database = database;
    }

    List<Posted> of(String approvalId) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT channel, ts, outcome_posted FROM slack_message WHERE approval_id = ? ORDER BY channel")) {
            select.setString(1, approvalId);
            List<Posted> posted = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    posted.add(new Posted(approvalId, rows.getString(1), rows.getString(2), rows.getBoolean(3)));
                }
            }
            return posted;
        }
    }

    void add(Posted posted) throws SQLException {
        update("INSERT INTO slack_message (approval_id, channel, ts, outcome_posted) VALUES (?, ?, ?, ?)",
                posted.approvalId(), posted.channel(), posted.ts(), posted.outcomePosted());
    }

    void outcomePosted(Posted posted) throws SQLException {
        update("UPDATE slack_message SET outcome_posted = TRUE WHERE approval_id = ? AND channel = ?",
                posted.approvalId(), posted.channel());
    }

    private void update(String sql, Object... parameters) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
