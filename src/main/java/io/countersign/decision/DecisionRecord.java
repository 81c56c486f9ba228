package io.countersign.decision;

import static io.countersign.audit.RowInsert.Type.BIGINT;
import static io.countersign.audit.RowInsert.Type.TIMESTAMPTZ;
import static io.countersign.audit.RowInsert.Type.VARCHAR;
import static io.countersign.audit.RowInsert.column;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.countersign.audit.LogWrite;
import io.countersign.audit.RowInsert;
import io.countersign.policy.Outcome;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A decision's row, for replays and for {@code GET /v1/decisions/{id}}: written only for a request with an
 * {@code Idempotency-Key} or an answer kept verbatim (and for every decision logged before V8); any other
 * decision is found by its log entry alone. The answer is rebuilt from the entry, which records every value
 * in it; {@code response} keeps it verbatim only where that could not give the same text (and for decisions
 * logged before V7). Inserted by the log writer with its entry (never updated), read as an entity.
 */
@Entity
@Table(name = "decision")
public class DecisionRecord extends PanacheEntityBase implements LogWrite.Sequenced, LogWrite.Inserted {
    private static final RowInsert INSERT = RowInsert.into("decision", column("id", VARCHAR), column("sequence", BIGINT),
            column("decided_at", TIMESTAMPTZ), column("caller_id", VARCHAR), column("outcome", VARCHAR),
            column("action_digest", VARCHAR), column("idempotency_key", VARCHAR), column("request_hash", VARCHAR),
            column("response", VARCHAR));

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
    /** Of the request body, for replays: set only for a request with an idempotency key (and before V7). */
    @Column(name = "request_hash")
    public String requestHash;
    /** The answer verbatim, or null when it is rebuilt from the entry. */
    public String response;

    @Override
    public void sequence(long sequence) {
        this.sequence = sequence;
    }

    @Override
    public RowInsert insert() {
        return INSERT;
    }

    @Override
    public Object[] values() {
        return new Object[] { id, sequence, decidedAt, callerId, outcome.name(), actionDigest, idempotencyKey, requestHash,
                response };
    }
}
