package io.countersign.inbox;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A sign-in link that has been used, by its {@code jti}. The primary key makes a second use fail however
 * many instances share the database; the row is kept until the link would have expired anyway.
 */
@Entity
@Table(name = "inbox_sign_in")
public class SignInUse extends PanacheEntityBase {
    @Id
    public String jti;
    public String subject;
    @Column(name = "used_at")
    public Instant usedAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
}
