package io.countersign.approval;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.countersign.audit.LogWrite;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One vote on an approval request, with the groups the voter held when voting. */
@Entity
@Table(name = "approval_vote")
public class VoteRecord extends PanacheEntityBase implements LogWrite.Sequenced {
    public enum Vote {
        APPROVE, DENY
    }

    @Id
    public String id;
    @Column(name = "approval_id")
    public String approvalId;
    @Column(name = "voter_id")
    public String voterId;
    @Column(name = "voter_key")
    public String voterKey;
    @Enumerated(EnumType.STRING)
    public Vote vote;
    public String comment;
    public String channel;
    /** Newline-separated. */
    @Column(name = "voter_groups")
    public String voterGroups;
    @Column(name = "break_glass")
    public boolean breakGlass;
    @Column(name = "voted_at")
    public Instant votedAt;
    public long sequence;

    @Override
    public void sequence(long sequence) {
        this.sequence = sequence;
    }

    public List<String> groups() {
        return voterGroups.isEmpty() ? List.of() : Arrays.asList(voterGroups.split("\n"));
    }

    public static List<VoteRecord> of(String approvalId) {
        return list("approvalId = ?1 order by votedAt, id", approvalId);
    }
}
