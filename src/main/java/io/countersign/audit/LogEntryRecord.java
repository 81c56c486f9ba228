package io.countersign.audit;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One link of the decision log; {@code body} is canonical JSON, hashes are lower-case hex. */
@Entity
@Table(name = "log_entry")
public class LogEntryRecord extends PanacheEntityBase {
    @Id
    public long sequence;
    @Column(name = "recorded_at")
    public Instant recordedAt;
    public String kind;
    public String body;
    @Column(name = "prev_hash")
    public String prevHash;
    public String hash;
}
