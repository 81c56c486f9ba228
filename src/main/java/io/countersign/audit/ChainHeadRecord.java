package io.countersign.audit;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The one row every appender locks: the last sequence and its hash (hex). */
@Entity
@Table(name = "chain_head")
public class ChainHeadRecord extends PanacheEntityBase {
    public static final int ID = 1;

    @Id
    public Integer id;
    public long sequence;
    public String hash;
}
