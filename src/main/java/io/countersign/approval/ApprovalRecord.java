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
import jakarta.persistence.Version;

import io.countersign.policy.GroupMode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An approval request, created PENDING with the decision that required it. */
@Entity
@Table(name = "approval")
public class ApprovalRecord extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "decision_id")
    public String decisionId;
    @Enumerated(EnumType.STRING)
    public ApprovalStatus status;
    @Column(name = "requester_id")
    public String requesterId;
    @Column(name = "requester_type")
    public String requesterType;
    @Column(name = "on_behalf_of")
    public String onBehalfOf;
    @Column(name = "action_digest")
    public String actionDigest;
    /** Newline-separated: group names cannot contain line breaks. */
    @Column(name = "approver_groups")
    public String approverGroups;
    @Enumerated(EnumType.STRING)
    @Column(name = "group_mode")
    public GroupMode groupMode;
    public int quorum;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    /** JSON: what the reviewer sees (who asked, for whom, the action, resource, reason, artifact, rules). */
    public String context;
    @Column(name = "decided_at")
    public Instant decidedAt;
    /** An approved request must be used by then. */
    @Column(name = "use_by")
    public Instant useBy;
    @Column(name = "consumed_at")
    public Instant consumedAt;
    /** The decision that used the approval. */
    @Column(name = "consumed_by")
    public String consumedBy;
    @Column(name = "break_glass")
    public boolean breakGlass;
    @Version
    public long version;

    /** The deadline of the current state: the vote deadline while pending, the use-by once approved. */
    public Instant deadline() {
        return status == ApprovalStatus.PENDING ? expiresAt : status == ApprovalStatus.APPROVED ? useBy : null;
    }

    /** Whether the state has run out at {@code now} (and becomes EXPIRED when next touched). */
    public boolean dueToExpire(Instant now) {
        Instant deadline = deadline();
        return deadline != null && !now.isBefore(deadline);
    }

    public List<String> groups() {
        return approverGroups.isEmpty() ? List.of() : Arrays.asList(approverGroups.split("\n"));
    }
}
