package io.countersign.inbox;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A signed-out inbox session: its cookie is refused until it would have expired anyway. */
@Entity
@Table(name = "inbox_sign_out")
public class SessionEnd extends PanacheEntityBase {
    @Id
    @Column(name = "session_id")
    public String sessionId;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
}
