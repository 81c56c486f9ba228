-- The decision log: one chain per database. chain_head holds the last sequence and hash; every
-- appender locks that one row, so several instances still build one gap-free chain.
CREATE TABLE chain_head (
    id          INTEGER     NOT NULL PRIMARY KEY,
    sequence    BIGINT      NOT NULL,
    hash        VARCHAR(64) NOT NULL
);
INSERT INTO chain_head (id, sequence, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- body is the RFC 8785 canonical JSON of the entry; hash = SHA-256(prev_hash || body).
CREATE TABLE log_entry (
    sequence     BIGINT          NOT NULL PRIMARY KEY,
    recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    kind         VARCHAR(32)     NOT NULL,
    body         VARCHAR(1000000) NOT NULL,
    prev_hash    VARCHAR(64)     NOT NULL,
    hash         VARCHAR(64)     NOT NULL
);
CREATE INDEX log_entry_recorded_at ON log_entry (recorded_at);

CREATE TABLE log_checkpoint (
    sequence     BIGINT        NOT NULL PRIMARY KEY,
    head_hash    VARCHAR(71)   NOT NULL,
    signed_at    VARCHAR(40)   NOT NULL,
    signature    VARCHAR(200)  NOT NULL,
    public_key   VARCHAR(200)  NOT NULL
);

CREATE TABLE decision (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    sequence         BIGINT        NOT NULL,
    decided_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    caller_id        VARCHAR(256)  NOT NULL,
    outcome          VARCHAR(20)   NOT NULL,
    action_digest    VARCHAR(71)   NOT NULL,
    idempotency_key  VARCHAR(256),
    request_hash     VARCHAR(71),
    response         VARCHAR(1000000) NOT NULL
);
CREATE UNIQUE INDEX decision_idempotency ON decision (caller_id, idempotency_key);

CREATE TABLE approval (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    decision_id      VARCHAR(36)   NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    requester_id     VARCHAR(256)  NOT NULL,
    requester_type   VARCHAR(16)   NOT NULL,
    on_behalf_of     VARCHAR(256),
    action_digest    VARCHAR(71)   NOT NULL,
    approver_groups  VARCHAR(20000) NOT NULL,
    group_mode       VARCHAR(8)    NOT NULL,
    quorum           INTEGER       NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    version          BIGINT        NOT NULL
);
CREATE INDEX approval_status ON approval (status);
