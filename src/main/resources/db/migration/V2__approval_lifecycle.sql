-- The approval lifecycle: what the reviewer sees, the decision's timeline, and one row per vote.
ALTER TABLE approval ADD COLUMN context VARCHAR(1000000);
ALTER TABLE approval ADD COLUMN decided_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE approval ADD COLUMN use_by TIMESTAMP WITH TIME ZONE;
ALTER TABLE approval ADD COLUMN consumed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE approval ADD COLUMN consumed_by VARCHAR(36);
ALTER TABLE approval ADD COLUMN break_glass BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX approval_requester_digest ON approval (requester_id, action_digest, status);

-- voter_key is the voter's id lower-cased and stripped: one vote per person, however the id is spelled.
CREATE TABLE approval_vote (
    id           VARCHAR(36)   NOT NULL PRIMARY KEY,
    approval_id  VARCHAR(36)   NOT NULL,
    voter_id     VARCHAR(256)  NOT NULL,
    voter_key    VARCHAR(256)  NOT NULL,
    vote         VARCHAR(8)    NOT NULL,
    comment      VARCHAR(4000),
    channel      VARCHAR(16)   NOT NULL,
    voter_groups VARCHAR(20000) NOT NULL,
    break_glass  BOOLEAN       NOT NULL,
    voted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    sequence     BIGINT        NOT NULL
);
CREATE UNIQUE INDEX approval_vote_once ON approval_vote (approval_id, voter_key);
