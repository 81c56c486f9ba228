package io.countersign.channel.teams;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A request card the bot posted: where, so that the outcome can be replied there and the card updated. */
@Entity
@Table(name = "teams_message")
public class TeamsMessageRecord extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "approval_id")
    public String approvalId;
    @Column(name = "conversation_id")
    public String conversationId;
    @Column(name = "activity_id")
    public String activityId;
    @Column(name = "posted_at")
    public Instant postedAt;

    public static List<TeamsMessageRecord> of(String approvalId) {
        return list("approvalId = ?1 order by postedAt, id", approvalId);
    }
}
