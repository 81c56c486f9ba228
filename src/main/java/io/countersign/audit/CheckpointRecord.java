package io.countersign.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A stored {@link Checkpoint} and the public key that verifies it. */
@Entity
@Table(name = "log_checkpoint")
public class CheckpointRecord extends PanacheEntityBase {
    @Id
    public long sequence;
    @Column(name = "head_hash")
    public String headHash;
    @Column(name = "signed_at")
    public String signedAt;
    public String signature;
    @Column(name = "public_key")
    public String publicKey;

    public Checkpoint checkpoint() {
        return new Checkpoint(sequence, headHash, signedAt, signature);
    }
}
