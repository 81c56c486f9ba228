package io.countersign.decision;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.countersign.audit.LogWrite;
import io.countersign.policy.Outcome;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A decision as answered: the response body kept verbatim, for {@code GET /v1/decisions/{id}} and replays. */
@Entity
@Table(name = "decision")
public class DecisionRecord extends PanacheEntityBase implements LogWrite.Sequenced {
    @Id
    public String id;
    public long sequence;
    @Column(name = "decided_at")
    public Instant decidedAt;
    @Column(name = "caller_id")
    public String callerId;
    @Enumerated(EnumType.STRING)
    public Outcome outcome;
    @Column(name = "action_digest")
    public String actionDigest;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "request_hash")
    public String requestHash;
    public String response;

    @Override
    public void sequence(long sequence) {
        this.sequence = sequence;
    }
}
