package io.countersign.approval;

/** {@code PENDING} → {@code APPROVED} | {@code DENIED} | {@code EXPIRED} | {@code CANCELLED}; {@code APPROVED} → {@code CONSUMED} | {@code EXPIRED}. */
public enum ApprovalStatus {
    PENDING, APPROVED, DENIED, EXPIRED, CANCELLED, CONSUMED
}
