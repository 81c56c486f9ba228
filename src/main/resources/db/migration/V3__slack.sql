-- Slack: the message posted for each approval request, per channel, so that votes and the decision
-- update it (chat.update) and the outcome goes to its thread once.
CREATE TABLE slack_message (
    approval_id    VARCHAR(36)  NOT NULL,
    channel        VARCHAR(64)  NOT NULL,
    ts             VARCHAR(32)  NOT NULL,
    outcome_posted BOOLEAN      DEFAULT FALSE NOT NULL,
    PRIMARY KEY (approval_id, channel)
);

-- Signatures of interaction requests already accepted, kept while their timestamp is within the clock
-- skew window: a replayed request is refused on every instance sharing the database.
CREATE TABLE slack_request_seen (
    signature  VARCHAR(80) NOT NULL PRIMARY KEY,
    request_ts BIGINT      NOT NULL
);
CREATE INDEX slack_request_seen_ts ON slack_request_seen (request_ts);
